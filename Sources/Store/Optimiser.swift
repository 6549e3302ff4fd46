import Basics
import Glibc
import StoreFormats

package struct OptimiseResult: Sendable {
    package var filesLinked = 0
    package var bytesSaved: UInt64 = 0
    /// What all hard links in the store save now, this run included.
    package var totalSaved: UInt64 = 0
}

extension LocalStore {
    /// Replaces identical files of valid items by hard links to one copy kept
    /// in `.links`, named by the NAR hash of the file (so an executable and a
    /// plain file with the same bytes stay apart). Runs under the collector
    /// lock: no item is being created or deleted meanwhile.
    package func optimise() throws -> OptimiseResult {
        try withCollectorLock {
            var result = OptimiseResult()
            try FileSystem.createDirectories(layout.links)
            try FileSystem.createDirectories(layout.scratch, mode: 0o700)
            let walker = TreeWalker(bufferSize: 1 << 18)
            for path in try database.allValidPaths() {
                try optimiseTree(absolute(path), walker: walker, result: &result)
            }
            result.totalSaved = try linkSavings()
            return result
        }
    }

    private func optimiseTree(_ path: String, walker: TreeWalker, result: inout OptimiseResult) throws {
        guard let st = try FileSystem.linkStatus(path) else { return }
        switch FileSystem.kind(of: st) {
        case .directory:
            for entry in try FileSystem.entryNames(ofDirectory: path) {
                try optimiseTree(path + "/" + entry, walker: walker, result: &result)
            }
        case .regular where st.st_size > 0:
            let sink = NARHashSink()
            var visitor = try NAREncodingVisitor(sink: sink.sink)
            try walker.walk(path, into: &visitor)
            try visitor.finish()
            let link = layout.links + "/" + (sink.finalize()).encoded(.nixBase32, withAlgorithm: false)
            guard let existing = try FileSystem.linkStatus(link) else {
                // First copy of these bytes: it becomes the shared one.
                if Glibc.link(path, link) != 0 && errno != EEXIST && errno != EMLINK {
                    throw SystemError("link", link)
                }
                return
            }
            if existing.st_ino == st.st_ino && existing.st_dev == st.st_dev { return }
            try replaceWithLink(path, link: link)
            result.filesLinked += 1
            if st.st_nlink == 1 { result.bytesSaved += UInt64(st.st_blocks) * 512 }
        default:
            return
        }
    }

    /// Swaps `path` for a hard link to `link` atomically (link to a temporary
    /// name, rename over), opening the read-only parent just for the rename
    /// and putting back its canonical mode and mtime.
    private func replaceWithLink(_ path: String, link: String) throws {
        let parent = FileSystem.directoryName(path)
        let temporary = layout.scratch + "/link-" + FileSystem.randomSuffix()
        guard Glibc.link(link, temporary) == 0 else {
            if errno == EMLINK { return }  // too many links to this copy: keep the file
            throw SystemError("link", temporary)
        }
        // A top-level file's parent is the store directory itself, which is
        // writable and not part of any item.
        let insideItem = parent != layout.store
        if insideItem && chmod(parent, 0o755) != 0 {
            _ = unlink(temporary)
            throw SystemError("change the mode of", parent)
        }
        defer {
            if insideItem {
                _ = chmod(parent, 0o555)
                _ = utimensat(AT_FDCWD, parent, TreeRestorer.canonicalTimes, 0)
            }
        }
        do {
            try FileSystem.rename(temporary, path)
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }

    /// Space saved by sharing: every link to a `.links` copy beyond the copy
    /// itself and its first user.
    private func linkSavings() throws -> UInt64 {
        var saved: UInt64 = 0
        for entry in try FileSystem.entryNames(ofDirectory: layout.links) {
            guard let st = try FileSystem.linkStatus(layout.links + "/" + entry), st.st_nlink > 2 else { continue }
            saved += UInt64(st.st_nlink - 2) * UInt64(st.st_blocks) * 512
        }
        return saved
    }
}
