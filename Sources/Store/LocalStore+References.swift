import Basics
import StoreFormats

extension LocalStore {
    /// Which of `candidates` the tree at `path` refers to: their hash parts in
    /// file contents, names or symlink targets. One pass over the tree's NAR
    /// serialisation, which also yields its NAR hash and size (a build output
    /// needs all three, so it is read once).
    package static func scanReferences(
        _ path: String, candidates: some Sequence<StorePath>
    ) throws -> (references: [StorePath], narHash: Hash, narSize: UInt64) {
        let byHashPart = Dictionary(candidates.map { ($0.hashPart, $0) }, uniquingKeysWith: { first, _ in first })
        var scanner = ReferenceScanner(hashParts: byHashPart.keys)
        let narHash = NARHashSink(forwardingTo: { scanner.scan($0) })
        var visitor = try NAREncodingVisitor(sink: narHash.sink)
        try TreeWalker().walk(path, into: &visitor)
        try visitor.finish()
        let found = scanner.found.compactMap { byHashPart[$0] }.sorted()
        return (found, narHash.finalize(), narHash.size)
    }
}
