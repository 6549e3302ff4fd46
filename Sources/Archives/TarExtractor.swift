#if canImport(Glibc)
import Glibc
#endif
import Basics

/// Unpacks a tar archive into a directory, refusing any entry that would
/// land outside it: `..` components, and paths that pass through a symbolic
/// link an earlier entry made (the classic tar-slip). Absolute paths are
/// taken as relative to the directory, as `tar` and `dpkg` do. Modes keep
/// their permission bits only (no setuid, setgid or sticky); owners are not
/// kept. Directory modes are applied last, so a read-only directory still
/// receives its entries.
package enum TarExtractor {
    package static func extract(_ bytes: [UInt8], archive: String, into root: String) throws {
        var reader = TarReader(bytes, name: archive)
        var directoryModes: [(String, mode_t)] = []
        while let entry = try reader.next() {
            guard let components = try safeComponents(entry.path, archive: archive) else { continue }
            let path = root + "/" + components.joined(separator: "/")
            try prepareParents(root: root, components: components, archive: archive)
            let mode = mode_t(entry.mode & 0o777)
            switch entry.kind {
            case .directory:
                var st = stat()
                if lstat(path, &st) == 0, st.st_mode & S_IFMT != S_IFDIR { try remove(path, archive: archive) }
                if mkdir(path, 0o755) != 0, errno != EEXIST { throw system(archive, path, "create directory", errno) }
                directoryModes.append((path, mode))
            case .file:
                try removeIfNotDirectory(path, archive: archive)
                try write(entry.data, to: path, mode: mode | 0o200, archive: archive)
                if mode & 0o200 == 0, chmod(path, mode) != 0 { throw system(archive, path, "set the mode of", errno) }
            case .symlink(let target):
                try removeIfNotDirectory(path, archive: archive)
                if Glibc.symlink(target, path) != 0 { throw system(archive, path, "create symbolic link", errno) }
            case .hardlink(let target):
                guard let targetComponents = try safeComponents(target, archive: archive) else {
                    throw ArchiveError.unsafePath(archive: archive, path: target)
                }
                try prepareParents(root: root, components: targetComponents, archive: archive)
                let source = root + "/" + targetComponents.joined(separator: "/")
                var st = stat()
                guard lstat(source, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
                    throw ArchiveError.badHeader(archive: archive, detail: "hard link '\(entry.path)' to '\(target)', which is not a file unpacked before it")
                }
                try removeIfNotDirectory(path, archive: archive)
                if link(source, path) != 0 { throw system(archive, path, "create hard link", errno) }
            case .special(let type):
                throw ArchiveError.unsupportedEntry(archive: archive, path: entry.path, type: type)
            }
        }
        for (path, mode) in directoryModes.reversed() where chmod(path, mode | 0o700) != 0 {
            throw system(archive, path, "set the mode of", errno)
        }
    }

    /// The path's components below the root; nil for the root itself.
    package static func safeComponents(_ path: String, archive: String) throws -> [String]? {
        let components = path.split(separator: "/").map(String.init).filter { $0 != "." }
        if components.contains("..") { throw ArchiveError.unsafePath(archive: archive, path: path) }
        return components.isEmpty ? nil : components
    }

    /// Creates missing parent directories and checks that none is a symbolic link.
    private static func prepareParents(root: String, components: [String], archive: String) throws {
        var current = root
        for component in components.dropLast() {
            current += "/" + component
            var st = stat()
            if lstat(current, &st) == 0 {
                if st.st_mode & S_IFMT == S_IFLNK { throw ArchiveError.unsafePath(archive: archive, path: components.joined(separator: "/")) }
                if st.st_mode & S_IFMT != S_IFDIR { throw ArchiveError.badHeader(archive: archive, detail: "'\(current)' is both a file and a directory") }
            } else if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw system(archive, current, "create directory", errno)
            }
        }
    }

    private static func removeIfNotDirectory(_ path: String, archive: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR { throw ArchiveError.badHeader(archive: archive, detail: "'\(path)' is both a directory and a file") }
        try remove(path, archive: archive)
    }

    private static func remove(_ path: String, archive: String) throws {
        if unlink(path) != 0, errno != ENOENT { throw system(archive, path, "replace", errno) }
    }

    private static func write(_ data: ArraySlice<UInt8>, to path: String, mode: mode_t, archive: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw system(archive, path, "create", errno) }
        defer { close(fd) }
        try data.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress.map { $0 + done }, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw system(archive, path, "write", errno)
                }
                done += n
            }
        }
    }

    private static func system(_ archive: String, _ path: String, _ operation: String, _ code: Int32) -> ArchiveError {
        .system(archive: archive, path: path, operation: operation, errno: code)
    }
}
