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
            } else if let expression = error.expression ?? location.file.datum(line: Int(location.line), column: Int(location.column)) {
                text += "  in expression: \(Compiler.stripSyntax(expression).written(limit: 100))\n"
            }
        } else {
            text += "\(error.fullMessage)\n"
        }
        if let hint = error.hint { text += "hint: \(hint)\n" }
        // Frames of code a macro wrote have no position; a recursion shows its
        // cycle once.
        var seen = Set<String>()
        var lines: [String] = []
        var repeated = error.omittedFrames
        for frame in error.backtrace {
            guard let location = frame.location else { continue }
            let datum = frame.expression ?? location.file.datum(line: Int(location.line), column: Int(location.column))
            let expression = datum.map { Compiler.stripSyntax($0).written(limit: 70) } ?? ""
            let line = "  \(location): \(expression)"
            if seen.insert(line).inserted { lines.append(line) } else { repeated += 1 }
        }
        if backtrace, lines.count > 1 || (lines.count == 1 && error.location == nil) {
            text += "backtrace (innermost first):\n" + lines.joined(separator: "\n") + "\n"
            if repeated > 0 { text += "  … \(repeated) more frames of the same calls\n" }
        }
        return text
    }
}

extension SchemeError {
    /// The message with irritants appended, as `(error "msg" 1 2)` shows it.
    package var fullMessage: String {
        guard guileErrorArguments != nil, !irritants.isEmpty else { return message }
        return ([message] + irritants.map { $0.written(limit: 80) }).joined(separator: " ")
    }
}
