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
        try Self.apply(F_WRLCK, at: offset, on: file, wait: true)
    }

    package func unlock() {
        try? Self.apply(F_UNLCK, at: offset, on: file, wait: false)
    }

    static func apply(_ type: Int32, at offset: Int64, on file: OpenFile, wait: Bool) throws {
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = off_t(offset)
        request.l_len = 1
        while fcntl(file.fd, wait ? setLockWait : setLock, &request) != 0 {
            if errno != EINTR { throw SystemError("lock", file.path) }
        }
    }
}

/// Several byte locks of one file through one descriptor (an import locks
/// every item of a bundle; a descriptor each would run into the open-file
/// limit). Offsets are taken in ascending order, so two sets never deadlock,
/// and each offset once, since a description does not exclude itself.
package final class RangeLockSet {
    private let file: OpenFile
    private var held: [Int64] = []

    package init(file path: String, keys: some Sequence<String>) throws {
        file = try OpenFile(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        for offset in Set(keys.map(RangeLock.offset(for:))).sorted() {
            do {
                try RangeLock.apply(F_WRLCK, at: offset, on: file, wait: true)
            } catch {
                unlock()
                throw error
            }
            held.append(offset)
        }
    }

    package func unlock() {
        for offset in held { try? RangeLock.apply(F_UNLCK, at: offset, on: file, wait: false) }
        held = []
    }

    deinit { unlock() }
}
