import Basics
import Glibc
import StoreFormats

/// Reads a NAR or bundle from an open file (standard input, usually).
package struct FileByteSource: ByteSource {
    package let file: OpenFile

    package init(_ file: OpenFile) { self.file = file }

    package mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try file.read(into: buffer)
    }
}

extension LocalStore {
    /// Writes `paths` (with `recursive`, their whole closure) as a bundle in the
    /// format of `nix-store --export`, references first. Each item is checked
    /// against its recorded NAR hash as it is written, so a corrupted item is
    /// never shipped silently.
    package func export(_ paths: [StorePath], recursive: Bool, to sink: @escaping ByteSink) throws {
        try withWriteLock {
            let graph = try database.referenceGraph()
            for path in paths where !graph.paths.contains(path) {
                throw StoreError.notValid(path: absolute(path))
            }
            let ordered = recursive
                ? try closure(of: paths, graph: graph)
                : topologicallySorted(Set(paths), graph: graph)
            for path in ordered {
                let info = try pathInfo(path)
                try ExportBundle.writeItemStart(sink)
                let (hash, _) = try Self.dump(absolute(path), to: sink)
                guard hash == info.narHash else {
                    throw StoreError.hashMismatch(
                        path: absolute(path), expected: info.narHash.encoded(.nixBase32),
                        actual: hash.encoded(.nixBase32))
                }
                try ExportBundle.writeTrailer(
                    ExportTrailer(path: path, references: info.references, deriver: info.deriver),
                    storeDirectory: storeDirectory, to: sink)
            }
            try ExportBundle.writeEnd(sink)
        }
    }

    /// Imports a bundle made by `cairn archive --export` or `nix-store --export`.
    ///
    /// All or nothing: every item is unpacked to scratch first; only once the
    /// whole bundle has been read and every reference found (in the store or
    /// the bundle) are the items moved into place and registered, in one
    /// transaction. Their locks are taken in one global order, so concurrent
    /// imports and adds cannot deadlock.
    package func importBundle<S: ByteSource>(from source: S) throws -> [StorePath] {
        var reader = ByteReader(source)
        return try withWriteLock {
            var staged: [StorePath: (info: PathInfo, scratch: String)] = [:]
            var order: [StorePath] = []
            var leftovers: [String] = []
            defer { for path in leftovers { _ = try? FileSystem.removeTree(path) } }

            while try ExportBundle.readItemStart(&reader) {
                let scratch = try scratchPath()
                leftovers.append(scratch)
                let narHash = NARHashSink()
                let single = SingleFileHasher()
                var visitor = TeeVisitor(
                    TeeVisitor(try NAREncodingVisitor(sink: narHash.sink), TreeRestorer(destination: scratch, canonical: true)),
                    single)
                try NARReader.parse(&reader, into: &visitor)
                try visitor.first.first.finish()
                let trailer = try ExportBundle.readTrailer(&reader, storeDirectory: storeDirectory)
                var info = PathInfo(
                    path: trailer.path, narHash: narHash.finalize(), narSize: narHash.size,
                    references: trailer.references, deriver: trailer.deriver)
                info.contentAddress = try contentAddress(of: info, singleFile: single)
                if let earlier = staged[info.path] {
                    // The same item twice in one bundle: harmless if identical.
                    guard earlier.info.narHash == info.narHash else {
                        throw StoreError.conflictingContent(path: absolute(info.path))
                    }
                    continue
                }
                staged[info.path] = (info, scratch)
                order.append(info.path)
            }

            for path in order {
                guard let info = staged[path]?.info else { continue }
                var missing: [String] = []
                for reference in info.references where staged[reference] == nil {
                    if try !database.isValid(reference) { missing.append(absolute(reference)) }
                }
                if !missing.isEmpty {
                    throw StoreError.bundleReferencesMissing(path: absolute(path), missing: missing)
                }
            }

            try rejectCycles(in: staged.mapValues(\.info))
            for path in order { try addTemporaryRoot(path) }
            let locks = try lockItems(order)
            defer { locks.unlock() }
            var fresh: [PathInfo] = []
            var placed: [String] = []
            do {
                for path in order {
                    guard let (info, scratch) = staged[path] else { continue }
                    if let existing = try database.pathInfo(path) {
                        guard existing.narHash == info.narHash else {
                            throw StoreError.conflictingContent(path: absolute(path))
                        }
                        continue
                    }
                    let destination = absolute(path)
                    // Left by a process killed between rename and registration: garbage.
                    if FileSystem.exists(destination) { try FileSystem.removeTree(destination) }
                    try FileSystem.rename(scratch, destination)
                    placed.append(destination)
                    try TreeRestorer.finishRoot(destination)
                    fresh.append(info)
                }
                let now = Int64(time(nil))
                try database.register(fresh.map { var info = $0; info.registrationTime = now; return info })
            } catch {
                // Removed while the item locks are still held: released first,
                // another writer could install its own copy under our feet.
                for path in placed { _ = try? FileSystem.removeTree(path) }
                throw error
            }
            return order
        }
    }

