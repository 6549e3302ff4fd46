#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, named by what we were doing and to which path, so the
/// user sees "cannot open '/x/y': Permission denied" rather than an errno.
package struct SystemError: UserFacingError, Equatable {
    package let operation: String
    package let path: String
    package let code: Int32

    package init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    package var message: String {
        "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
    }

    package var hint: String? {
        switch code {
        case EACCES, EPERM:
            "check the permissions of '\(path)' and its parent directories"
        case ENOSPC:
            "free some space, for example with 'cairn gc -F SIZE'"
        case ENOSYS, EOPNOTSUPP, ENOLCK:
            "this file system does not support file locks; put the state directory on a local or lock-capable file system (Lustre: mount with -o flock), with --state-dir"
        case EROFS:
            "the file system is read-only; choose another location with --store-dir and --state-dir"
        default:
            nil
        }
    }
}
