import Basics
import Glibc
import StoreFormats

/// The store on this machine: items under the store directory, their metadata
/// in SQLite, locks and roots under the state directory.
///
/// Invariants (ARCHITECTURE.md §3): an item is valid only once it is complete,
/// canonical and registered; registration is one transaction; writers hold the
/// GC lock shared while they create items, so the collector never mistakes a
/// half-made item for garbage; an item on disk that the database does not list
/// is garbage.
package final class LocalStore {
    package let layout: StoreLayout
    package let database: StoreDatabase
    /// Held for the life of the process once it has temp roots (see `addTemporaryRoot`).
    private var temporaryRoots: FileLock?
    private var temporaryRootSet: Set<StorePath> = []
    /// Roots added under the GC lock and not yet in the roots file: written
    /// when the outermost `withWriteLock` ends, before the lock is released,
    /// so the collector (which needs the lock exclusively) never misses one.
    private var pendingRoots: [StorePath] = []
    /// Items seen valid while this process holds a temp root on them: they
    /// stay valid until it exits (the collector honours temp roots), so an
    /// evaluation that names the same inputs thousands of times asks the
    /// database once for each.
    private var knownValid: Set<StorePath> = []
    /// The GC lock as writers hold it (shared), re-entrantly within the process.
    private var writeLock: FileLock?
    private var writeLockDepth = 0
    private var sweptScratch = false

    package var storeDirectory: StoreDirectory { layout.storeDirectory }

    package init(layout: StoreLayout) throws {
        self.layout = layout
        do {
            try FileSystem.createDirectories(layout.store)
            for directory in [layout.databaseDirectory, layout.autoRoots, layout.profiles, layout.tempRoots, layout.locks, layout.logs] {
                try FileSystem.createDirectories(directory)
            }
        } catch {
            throw StoreError.storeUnavailable(path: layout.store, reason: (error as? any UserFacingError)?.message ?? "\(error)")
        }
        database = try StoreDatabase(path: layout.databasePath, storeDirectory: layout.storeDirectory)
    }

    package func absolute(_ path: StorePath) -> String { layout.absolute(path) }

    // MARK: Paths given by users

    /// The store item a user-given path names: a store path, a path inside
    /// one, or a symlink (such as a GC root or `./result`) leading to one.
    package func storePath(forUserPath given: String) throws -> StorePath {
        if storeDirectory.isInStore(given) {
            return try storeDirectory.parseContaining(given).0
        }
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(given, &resolved) != nil else {
            if errno == ENOENT { throw StoreError.missingFile(path: given) }
            throw SystemError("resolve", given)
        }
        var real = String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The store directory itself may sit behind a symlink (a cluster's
        // /scratch -> /lustre/scratch): compare against its resolved form too.
        var storeResolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        if !storeDirectory.isInStore(real), realpath(storeDirectory.path, &storeResolved) != nil {
            let realStore = String(
                decoding: storeResolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if real.hasPrefix(realStore + "/") { real = storeDirectory.path + real.dropFirst(realStore.count) }
        }
        guard storeDirectory.isInStore(real) else {
            throw StoreError.notInStore(path: given, storeDirectory: storeDirectory.path)
        }
        return try storeDirectory.parseContaining(real).0
    }

    // MARK: Queries

    package func isValid(_ path: StorePath) throws -> Bool {
        if knownValid.contains(path) { return true }
        let valid = try database.isValid(path)
        if valid && temporaryRootSet.contains(path) { knownValid.insert(path) }
        return valid
    }

    /// Notes that `path` was found valid by another query (see `isValid`).
    func rememberValid(_ path: StorePath) {
        if temporaryRootSet.contains(path) { knownValid.insert(path) }
    }

    package func pathInfo(_ path: StorePath) throws -> PathInfo {
        guard let info = try database.pathInfo(path) else {
            throw StoreError.notValid(path: absolute(path))
        }
        return info
    }

    /// The closure of `paths`, unordered, asked of the database alone (no
    /// whole-graph load): what a build may see of the store.
    package func unorderedClosure(of paths: some Sequence<StorePath>) throws -> Set<StorePath> {
        let (closure, missing) = try database.closure(ofValid: paths)
        if let missing { throw StoreError.notValid(path: absolute(missing)) }
        return closure
    }

    /// The closure of `paths` ordered so that every item comes after its
    /// references (the order imports need).
    package func closure(of paths: [StorePath], graph: ReferenceGraph? = nil) throws -> [StorePath] {
        let graph = try graph ?? database.referenceGraph()
        for path in paths where !graph.paths.contains(path) {
            throw StoreError.notValid(path: absolute(path))
        }
        return topologicallySorted(graph.closure(of: paths), graph: graph)
    }

    /// References before referrers; ties broken by name so output is stable.
    /// Iterative: a chain of references can be longer than the stack is deep.
    package func topologicallySorted(_ paths: Set<StorePath>, graph: ReferenceGraph) -> [StorePath] {
        var result: [StorePath] = []
        var started: Set<StorePath> = []
        for root in paths.sorted() where !started.contains(root) {
            started.insert(root)
            var stack: [(StorePath, [StorePath], Int)] = [(root, children(of: root, in: paths, graph: graph), 0)]
            while let (path, references, index) = stack.last {
                if index < references.count {
                    stack[stack.count - 1].2 += 1
                    let next = references[index]
                    if started.insert(next).inserted {
                        stack.append((next, children(of: next, in: paths, graph: graph), 0))
                    }
                } else {
                    result.append(path)
                    stack.removeLast()
                }
            }
        }
        return result
    }

    private func children(of path: StorePath, in paths: Set<StorePath>, graph: ReferenceGraph) -> [StorePath] {
        graph.references[path, default: []].filter { $0 != path && paths.contains($0) }.sorted()
    }

    // MARK: Locks and roots

    /// Runs `body` holding the GC lock shared: the collector waits until it
    /// ends, and it waits for a running collection to end.
    package func withWriteLock<T>(_ body: () throws -> T) throws -> T {
        if writeLockDepth == 0 {
            let lock = try writeLock ?? FileLock(path: layout.gcLock)
            writeLock = lock
            // The debris of killed writers lives in `.tmp`; it is safe to remove
            // only when no other writer is active, i.e. when the lock is free.
            if !sweptScratch, try lock.tryLock(.exclusive) {
                removeScratchDebris()
                sweptScratch = true
            }
            if try !lock.tryLock(.shared) {
                Diagnostics.info("waiting for the garbage collector to finish...")
                try lock.lock(.shared)
            }
        }
        writeLockDepth += 1
        defer {
            writeLockDepth -= 1
            if writeLockDepth == 0 { writeLock?.unlock() }
        }
        let result: T
        do {
            result = try body()
        } catch {
            if writeLockDepth == 1 { try? writePendingRoots() }
            throw error
        }
        if writeLockDepth == 1 { try writePendingRoots() }
        return result
    }

    /// Runs `body` (an evaluation) with its validity queries grouped in one
    /// read transaction. Only under the GC lock, so that no collection can
    /// remove what the snapshot still shows as valid.
    package func withBatchedReads<T>(_ body: () throws -> T) throws -> T {
        try withWriteLock {
            try database.beginReadBatch()
            defer { try? database.endReadBatch() }
            return try body()
        }
    }

    /// Appends the pending temp roots to this process's roots file in one
    /// write. On failure they are forgotten, so they are asked for again.
    private func writePendingRoots() throws {
        guard !pendingRoots.isEmpty else { return }
        let paths = pendingRoots
        pendingRoots = []
        do {
            guard let roots = temporaryRoots else { throw SystemError("write temp roots in", layout.tempRoots, code: EBADF) }
            var text = ""
            for path in paths { text += absolute(path) + "\0" }
            _ = lseek(roots.descriptor.fd, 0, SEEK_END)
            try roots.descriptor.write(text)
        } catch {
            for path in paths {
                temporaryRootSet.remove(path)
                knownValid.remove(path)
            }
            throw error
        }
    }

    /// Removes everything under `.tmp`. Only call with the GC lock held exclusively.
    package func removeScratchDebris() {
        guard let entries = try? FileSystem.entryNames(ofDirectory: layout.scratch) else { return }
        for entry in entries { _ = try? FileSystem.removeTree(layout.scratch + "/" + entry) }
    }

    /// Takes the per-item locks of `paths` (see `RangeLockSet`: one global
    /// order, so processes that lock several items cannot deadlock).
    package func lockItems(_ paths: some Sequence<StorePath>) throws -> RangeLockSet {
        try RangeLockSet(file: layout.itemLocks, keys: paths.map(\.hashPart))
    }

    /// Runs `body` holding the per-path lock of `path`: one process creates an
    /// item while the others wait and then find it valid.
    package func withPathLock<T>(_ path: StorePath, _ body: () throws -> T) throws -> T {
        let lock = try RangeLock(file: layout.itemLocks, key: path.hashPart)
        try lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Protects `path` from the collector for the life of this process. The
    /// roots file is locked while we live; the collector treats a file whose
    /// lock it can take as left by a dead process.
    package func addTemporaryRoot(_ path: StorePath) throws {
        guard !temporaryRootSet.contains(path) else { return }
        // Created, locked and appended to under the shared GC lock: a
        // collector (which holds it exclusively) never sees a roots file that
        // is not yet locked, and always reads whole records. The name is
        // unique per store object, even across hosts sharing the state dir.
        try withWriteLock {
            if temporaryRoots == nil {
                var hostname = [CChar](repeating: 0, count: 256)
                _ = gethostname(&hostname, hostname.count - 1)
                let host = String(decoding: hostname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let name = "\(host.isEmpty ? "host" : host)-\(getpid())-\(FileSystem.randomSuffix(length: 8))"
                let lock = try FileLock(path: layout.tempRoots + "/" + name)
                try lock.lock(.exclusive)
                temporaryRoots = lock
            }
            pendingRoots.append(path)
            temporaryRootSet.insert(path)
        }
    }

    /// Stops protecting what `addTemporaryRoot` protected (long-running
    /// processes call this once their items are rooted some other way).
    package func releaseTemporaryRoots() throws {
        guard let roots = temporaryRoots else { return }
        try FileSystem.removeFile(roots.path)
        roots.unlock()
        temporaryRoots = nil
        temporaryRootSet = []
        pendingRoots = []
        // Without their roots, remembered items may be collected: ask again.
        knownValid = []
    }

    /// Makes `link` (a symlink somewhere in the user's files, such as `./result`)
    /// a GC root: a symlink to it is kept under `gcroots/auto`. Once `link` is
    /// gone or points elsewhere, the root stops counting.
    package func addIndirectRoot(link: String) throws {
        let name = NixBase32.encode(Array(HashContext.digest(.sha256, of: Array(link.utf8)).prefix(20)))
        let rootPath = layout.autoRoots + "/" + name
        try? FileSystem.removeFile(rootPath)
        try FileSystem.symlink(target: link, at: rootPath)
    }

    /// A fresh, empty scratch location for building an item before it gets its name.
    package func scratchPath() throws -> String {
        try FileSystem.createDirectories(layout.scratch, mode: 0o700)
        return layout.scratch + "/" + FileSystem.randomSuffix()
    }

    /// Moves a finished item from scratch to its place and registers it, unless
    /// another process got there first. The caller holds the write lock.
    /// Returns whether this call added it.
    @discardableResult
    package func install(scratch: String, as info: PathInfo, derivationOutputs: [String: StorePath]? = nil) throws -> Bool {
        try addTemporaryRoot(info.path)
        return try withPathLock(info.path) {
            // Under the item lock the answer decides what is removed: it must
            // not come from a batch's older snapshot (see `withBatchedReads`).
            try database.refreshReads()
            if try database.isValid(info.path) {
                try FileSystem.removeTree(scratch)
                knownValid.insert(info.path)
                return false
            }
            let destination = absolute(info.path)
            // Left by a process killed between rename and registration: garbage.
            if FileSystem.exists(destination) { try FileSystem.removeTree(destination) }
            try FileSystem.rename(scratch, destination)
            do {
                try TreeRestorer.finishRoot(destination)
                var info = info
                info.registrationTime = Int64(time(nil))
                try database.register([info], derivationOutputs: derivationOutputs.map { [info.path: $0] } ?? [:])
                knownValid.insert(info.path)
            } catch {
                // Still under the item lock: nobody else can be installing it.
                _ = try? FileSystem.removeTree(destination)
                throw error
            }
            return true
        }
    }
}
