/// How a Scheme error is shown to a user: position, message, the offending
/// source line with a caret, a hint, and a short backtrace.
package enum ErrorReport {
    /// The report, its first line prefixed by `prefix` (e.g. "cairn: error: ").
    package static func render(_ error: SchemeError, prefix: String = "error: ", backtrace: Bool = true) -> String {
        var text = prefix
        if let location = error.location {
            text += "\(location): \(error.fullMessage)\n"
            if let line = location.file.line(Int(location.line)) {
                let number = String(location.line)
                let gutter = String(repeating: " ", count: number.count)
                text += " \(number) | \(line)\n"
                let column = max(0, Int(location.column) - 1)
                let prefix = line.unicodeScalars.prefix(column).map { $0 == "\t" ? "\t" : " " }.joined()
                text += " \(gutter) | \(prefix)^\n"
            } else if let expression = error.expression {
                text += "  in expression: \(Compiler.stripSyntax(expression).written(limit: 100))\n"
            }
        } else {
            text += "\(error.fullMessage)\n"
        }
        if let hint = error.hint { text += "hint: \(hint)\n" }
        if backtrace, error.backtrace.count > 1 || (error.backtrace.count == 1 && error.location == nil) {
            text += "backtrace (innermost first):\n"
            for frame in error.backtrace {
                let place = frame.location.map { "\($0)" } ?? "<unknown>"
                let expression = frame.expression.map { Compiler.stripSyntax($0).written(limit: 70) } ?? ""
                text += "  \(place): \(expression)\n"
            }
            if error.omittedFrames > 0 { text += "  … \(error.omittedFrames) more frames\n" }
        }
        return text
    }
}

extension SchemeError {
    /// The message with irritants appended, as `(error "msg" 1 2)` shows it.
    package var fullMessage: String {
        guard kind == .misc || kind == .assertion, !irritants.isEmpty, who == nil || kind == .misc else { return message }
        if kind == .assertion { return message }
        return ([message] + irritants.map { $0.written(limit: 80) }).joined(separator: " ")
    }
}
