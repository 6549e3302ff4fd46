#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every error a user can meet conforms to this: a one-line message saying what
/// went wrong and, where one helps, a hint saying what to do next. The command
/// layer renders it as `cairn: error: MESSAGE` and `hint: HINT`.
package protocol UserFacingError: Error, CustomStringConvertible, Sendable {
    var message: String { get }
    var hint: String? { get }
}

extension UserFacingError {
    package var hint: String? { nil }
    package var description: String { message }
}

/// Where diagnostics go. Messages are written with one `write` each so that
/// lines from concurrent processes do not interleave mid-line.
package enum Diagnostics {
    nonisolated(unsafe) package static var verbosity = 1

    package static func error(_ error: any Error) {
        if let error = error as? any UserFacingError {
            var text = "cairn: error: \(error.message)\n"
            if let hint = error.hint { text += "hint: \(hint)\n" }
            writeStandardError(text)
        } else {
            writeStandardError("cairn: error: \(error)\n")
        }
    }

    package static func warning(_ message: String) {
        writeStandardError("cairn: warning: \(message)\n")
    }

    /// Progress and informational lines, shown at verbosity 1 and above.
    package static func info(_ message: String, level: Int = 1) {
        guard verbosity >= level else { return }
        writeStandardError(message + "\n")
    }

    package static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}
