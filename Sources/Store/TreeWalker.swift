import Basics
import Glibc
import StoreFormats

/// Walks a file-system tree in NAR order and reports it as NAR events, so one
/// walk can hash, serialise and copy at once (visitors compose with
/// `TeeVisitor`). File contents pass through one reused buffer, so memory stays
/// bounded whatever the file sizes. Uses the *at() calls so names stay raw bytes.
package final class TreeWalker {
    /// Version-control directories that `cairn hash -x` leaves out, as `guix hash -x`.
    package static let versionControlNames: Set<[UInt8]> = Set(
        [".git", ".hg", ".svn", ".bzr", "CVS"].map { Array($0.utf8) })

    /// As Guix's `vcs-file?`: those directories, and a `.git` file (the link
    /// a work tree or submodule keeps to its repository).
    private static func isVersionControl(_ name: [UInt8], kind: FileSystem.Kind) -> Bool {
        switch kind {
        case .directory: versionControlNames.contains(name)
        case .regular: name == Array(".git".utf8)
        default: false
        }
    }

    private let buffer: UnsafeMutableRawBufferPointer
    private let excludeVersionControl: Bool
    /// For large files only: a thread per walker is not worth it for small ones.
    private var prefetcher: PrefetchingReader?
    private static let prefetchThreshold: UInt64 = 4 << 20

    package init(excludeVersionControl: Bool = false, bufferSize: Int = 1 << 20) {
        self.excludeVersionControl = excludeVersionControl
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Reports the tree at `path` (a symlink at `path` itself is not followed).
    package func walk<V: NARVisitor>(_ path: String, into visitor: inout V) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { throw StoreError.missingFile(path: path) }
            throw SystemError("stat", path)
        }
        let parent = try OpenFile(FileSystem.directoryName(path), flags: O_RDONLY | O_DIRECTORY)
        try walkNode(
            name: Array(FileSystem.baseName(path).utf8), entryName: nil, in: parent.fd, status: st,
            path: path, into: &visitor)
    }

    private func walkNode<V: NARVisitor>(
        name: [UInt8], entryName: [UInt8]?, in parent: Int32, status st: stat, path: String,
        into visitor: inout V
    ) throws {
        switch FileSystem.kind(of: st) {
        case .regular:
            let file = try open(name, in: parent, flags: O_RDONLY | O_NOFOLLOW, path: path)
            let size = UInt64(st.st_size)
            try visitor.regular(name: entryName, executable: st.st_mode & S_IXUSR != 0, size: size)
            if size >= Self.prefetchThreshold {
                prefetcher = prefetcher ?? PrefetchingReader(chunkSize: buffer.count)
                try prefetcher?.stream(file, size: size, path: path) { try visitor.contents($0) }
                try visitor.endRegular()
                return
            }
            var remaining = size
            while remaining > 0 {
                let wanted = Int(min(UInt64(buffer.count), remaining))
                let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
                guard n > 0 else { throw StoreError.fileChanged(path: path) }
                try visitor.contents(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                remaining -= UInt64(n)
            }
            try visitor.endRegular()
        case .symlink:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = withCString(name) { readlinkat(parent, $0, &target, target.count) }
            guard n >= 0 else { throw SystemError("read link", path) }
            try visitor.symlink(name: entryName, target: target[0..<n].map { UInt8(bitPattern: $0) })
        case .directory:
            let directory = try open(name, in: parent, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, path: path)
            try visitor.directory(name: entryName)
            for entry in try FileSystem.entries(ofDirectory: directory.fd, path: path) {
                let childPath = path + "/" + String(decoding: entry, as: UTF8.self)
                var child = stat()
                let found = withCString(entry) { fstatat(directory.fd, $0, &child, AT_SYMLINK_NOFOLLOW) }
                guard found == 0 else { throw SystemError("stat", childPath) }
                if excludeVersionControl && Self.isVersionControl(entry, kind: FileSystem.kind(of: child)) { continue }
                try walkNode(
                    name: entry, entryName: entry, in: directory.fd, status: child, path: childPath, into: &visitor)
            }
            try visitor.endDirectory()
        case .other:
            throw StoreError.unsupportedFileType(path: path)
        }
    }

    private func open(_ name: [UInt8], in parent: Int32, flags: Int32, path: String) throws -> OpenFile {
        let fd = withCString(name) { openat(parent, $0, flags | O_CLOEXEC) }
        guard fd >= 0 else { throw SystemError("open", path) }
        return OpenFile(adopting: fd, path: path)
    }
}
