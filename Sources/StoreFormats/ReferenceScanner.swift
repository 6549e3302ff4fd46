/// Finds which candidate store path hash parts occur in a byte stream — how
/// the store discovers a build output's references. It runs over every byte
/// of every output, so it is one linear pass with no allocation per byte:
///
/// - A window of 32 bytes can only match if all are nix-base32 digits.
///   Testing from the window's end backwards, a non-digit at offset j rules
///   out every window starting at or before it, so the scan jumps past it
///   (most text has a non-digit every few bytes). Bytes already known to be
///   digits are not tested again, so each byte is tested at most once.
/// - A full-digit window is checked against a 64 Ki-bit filter on its first
///   8 bytes, then against the set of candidates as fixed-size keys.
/// - The last 31 bytes of each chunk are kept so that hashes straddling
///   chunk boundaries are found, whatever the chunk sizes.
package struct ReferenceScanner {
    /// A 32-byte hash part as four words: hashable without allocating.
    private struct Key: Hashable {
        var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

        init(_ p: UnsafeRawPointer) {
            w0 = p.loadUnaligned(as: UInt64.self)
            w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            w2 = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            w3 = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        }

        var filterBit: Int { Int(truncatingIfNeeded: (w0 &* 0x9E37_79B9_7F4A_7C15) >> 48) }
    }

    private static let length = StorePath.hashPartLength

    private var candidates: [Key: String] = [:]
    private var filter = [UInt64](repeating: 0, count: 1024)
    private var foundKeys: Set<Key> = []
    package private(set) var found: Set<String> = []

    /// The stream's last `length - 1` bytes, which may begin a match that
    /// the next chunk completes.
    private var carry = [UInt8](repeating: 0, count: length - 1)
    private var carryCount = 0
    /// Room for the carry plus the start of the next chunk.
    private var seam = [UInt8](repeating: 0, count: 2 * (length - 1))

    /// Strings that are not 32 nix-base32 characters can never match and are
    /// ignored.
    package init(hashParts: some Sequence<String>) {
        for hashPart in hashParts {
            let bytes = Array(hashPart.utf8)
            guard bytes.count == Self.length, bytes.allSatisfy(NixBase32.isDigit) else { continue }
            guard let key = bytes.withUnsafeBytes({ $0.baseAddress.map(Key.init) }) else { continue }
            candidates[key] = hashPart
            filter[key.filterBit >> 6] |= 1 << UInt64(key.filterBit & 63)
        }
    }

    package mutating func scan(_ chunk: UnsafeRawBufferPointer) {
        guard let chunkBase = chunk.baseAddress, chunk.count > 0, !candidates.isEmpty else { return }
        if carryCount > 0 {
            // Windows that start in the carry: scan them in a small seam
            // buffer holding the carry and the chunk's first bytes.
            let carried = carryCount
            let take = min(Self.length - 1, chunk.count)
            // Moved out while in use, so scanning (which mutates self) does
            // not overlap an access to self.seam; swapping never copies.
            var seam = [UInt8]()
            swap(&seam, &self.seam)
            seam.withUnsafeMutableBytes { seamRaw in
                guard let seamBase = seamRaw.baseAddress else { return }
                carry.withUnsafeBytes { carryRaw in
                    if let carryBase = carryRaw.baseAddress {
                        seamBase.copyMemory(from: carryBase, byteCount: carried)
                    }
                }
                (seamBase + carried).copyMemory(from: chunkBase, byteCount: take)
                scanWindows(UnsafeRawPointer(seamBase), count: carried + take, startsBefore: carried)
            }
            swap(&seam, &self.seam)
        }
        scanWindows(chunkBase, count: chunk.count, startsBefore: chunk.count)
        updateCarry(with: chunkBase, count: chunk.count)
    }

    /// Keeps the stream's last n - 1 bytes: the tail of the old carry
    /// followed by the chunk, or only the chunk's end when it is long enough.
    private mutating func updateCarry(with chunk: UnsafeRawPointer, count: Int) {
        let keep = Self.length - 1
        let fromChunk = min(count, keep)
        let fromCarry = min(carryCount, keep - fromChunk)
        let dropped = carryCount - fromCarry
        carry.withUnsafeMutableBufferPointer { carry in
            // Sliding left within one buffer: a forward copy never
            // overwrites a byte before reading it.
            for k in 0..<fromCarry { carry[k] = carry[dropped + k] }
            let tail = count - fromChunk
            for k in 0..<fromChunk { carry[fromCarry + k] = chunk.load(fromByteOffset: tail + k, as: UInt8.self) }
        }
        carryCount = fromCarry + fromChunk
    }

    /// Checks every complete window of `count` bytes at `base` that starts
    /// before `startsBefore`.
    private mutating func scanWindows(_ base: UnsafeRawPointer, count: Int, startsBefore limit: Int) {
        let n = Self.length
        var i = 0
        // Bytes before this position (from the current window on) are known
        // to be digits.
        var digitsUpTo = 0
        while i < limit && i + n <= count {
            var j = i + n - 1
            let lowest = max(digitsUpTo, i)
            while j >= lowest && NixBase32.isDigit(base.load(fromByteOffset: j, as: UInt8.self)) { j -= 1 }
            if j >= lowest {
                // bytes[j] is not a digit: no window containing it can match.
                digitsUpTo = i + n
                i = j + 1
                continue
            }
            digitsUpTo = i + n
            let key = Key(base + i)
            let bit = key.filterBit
            if filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0, let hashPart = candidates[key],
               foundKeys.insert(key).inserted {
                found.insert(hashPart)
            }
            i += 1
        }
    }
}
