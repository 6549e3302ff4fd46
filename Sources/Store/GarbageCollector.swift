import Basics
import Glibc
import StoreFormats

/// What `collectGarbage` should do.
package enum GCAction: Equatable {
    /// Delete dead items; stop once `atLeast` bytes are freed (nil: all garbage).
    case collect(atLeast: UInt64?)
    /// Delete these items (and the dead items referring to them); refuse live ones.
    case delete([StorePath])
}

package struct GCResult: Sendable {
    package var deleted: [StorePath] = []
    package var bytesFreed: UInt64 = 0
}

extension LocalStore {
    /// Runs `body` holding the GC lock exclusively: no writer is creating items
    /// meanwhile, so whatever is unregistered on disk is debris.
    package func withCollectorLock<T>(_ body: () throws -> T) throws -> T {
        let lock = try FileLock(path: layout.gcLock)
        if try !lock.tryLock(.exclusive) {
            Diagnostics.info("waiting for other cairn processes to finish writing to the store...")
            try lock.lock(.exclusive)
        }
        defer { lock.unlock() }
        return try body()
    }

    /// Dead items: valid, and not reachable from any root.
    package func deadPaths() throws -> [StorePath] {
        try withCollectorLock {
            let graph = try database.referenceGraph()
            let live = try liveSet(graph: graph)
            return graph.paths.subtracting(live).sorted()
        }
    }

    package func livePaths() throws -> [StorePath] {
        try withCollectorLock {
            let graph = try database.referenceGraph()
            return try liveSet(graph: graph).sorted()
        }
    }

    /// Deletes garbage. Items are invalidated in the database before their
    /// files go (a crash in between leaves unregistered files, which the next
    /// collection removes), referrers before what they refer to, in batches of
    /// one transaction each.
    package func collectGarbage(_ action: GCAction, onDelete: (StorePath) -> Void = { _ in }) throws -> GCResult {
        try withCollectorLock {
            var result = GCResult()
            let graph = try database.referenceGraph()
            let live = try liveSet(graph: graph, removeStaleRoots: true)
            let referrers = graph.referrers()
            var doomed: Set<StorePath>
            var limit: UInt64? = nil
            switch action {
            case .collect(let atLeast):
                doomed = graph.paths.subtracting(live)
                limit = atLeast
            case .delete(let paths):
                doomed = []
                for path in paths {
                    if live.contains(path) { throw StoreError.pathIsLive(path: absolute(path)) }
                    guard graph.paths.contains(path) else {
                        // Not valid: only leftovers on disk, if anything.
                        result.bytesFreed += try FileSystem.removeTree(absolute(path))
                        continue
                    }
                    // Dead referrers must go first, or they would be left dangling.
                    var stack = [path]
                    while let next = stack.popLast() {
                        guard doomed.insert(next).inserted else { continue }
                        stack.append(contentsOf: referrers[next, default: []])
                    }
                }
            }
            let optimised = FileSystem.isDirectory(layout.links)
            // Referrers first: the reverse of references-first order.
            let order = Array(topologicallySorted(doomed, graph: graph).reversed())
            var index = 0
            while index < order.count {
                if let limit, result.bytesFreed >= limit { break }
                var batch: [StorePath] = []
                var estimate: UInt64 = 0
                while index < order.count && batch.count < 512 {
                    let path = order[index]
                    batch.append(path)
                    index += 1
                    estimate += graph.narSizes[path] ?? 0
                    if let limit, result.bytesFreed + estimate >= limit { break }
                }
                try database.invalidate(batch)
                for path in batch {
                    // After `--optimize`, a file's last other link is its
                    // `.links` copy, which goes at the end of this run.
                    result.bytesFreed += try FileSystem.removeTree(absolute(path), lastLinks: optimised ? 2 : 1)
                    result.deleted.append(path)
                    onDelete(path)
                }
            }
            if case .collect(nil) = action {
                result.bytesFreed += try removeUnregisteredItems(valid: graph.paths.subtracting(result.deleted))
            }
            if !result.deleted.isEmpty { _ = try removeUnusedLinks() }
            return result
        }
    }

    /// Removes what the database does not list: items left by killed
    /// processes (renamed into place but never registered) and scratch debris.
    private func removeUnregisteredItems(valid: Set<StorePath>) throws -> UInt64 {
        var freed: UInt64 = 0
        removeScratchDebris()
        for entry in try FileSystem.entryNames(ofDirectory: layout.store) where !entry.hasPrefix(".") {
            if let path = try? StorePath(baseName: entry), valid.contains(path) { continue }
            freed += try FileSystem.removeTree(layout.store + "/" + entry)
        }
        return freed
    }

    /// Drops `.links` entries no store file shares any more.
    private func removeUnusedLinks() throws -> UInt64 {
        guard FileSystem.isDirectory(layout.links) else { return 0 }
        var freed: UInt64 = 0
        for entry in try FileSystem.entryNames(ofDirectory: layout.links) {
            let path = layout.links + "/" + entry
            guard let st = try FileSystem.linkStatus(path), st.st_nlink == 1 else { continue }
            try FileSystem.removeFile(path)
            freed += UInt64(st.st_blocks) * 512
        }
        return freed
    }

    /// Bytes available to unprivileged users on the store's file system.
    package func availableSpace() throws -> UInt64 {
        var info = statvfs()
        guard statvfs(layout.store, &info) == 0 else { throw SystemError("query free space of", layout.store) }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}
