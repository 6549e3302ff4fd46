import Glibc

/// Many independent locks in one file: each key locks one byte of it with an
/// open-file-description lock (F_OFD_SETLKW). Unlike one lock file per key,
/// this creates no inode per key (creating inodes dominated the cost of adding
/// many small items), and like flock the kernel drops the lock when the holder
/// dies. Each `RangeLock` opens the file anew, so two of them exclude each
/// other even within one process.
package final class RangeLock {
    // From <fcntl.h>; the Glibc module does not export the OFD commands.
    private static let setLockWait: Int32 = 38  // F_OFD_SETLKW
    private static let setLock: Int32 = 37  // F_OFD_SETLK

    private let file: OpenFile
    package let offset: Int64

    /// The byte a key locks: a 40-bit FNV-1a hash, so distinct keys share a
    /// byte (and so wait for each other) only by a one-in-a-trillion chance.
    package static func offset(for key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(hash & ((1 << 40) - 1))
    }

    package init(file path: String, key: String) throws {
        file = try OpenFile(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        offset = Self.offset(for: key)
    }

    /// Blocks until the byte is locked exclusively.
    package func lock() throws {
        var request = flock()
        request.l_type = Int16(F_WRLCK)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = off_t(offset)
        request.l_len = 1
        while fcntl(file.fd, Self.setLockWait, &request) != 0 {
            if errno != EINTR { throw SystemError("lock", file.path) }
        }
    }

    package func unlock() {
        var request = flock()
        request.l_type = Int16(F_UNLCK)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = off_t(offset)
        request.l_len = 1
        _ = fcntl(file.fd, Self.setLock, &request)
    }
}
