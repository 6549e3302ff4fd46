import Basics

/// The textual forms a digest can take.
package enum HashEncoding: Sendable {
    /// Nix's base-32, the form store paths and `nix-hash --base32` use.
    case nixBase32
    case base16
    case base64
    /// Subresource Integrity, `sha256-<base64>`; it always names the algorithm.
    case sri
}

/// A digest together with the algorithm that produced it. The initialiser
/// checks the length, so a `Hash` in hand always has the right byte count.
package struct Hash: Hashable, Sendable, CustomStringConvertible {
    package let algorithm: HashAlgorithm
    package let bytes: [UInt8]

    package init(algorithm: HashAlgorithm, bytes: [UInt8]) throws(FormatError) {
        guard bytes.count == algorithm.byteCount else {
            throw .wrongDigestSize(algorithm, byteCount: bytes.count)
        }
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// For digests fresh from a `HashContext`, whose length is right by
    /// construction.
    init(finalizing context: HashContext) {
        self.algorithm = context.algorithm
        self.bytes = context.finalize()
    }

    /// `compute` for bytes in hand, hashed where they lie (the generic form
    /// copies them through an iterator when called from another module).
    package static func compute(_ algorithm: HashAlgorithm, of bytes: [UInt8]) -> Hash {
        var context = HashContext(algorithm)
        bytes.withUnsafeBytes { context.update($0) }
        return Hash(finalizing: context)
    }

    package static func compute(_ algorithm: HashAlgorithm, of bytes: some Sequence<UInt8>) -> Hash {
        var context = HashContext(algorithm)
        context.update(bytes)
        return Hash(finalizing: context)
    }

    /// `algo:nix32`, the form Nix prints in its database and `--query --hash`.
    package var description: String { encoded(.nixBase32) }

    package func encoded(_ encoding: HashEncoding, withAlgorithm: Bool = true) -> String {
        let digest: String
        switch encoding {
        case .nixBase32: digest = NixBase32.encode(bytes)
        case .base16: digest = Base16.encode(bytes)
        case .base64: digest = Base64.encode(bytes)
        case .sri: return "\(algorithm.rawValue)-\(Base64.encode(bytes))"
        }
        return withAlgorithm ? "\(algorithm.rawValue):\(digest)" : digest
    }

    /// Parses `algo:DIGEST`, SRI `algo-BASE64`, or a bare DIGEST when
    /// `defaultAlgorithm` is given. Like Nix, the digest's encoding is told by
    /// its length (base16, nix-base32 and base64 lengths never coincide).
    package static func parse(
        _ text: some StringProtocol, defaultAlgorithm: HashAlgorithm? = nil
    ) throws(FormatError) -> Hash {
        if let colon = text.firstIndex(of: ":") {
            let algorithm = try algorithm(named: text[..<colon])
            return try decodeDigest(text[text.index(after: colon)...], algorithm: algorithm, whole: text)
        }
        if let dash = text.firstIndex(of: "-") {
            let algorithm = try algorithm(named: text[..<dash])
            let digest = text[text.index(after: dash)...]
            guard digest.utf8.count == Base64.encodedLength(byteCount: algorithm.byteCount) else {
                throw .wrongHashLength(algorithm, text: String(text))
            }
            return try Hash(algorithm: algorithm, bytes: Base64.decode(digest))
        }
        guard let defaultAlgorithm else { throw .missingHashAlgorithm(String(text)) }
        return try decodeDigest(text[...], algorithm: defaultAlgorithm, whole: text)
    }

    private static func algorithm(named name: some StringProtocol) throws(FormatError) -> HashAlgorithm {
        // Exact lower-case names only, as Nix accepts: "SHA256:…" is a typo
        // more likely than a convention.
        guard let algorithm = HashAlgorithm(rawValue: String(name)) else {
            throw .unknownHashAlgorithm(String(name))
        }
        return algorithm
    }

    private static func decodeDigest(
        _ digest: some StringProtocol, algorithm: HashAlgorithm, whole: some StringProtocol
    ) throws(FormatError) -> Hash {
        let n = algorithm.byteCount
        let bytes: [UInt8]
        switch digest.utf8.count {
        case 2 * n: bytes = try Base16.decode(digest)
        case NixBase32.encodedLength(byteCount: n): bytes = try NixBase32.decode(digest)
        case Base64.encodedLength(byteCount: n): bytes = try Base64.decode(digest)
        default: throw .wrongHashLength(algorithm, text: String(whole))
        }
        return try Hash(algorithm: algorithm, bytes: bytes)
    }

    /// Nix's `compressHash`: folds the digest into `size` bytes by XOR-ing
    /// byte i into position i mod size. Store path hash parts are the 20-byte
    /// fold of a SHA-256.
    package func truncatedXORFold(to size: Int) -> [UInt8] {
        guard size > 0 else { return [] }
        var result = [UInt8](repeating: 0, count: size)
        for (i, byte) in bytes.enumerated() { result[i % size] ^= byte }
        return result
    }
}