    /// References may not form cycles (but for an item naming itself): the
    /// collector deletes referrers before what they refer to, which a cycle
    /// would make impossible. Nix builds cannot produce them either.
    private func rejectCycles(in items: [StorePath: PathInfo]) throws {
        var state: [StorePath: Bool] = [:]  // false: on the current path, true: done
        for start in items.keys.sorted() where state[start] == nil {
            // Iterative depth-first search: bundles can hold long chains.
            var stack: [(StorePath, [StorePath].Iterator)] = []
            state[start] = false
            stack.append((start, (items[start]?.references ?? []).makeIterator()))
            while !stack.isEmpty {
                let top = stack.count - 1
                guard let next = stack[top].1.next() else {
                    state[stack[top].0] = true
                    stack.removeLast()
                    continue
                }
                guard next != stack[top].0, let info = items[next] else { continue }
                switch state[next] {
                case false?: throw StoreError.referenceCycle(path: absolute(next))
                case true?: continue
                case nil:
                    state[next] = false
                    stack.append((next, info.references.makeIterator()))
                }
            }
        }
    }

    /// The content address an imported item has, when its name proves one
    /// (a `source`, `text` or flat fixed-output path); nil for input-addressed items.
    private func contentAddress(of info: PathInfo, singleFile: SingleFileHasher) throws -> ContentAddress? {
        let others = info.references.filter { $0 != info.path }
        let selfReference = others.count != info.references.count
        let name = info.path.name
        if try storeDirectory.makeSourcePath(
            name: name, narHash: info.narHash, references: others, selfReference: selfReference) == info.path
        {
            return .fixed(.recursive, info.narHash)
        }
        guard let fileHash = try singleFile.finalize() else { return nil }
        if !selfReference, try storeDirectory.makeTextPath(name: name, contentHash: fileHash, references: others) == info.path {
            return .text(fileHash)
        }
        if info.references.isEmpty,
            try storeDirectory.makeFixedOutputPath(name: name, method: .flat, hash: fileHash) == info.path
        {
            return .fixed(.flat, fileHash)
        }
        return nil
    }

    /// Reads one NAR from `source` into a new directory (or file) `destination`,
    /// as `nix-store --restore`, with ordinary modes. It is unpacked under a
    /// temporary name and renamed at the end, so bad input leaves nothing.
    package static func restore<S: ByteSource>(from source: S, to destination: String) throws {
        if FileSystem.exists(destination) { throw SystemError("restore to", destination, code: EEXIST) }
        let parent = FileSystem.directoryName(destination)
        if !FileSystem.isDirectory(parent) { throw SystemError("restore to", destination, code: ENOENT) }
        let temporary = FileSystem.directoryName(destination) + "/.cairn-restore-" + FileSystem.randomSuffix()
        do {
            var reader = ByteReader(source)
            var restorer = TreeRestorer(destination: temporary, canonical: false)
            try NARReader.parseWhole(&reader, into: &restorer)
            try FileSystem.rename(temporary, destination)
        } catch {
            _ = try? FileSystem.removeTree(temporary)
            throw error
        }
    }
}

/// Hashes the contents when the whole archive is one regular file (the shape
/// of `text` and flat fixed-output items).
package final class SingleFileHasher: NARVisitor {
    private var context = HashContext(.sha256)
    private var isSingleFile = false

    package init() {}

    package func directory(name: [UInt8]?) throws {}
    package func endDirectory() throws {}
    package func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        isSingleFile = name == nil && !executable
    }
    package func contents(_ chunk: UnsafeRawBufferPointer) throws {
        if isSingleFile { context.update(chunk) }
    }
    package func endRegular() throws {}
    package func symlink(name: [UInt8]?, target: [UInt8]) throws {}

    package func finalize() throws -> Hash? {
        guard isSingleFile else { return nil }
        return try Hash(algorithm: .sha256, bytes: context.finalize())
    }
}
