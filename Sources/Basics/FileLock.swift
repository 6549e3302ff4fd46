import Glibc

/// An advisory lock on a file (flock). Locks belong to the open file, so two
/// `FileLock`s on one path in one process exclude each other like two processes
/// do, and the kernel drops the lock when the holder dies, even by SIGKILL.
package final class FileLock {
    package enum Mode { case shared, exclusive }

    package let path: String
    private let file: OpenFile

    package init(path: String) throws {
        self.path = path
        file = try OpenFile(path, flags: O_RDWR | O_CREAT, mode: 0o600)
    }

    /// Blocks until the lock is held.
    package func lock(_ mode: Mode) throws {
        let operation = mode == .shared ? LOCK_SH : LOCK_EX
        while flock(file.fd, operation) != 0 {
            if errno != EINTR { throw SystemError("lock", path) }
        }
    }

    /// Takes the lock if nobody else holds it; returns whether it did.
    package func tryLock(_ mode: Mode) throws -> Bool {
        let operation = (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB
        while flock(file.fd, operation) != 0 {
            if errno == EWOULDBLOCK { return false }
            if errno != EINTR { throw SystemError("lock", path) }
        }
        return true
    }

    package func unlock() {
        _ = flock(file.fd, LOCK_UN)
    }

    /// The descriptor, for holders that also keep data in the lock file.
    package var descriptor: OpenFile { file }
}
