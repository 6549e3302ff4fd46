import Basics
import Glibc
import StoreFormats

/// Materialises NAR events as files under `destination`.
///
/// In canonical mode it writes what a store item must look like (files 0444 or
/// 0555, directories 0555, every mtime 1) as it goes, so no second pass over
/// the tree is needed. The root directory alone stays writable (0700) until
/// `finishRoot` because moving a directory to another parent needs write
/// access to it; the caller renames first, then finishes it.
package final class TreeRestorer: NARVisitor {
    package let destination: String
    private let canonical: Bool
    /// Open directories from the root down; entries are created relative to the last.
    private var directories: [OpenFile] = []
    private var paths: [String] = []
    private var file: OpenFile?
    private var fileExecutable = false

    package init(destination: String, canonical: Bool) {
        self.destination = destination
        self.canonical = canonical
    }

    private var currentPath: String { paths.last ?? destination }

    private func childPath(_ name: [UInt8]?) -> String {
        guard let name else { return destination }
        return currentPath + "/" + String(decoding: name, as: UTF8.self)
    }

    private func withName<T>(_ name: [UInt8]?, _ body: (Int32, UnsafePointer<CChar>) -> T) -> T {
        let parent = directories.last?.fd ?? AT_FDCWD
        return withCString(name ?? Array(destination.utf8)) { body(parent, $0) }
    }

    package func directory(name: [UInt8]?) throws {
        let path = childPath(name)
        let created = withName(name) { mkdirat($0, $1, canonical ? 0o700 : 0o777) }
        guard created == 0 else { throw SystemError("create directory", path) }
        let fd = withName(name) { openat($0, $1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { throw SystemError("open directory", path) }
        directories.append(OpenFile(adopting: fd, path: path))
        paths.append(path)
    }

    package func endDirectory() throws {
        guard let directory = directories.popLast() else { return }
        paths.removeLast()
        // The root stays writable until the caller has moved it (see type doc).
        if canonical && !directories.isEmpty {
            try Self.canonicalise(fd: directory.fd, mode: 0o555, path: directory.path)
        }
    }

    package func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {
        let path = childPath(name)
        let mode: mode_t = canonical ? 0o600 : (executable ? 0o777 : 0o666)
        let fd = withName(name) { openat($0, $1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw SystemError("create", path) }
        file = OpenFile(adopting: fd, path: path)
        fileExecutable = executable
    }

    package func contents(_ chunk: UnsafeRawBufferPointer) throws {
        try file?.write(chunk)
    }

    package func endRegular() throws {
        guard let file else { return }
        if canonical {
            try Self.canonicalise(fd: file.fd, mode: fileExecutable ? 0o555 : 0o444, path: file.path)
        }
        self.file = nil
    }

    package func symlink(name: [UInt8]?, target: [UInt8]) throws {
        let path = childPath(name)
        let created = withCString(target) { t in withName(name) { symlinkat(t, $0, $1) } }
        guard created == 0 else { throw SystemError("create symlink", path) }
        if canonical {
            let times = Self.canonicalTimes
            let set = withName(name) { utimensat($0, $1, times, AT_SYMLINK_NOFOLLOW) }
            guard set == 0 else { throw SystemError("set the time of", path) }
        }
    }

    /// Makes the (root) directory at `path` canonical; called once it is in place.
    package static func finishRoot(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw SystemError("stat", path) }
        guard FileSystem.kind(of: st) == .directory else { return }
        let directory = try OpenFile(path, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
        try canonicalise(fd: directory.fd, mode: 0o555, path: path)
    }

    /// UTIME_OMIT from <sys/stat.h>, which the Glibc module does not export.
    private static let utimeOmit = (1 << 30) - 2

    /// atime left alone, mtime 1 (the epoch plus one second, as Nix and Guix use).
    package static let canonicalTimes: [timespec] = [
        timespec(tv_sec: 0, tv_nsec: utimeOmit), timespec(tv_sec: 1, tv_nsec: 0),
    ]

    private static func canonicalise(fd: Int32, mode: mode_t, path: String) throws {
        guard fchmod(fd, mode) == 0 else { throw SystemError("change the mode of", path) }
        let set = futimens(fd, canonicalTimes)
        guard set == 0 else { throw SystemError("set the time of", path) }
    }
}
