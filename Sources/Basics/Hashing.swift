import Crypto

/// The digest algorithms store formats name (`sha256:…`, fixed-output hashes).
/// MD5 and SHA-1 exist only because old fixed-output derivations still use them.
package enum HashAlgorithm: String, Sendable, CaseIterable, Hashable {
    case md5, sha1, sha256, sha512

    /// Digest length in bytes.
    package var byteCount: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    package init?(name: some StringProtocol) {
        self.init(rawValue: String(name).lowercased())
    }
}

/// An incremental hash over a byte stream. Feeding a buffer never copies it,
/// so hashing a multi-gigabyte file keeps memory bounded by the caller's buffer.
package struct HashContext {
    // One optional per algorithm rather than an enum with payloads: mutating
    // through optional chaining updates in place, whereas extracting an enum
    // payload would copy the digest state (and allocate) on every update.
    private var md5: Insecure.MD5?
    private var sha1: Insecure.SHA1?
    private var sha256: SHA256?
    private var sha512: SHA512?
    /// OpenSSL's implementation when the system has it (see `SystemDigest`).
    private var system: SystemDigest?
    package let algorithm: HashAlgorithm

    package init(_ algorithm: HashAlgorithm, portable: Bool = false) {
        self.algorithm = algorithm
        if !portable, let system = SystemDigest(algorithm) {
            self.system = system
            return
        }
        switch algorithm {
        case .md5: md5 = Insecure.MD5()
        case .sha1: sha1 = Insecure.SHA1()
        case .sha256: sha256 = SHA256()
        case .sha512: sha512 = SHA512()
        }
    }

    package mutating func update(_ buffer: UnsafeRawBufferPointer) {
        if system != nil {
            // Value semantics: a copied context must not see this update.
            // (No `if let` here: the extra reference would defeat the check.)
            if !isKnownUniquelyReferenced(&system) { system = system?.copy() }
            system?.update(buffer)
            return
        }
        switch algorithm {
        case .md5: md5?.update(bufferPointer: buffer)
        case .sha1: sha1?.update(bufferPointer: buffer)
        case .sha256: sha256?.update(bufferPointer: buffer)
        case .sha512: sha512?.update(bufferPointer: buffer)
        }
    }

    package mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    package func finalize() -> [UInt8] {
        if let system { return system.finalize() }
        return switch algorithm {
        case .md5: md5.map { Array($0.finalize()) } ?? []
        case .sha1: sha1.map { Array($0.finalize()) } ?? []
        case .sha256: sha256.map { Array($0.finalize()) } ?? []
        case .sha512: sha512.map { Array($0.finalize()) } ?? []
        }
    }

    /// One-shot digest of a byte sequence.
    package static func digest(_ algorithm: HashAlgorithm, of bytes: some Sequence<UInt8>) -> [UInt8] {
        var context = HashContext(algorithm)
        context.update(bytes)
        return context.finalize()
    }
}
