import Basics
import StoreFormats

extension LocalStore {
    /// Adds a file or tree from outside the store, as `nix-store --add`
    /// (recursive: the whole tree, NAR-hashed, a `source` path) or
    /// `nix-store --add-fixed sha256` (flat: one regular file, content-hashed).
    ///
    /// A tree is copied and hashed in one pass. A small file is hashed first
    /// and copied only when the store lacks it: adding what is already there
    /// (scripts and evaluations do it all the time) then writes nothing.
    package func add(_ source: String, name: String? = nil, method: ContentAddressMethod = .recursive) throws -> StorePath {
        let name = name ?? FileSystem.baseName(source)
        do {
            try StorePath.validateName(name)
        } catch {
            throw StoreError.invalidItemName(name: name, reason: error.message)
        }
        if let st = try FileSystem.linkStatus(source), FileSystem.kind(of: st) != .directory,
            st.st_size <= Self.hashFirstLimit
        {
            let digest = try ingest(source, method: method, into: nil)
            let path = try storeDirectory.makeFixedOutputPath(name: name, method: method, hash: digest.contentHash)
            // Rooted before the check, so a collector cannot take it in between.
            try addTemporaryRoot(path)
            if try isValid(path) { return path }
        }
        return try withWriteLock {
            let scratch = try scratchPath()
            do {
                let digest = try ingest(source, method: method, into: TreeRestorer(destination: scratch, canonical: true))
                let path = try storeDirectory.makeFixedOutputPath(name: name, method: method, hash: digest.contentHash)
                try install(
                    scratch: scratch,
                    as: PathInfo(
                        path: path, narHash: digest.narHash, narSize: digest.narSize,
                        contentAddress: .fixed(method, digest.contentHash)))
                return path
            } catch {
                _ = try? FileSystem.removeTree(scratch)
                throw error
            }
        }
    }

    /// Files up to this size are hashed before they are copied (see `add`).
    static let hashFirstLimit = 8 << 20

    /// Walks `source` once, hashing it (NAR hash, and the content hash for a
    /// flat item) and, given a restorer, copying it.
    private func ingest(_ source: String, method: ContentAddressMethod, into restorer: TreeRestorer?)
        throws -> (narHash: Hash, narSize: UInt64, contentHash: Hash)
    {
        let narHash = NARHashSink()
        let flat = FlatHashVisitor(path: source, enabled: method == .flat)
        // A flat item is a plain file whatever the source's mode, as in Nix.
        var visitor = ExecutableBitClearing(
            TeeVisitor(TeeVisitor(try NAREncodingVisitor(sink: narHash.sink), OptionalVisitor(restorer)), flat),
            enabled: method == .flat)
        try TreeWalker().walk(source, into: &visitor)
        try visitor.inner.first.first.finish()
        let nar = narHash.finalize()
        return (nar, narHash.size, method == .flat ? try flat.finalize() : nar)
    }

    /// Adds a text file (a `text` path with references), as `builtins.toFile`.
    package func addText(name: String, contents: [UInt8], references: [StorePath] = []) throws -> StorePath {
        try addText(name: name, contents: contents, references: references, derivationOutputs: nil)
    }

    /// `addText`, also recording the output paths of a `.drv` file in the
    /// transaction that makes it valid (see `addDerivation`).
    func addText(
        name: String, contents: [UInt8], references: [StorePath], derivationOutputs: [String: StorePath]?
    ) throws -> StorePath {
        try StorePath.validateName(name)
        let hash = Hash.compute(.sha256, of: contents)
        let path = try storeDirectory.makeTextPath(name: name, contentHash: hash, references: references)
        try addTemporaryRoot(path)
        // A .drv written before has its outputs recorded: one query answers
        // both questions, and warm evaluations ask it for every derivation.
        if let derivationOutputs, !derivationOutputs.isEmpty, try database.derivationOutputs(of: path) == derivationOutputs {
            rememberValid(path)
            return path
        }
        if try isValid(path) {
            // Valid through another route (an imported bundle) that did not
            // record the outputs; the temp root keeps it valid meanwhile.
            if let derivationOutputs, try database.derivationOutputs(of: path) != derivationOutputs {
                try database.recordDerivationOutputs(of: path, derivationOutputs)
            }
            return path
        }
        return try withWriteLock {
            let scratch = try scratchPath()
            do {
                let narHash = NARHashSink()
                var visitor = TeeVisitor(
                    try NAREncodingVisitor(sink: narHash.sink), TreeRestorer(destination: scratch, canonical: true))
                try visitor.regular(name: nil, executable: false, size: UInt64(contents.count))
                try contents.withUnsafeBytes { try visitor.contents($0) }
                try visitor.endRegular()
                try visitor.first.finish()
                try install(
                    scratch: scratch,
                    as: PathInfo(
                        path: path, narHash: narHash.finalize(), narSize: narHash.size,
                        references: references, contentAddress: .text(hash)),
                    derivationOutputs: derivationOutputs)
                return path
            } catch {
                _ = try? FileSystem.removeTree(scratch)
                throw error
            }
        }
    }

    /// Writes the NAR of any file or tree to `sink` and returns its hash and size.
    @discardableResult
    package static func dump(_ path: String, to sink: @escaping ByteSink) throws -> (hash: Hash, size: UInt64) {
        let narHash = NARHashSink(forwardingTo: sink)
        var visitor = try NAREncodingVisitor(sink: narHash.sink)
        try TreeWalker().walk(path, into: &visitor)
        try visitor.finish()
        return (narHash.finalize(), narHash.size)
    }

    /// The NAR hash and size of any file or tree.
    package static func narHash(of path: String, excludeVersionControl: Bool = false, algorithm: HashAlgorithm = .sha256)
        throws -> (hash: Hash, size: UInt64)
    {
        let narHash = NARHashSink(algorithm)
        var visitor = try NAREncodingVisitor(sink: narHash.sink)
        try TreeWalker(excludeVersionControl: excludeVersionControl).walk(path, into: &visitor)
        try visitor.finish()
        return (narHash.finalize(), narHash.size)
    }
}
