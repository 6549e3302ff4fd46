/// Nix's base-32 encoding, used for store path hash parts and most printed
/// hashes. It is not RFC 4648: the alphabet omits e, o, u and t (to avoid
/// spelling words), and the digits are taken from the *end* of the byte
/// string, so the first character holds the most significant bits of the last
/// byte. Every byte of a store path depends on reproducing this exactly.
package enum NixBase32 {
    package static let alphabet: [UInt8] = Array("0123456789abcdfghijklmnpqrsvwxyz".utf8)

    /// Maps a byte to its digit value, or 0xFF when it is not in the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, c) in alphabet.enumerated() { table[Int(c)] = UInt8(value) }
        return table
    }()

    /// True for bytes in the alphabet. This runs on every byte a reference
    /// scan sees, so it tests bitmaps held in registers (bit c for bytes
    /// below 64, bit c - 64 for the letters) instead of loading from a lazily
    /// initialised global table.
    package static func isDigit(_ c: UInt8) -> Bool {
        let digits: UInt64 = 0x03FF_0000_0000_0000  // '0'...'9'
        let letters: UInt64 = 0x07CF_7FDE_0000_0000  // 'a'...'z' minus e, o, t, u
        if c < 64 { return (digits >> UInt64(c)) & 1 != 0 }
        if c < 128 { return (letters >> UInt64(c &- 64)) & 1 != 0 }
        return false
    }

    /// Number of characters for `byteCount` bytes: ceil(8n / 5).
    package static func encodedLength(byteCount: Int) -> Int {
        byteCount <= 0 ? 0 : (byteCount * 8 - 1) / 5 + 1
    }

    package static func encode(_ bytes: [UInt8]) -> String {
        let length = encodedLength(byteCount: bytes.count)
        guard length > 0 else { return "" }
        return String(unsafeUninitializedCapacity: length) { output in
            var position = 0
            for n in stride(from: length - 1, through: 0, by: -1) {
                let bit = n * 5
                let i = bit / 8
                let j = bit % 8
                // The digit may straddle two bytes: low bits from bytes[i],
                // high bits from bytes[i + 1] when there is one.
                let low = Int(bytes[i]) >> j
                let high = i + 1 < bytes.count ? Int(bytes[i + 1]) << (8 - j) : 0
                output[position] = alphabet[(low | high) & 0x1F]
                position += 1
            }
            return length
        }
    }

    /// Decodes a nix-base32 string into `count * 5 / 8` bytes. Like Nix, it
    /// rejects characters outside the alphabet and a first digit whose high
    /// bits would overflow the last byte, so each byte string has exactly one
    /// accepted spelling.
    package static func decode(_ text: some StringProtocol) throws(FormatError) -> [UInt8] {
        let utf8 = text.utf8
        let length = utf8.count
        let byteCount = length * 5 / 8
        guard encodedLength(byteCount: byteCount) == length else {
            throw .invalidBase32(String(text))
        }
        var bytes = [UInt8](repeating: 0, count: byteCount)
        // Characters are read last to first: the last character holds the
        // least significant bits of byte 0.
        for (n, c) in utf8.reversed().enumerated() {
            let digit = values[Int(c)]
            guard digit != 0xFF else { throw .invalidBase32(String(text)) }
            let bit = n * 5
            let i = bit / 8
            let j = bit % 8
            bytes[i] |= UInt8(truncatingIfNeeded: Int(digit) << j)
            let carry = Int(digit) >> (8 - j)
            if i + 1 < byteCount {
                bytes[i + 1] |= UInt8(truncatingIfNeeded: carry)
            } else if carry != 0 {
                throw .invalidBase32(String(text))
            }
        }
        return bytes
    }
}
