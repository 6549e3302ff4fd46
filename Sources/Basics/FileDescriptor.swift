#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An owned file descriptor, closed when the last reference goes away.
/// `path` is kept only to name the file in errors.
package final class OpenFile: @unchecked Sendable {
    package let fd: Int32
    package let path: String

    package init(adopting fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// `open(2)` relative to `directory` (or the working directory), retrying on EINTR.
    package convenience init(
        _ path: String, flags: Int32, mode: mode_t = 0o644, relativeTo directory: Int32 = AT_FDCWD
    ) throws {
        var fd: Int32
        repeat {
            fd = openat(directory, path, flags | O_CLOEXEC, mode)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw SystemError("open", path) }
        self.init(adopting: fd, path: path)
    }

    deinit { close(fd) }

    /// Reads up to `buffer.count` bytes; 0 means end of file.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw SystemError("read", path) }
        }
    }

    /// Fills `buffer` completely unless end of file comes first; returns the count read.
    package func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if n == 0 { break }
            total += n
        }
        return total
    }

    package func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, base + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", path)
            }
            offset += n
        }
    }

    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) throws in try write(b) }
    }

    package func write(_ string: String) throws {
        try write(Array(string.utf8))
    }

    package func readAll() throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try chunk.withUnsafeMutableBytes { (b) throws in try read(into: b) }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }

    package func status() throws -> stat {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SystemError("stat", path) }
        return st
    }

    package func sync() throws {
        guard fsync(fd) == 0 else { throw SystemError("sync", path) }
    }
}

/// Standard input and output as unbuffered byte streams (NARs and bundles are binary).
package enum StandardStreams {
    package static let input = OpenFile(adopting: 0, path: "<stdin>")
    package static let output = OpenFile(adopting: 1, path: "<stdout>")
}
