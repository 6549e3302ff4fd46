import Basics
import Glibc

/// Makes a build's output look like every store item (ARCHITECTURE.md §1.4):
/// regular files 0444 or 0555 (executable when any execute bit was set),
/// directories 0555, every mtime 1, no setuid, setgid or sticky bit and no
/// write bit. Anything but regular files, directories and symlinks fails the
/// build: a store item cannot carry sockets, pipes or devices.
///
/// Done in place, on the scratch copy the build wrote, before it is hashed,
/// so the NAR hash is that of what will be registered. The root directory
/// stays writable by its owner until it has been renamed into the store
/// (moving a directory to another parent updates its `..`); the installer
/// finishes it with `TreeRestorer.finishRoot`.
enum Canonicaliser {
    enum Failure: Error {
        case unsupportedFileType(String)
    }

    /// UTIME_OMIT from <sys/stat.h>, which the Glibc module does not export.
    private static let utimeOmit = (1 << 30) - 2
    private static let times: [timespec] = [timespec(tv_sec: 0, tv_nsec: utimeOmit), timespec(tv_sec: 1, tv_nsec: 0)]

    static func canonicalise(_ root: String) throws {
        // Iterative: a deep tree must not exhaust the thread's stack.
        // Directories are finished after their entries (post-order).
        var pending: [(path: String, visited: Bool)] = [(root, false)]
        while let (path, visited) = pending.popLast() {
            var st = stat()
            guard lstat(path, &st) == 0 else { throw SystemError("stat", path) }
            switch FileSystem.kind(of: st) {
            case .directory:
                if visited {
                    try set(path, mode: path == root ? 0o755 : 0o555)
                } else {
                    // Entries are read while the directory is still writable
                    // and searchable by its owner, whatever mode the build left.
                    _ = chmod(path, 0o700)
                    pending.append((path, true))
                    for name in try FileSystem.entryNames(ofDirectory: path) {
                        pending.append((path + "/" + name, false))
                    }
                }
            case .regular:
                try set(path, mode: st.st_mode & 0o111 != 0 ? 0o555 : 0o444)
            case .symlink:
                guard utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw SystemError("set the time of", path)
                }
            case .other:
                throw Failure.unsupportedFileType(path)
            }
        }
    }

    private static func set(_ path: String, mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw SystemError("change the mode of", path) }
        guard utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw SystemError("set the time of", path)
        }
    }
}
