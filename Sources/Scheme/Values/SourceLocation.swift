/// A file the reader has read, shared by every location in it.
package final class SourceFile: @unchecked Sendable {
    /// The name shown in messages: the path as the user gave it, or a label
    /// such as `<repl>` or `<command-line>`.
    package let name: String
    /// The text, kept so that errors can quote the offending line.
    package let text: String?

    package init(name: String, text: String? = nil) {
        self.name = name
        self.text = text
    }

    /// The text of line `line` (1-based), if known.
    package func line(_ line: Int) -> String? {
        guard let text, line >= 1 else { return nil }
        var current = 1
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" {
                if current == line { return String(text[start..<index]) }
                current += 1
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return current == line ? String(text[start...]) : nil
    }
}

/// A position in a source file: 1-based line, 1-based column (Guile shows
/// columns 0-based in some places; Cairn's messages use 1-based like compilers do).
package struct SourceLocation: CustomStringConvertible, @unchecked Sendable {
    package let file: SourceFile
    package let line: Int32
    package let column: Int32

    package init(file: SourceFile, line: Int, column: Int) {
        self.file = file
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    package var description: String { "\(file.name):\(line):\(column)" }
}
