import Basics

/// How a fixed-output or content-addressed item's hash covers its contents:
/// `flat` hashes a single file's bytes, `recursive` hashes its NAR
/// serialisation (and so also covers directories, symlinks and the
/// executable bit).
package enum ContentAddressMethod: Hashable, Sendable {
    case flat
    case recursive
}

extension StoreDirectory {
    /// The one construction every store path comes from: the hash part is the
    /// nix-base32 of the 20-byte XOR-fold of
    /// SHA-256("TYPE:ALGO:BASE16DIGEST:STOREDIR:NAME"). Because the store
    /// directory is in the fingerprint, the same content gets a different
    /// path in a different store.
    package func makeStorePath(type: String, hash: Hash, name: String) throws(FormatError) -> StorePath {
        // Built as bytes: this runs twice for every derivation an evaluation
        // makes, and string interpolation was most of its cost.
        var fingerprint: [UInt8] = []
        fingerprint.reserveCapacity(type.utf8.count + hash.bytes.count * 2 + path.utf8.count + name.utf8.count + 16)
        fingerprint.append(contentsOf: type.utf8)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: hash.algorithm.rawValue.utf8)
        fingerprint.append(UInt8(ascii: ":"))
        Base16.append(hash.bytes, to: &fingerprint)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: path.utf8)
        fingerprint.append(UInt8(ascii: ":"))
        fingerprint.append(contentsOf: name.utf8)
        let digest = Hash.compute(.sha256, of: fingerprint)
        return try StorePath(computedHashPart: NixBase32.encode(digest.truncatedXORFold(to: 20)), name: name)
    }

    /// `TYPE:/store/ref1:/store/ref2…[:self]`, references in byte order, as
    /// Nix's `makeType` prints them.
    private func typeString(_ type: String, references: [StorePath], selfReference: Bool) -> String {
        guard !references.isEmpty || selfReference else { return type }
        var result = type
        result.reserveCapacity(type.utf8.count + references.count * (path.utf8.count + 48))
        for reference in references.sorted() {
            result += ":"
            result += path
            result += "/"
            result += reference.hashPart
            result += "-"
            result += reference.name
        }
        if selfReference { result += ":self" }
        return result
    }

    /// Paths of `builtins.toFile`, `.drv` files and other text written
    /// directly into the store. Nix only defines them for SHA-256.
    package func makeTextPath(name: String, contentHash: Hash, references: [StorePath]) throws(FormatError) -> StorePath {
        guard contentHash.algorithm == .sha256 else {
            throw .unsupportedHashAlgorithm(contentHash.algorithm, context: "text store paths")
        }
        return try makeStorePath(
            type: typeString("text", references: references, selfReference: false),
            hash: contentHash, name: name)
    }

    /// Paths of items added by their NAR hash (`nix-store --add`, sources).
    package func makeSourcePath(
        name: String, narHash: Hash, references: [StorePath], selfReference: Bool
    ) throws(FormatError) -> StorePath {
        try makeStorePath(
            type: typeString("source", references: references, selfReference: selfReference),
            hash: narHash, name: name)
    }

    /// Output paths of input-addressed derivations, from the derivation's
    /// hash modulo fixed outputs. Outputs other than `out` get their name
    /// appended.
    package func makeOutputPath(outputName: String, hashModulo: Hash, name: String) throws(FormatError) -> StorePath {
        let pathName = outputName == "out" ? name : "\(name)-\(outputName)"
        return try makeStorePath(type: "output:\(outputName)", hash: hashModulo, name: pathName)
    }

    /// Paths of fixed-output derivations and `nix-store --add-fixed`.
    /// Recursive SHA-256 coincides with source paths (so a fetched source and
    /// the same tree added locally share a path); every other combination
    /// hashes a `fixed:out:` descriptor first and cannot carry references.
    package func makeFixedOutputPath(
        name: String, method: ContentAddressMethod, hash: Hash, references: [StorePath] = []
    ) throws(FormatError) -> StorePath {
        if method == .recursive && hash.algorithm == .sha256 {
            return try makeSourcePath(name: name, narHash: hash, references: references, selfReference: false)
        }
        guard references.isEmpty else {
            throw .referencesNotAllowed("a fixed-output path other than recursive SHA-256")
        }
        let prefix = method == .recursive ? "r:" : ""
        let descriptor = "fixed:out:\(prefix)\(hash.encoded(.base16)):"
        return try makeStorePath(
            type: "output:out", hash: Hash.compute(.sha256, of: descriptor.utf8), name: name)
    }

    /// The path a content-addressed item gets, whichever kind it is.
    package func makeContentAddressedPath(
        name: String, address: ContentAddress, references: [StorePath] = []
    ) throws(FormatError) -> StorePath {
        switch address {
        case .text(let hash):
            try makeTextPath(name: name, contentHash: hash, references: references)
        case .fixed(let method, let hash):
            try makeFixedOutputPath(name: name, method: method, hash: hash, references: references)
        }
    }
}

/// What a content-addressed store item's path was computed from, as Nix
/// records it in the `ca` column of its database and in narinfo files.
package enum ContentAddress: Hashable, Sendable {
    case text(Hash)
    case fixed(ContentAddressMethod, Hash)

    /// `text:sha256:NIX32`, `fixed:r:ALGO:NIX32` or `fixed:ALGO:NIX32`.
    package var rendered: String {
        switch self {
        case .text(let hash):
            "text:\(hash.encoded(.nixBase32))"
        case .fixed(.recursive, let hash):
            "fixed:r:\(hash.encoded(.nixBase32))"
        case .fixed(.flat, let hash):
            "fixed:\(hash.encoded(.nixBase32))"
        }
    }

    package init(parsing text: some StringProtocol) throws(FormatError) {
        let whole = String(text)
        do throws(FormatError) {
            if whole.hasPrefix("text:") {
                let hash = try Hash.parse(whole.dropFirst("text:".count))
                guard hash.algorithm == .sha256 else {
                    throw FormatError.unsupportedHashAlgorithm(hash.algorithm, context: "text content addresses")
                }
                self = .text(hash)
            } else if whole.hasPrefix("fixed:r:") {
                self = .fixed(.recursive, try Hash.parse(whole.dropFirst("fixed:r:".count)))
            } else if whole.hasPrefix("fixed:") {
                self = .fixed(.flat, try Hash.parse(whole.dropFirst("fixed:".count)))
            } else {
                throw FormatError.invalidContentAddress(whole, reason: "it must start with 'text:' or 'fixed:'")
            }
        } catch .invalidContentAddress(let text, let reason) {
            throw .invalidContentAddress(text, reason: reason)
        } catch {
            // Quote the whole address, not only the hash inside it.
            throw .invalidContentAddress(whole, reason: error.message)
        }
    }
}
