// Interim reader so the compiler can be exercised; replaced by the full reader.
package struct Reader {
    let chars: [Unicode.Scalar]
    var index = 0
    let file: SourceFile
    var line = 1, column = 1

    package init(text: String, file: SourceFile) {
        chars = Array(text.unicodeScalars)
        self.file = file
    }

    package static func readAll(text: String, file: SourceFile) throws -> [Value] {
        var reader = Reader(text: text, file: file)
        var result: [Value] = []
        while let v = try reader.read() { result.append(v) }
        return result
    }

    mutating func advance() {
        if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    mutating func skip() {
        while index < chars.count {
            let c = chars[index]
            if c == ";" { while index < chars.count && chars[index] != "\n" { advance() } }
            else if c == " " || c == "\n" || c == "\t" || c == "\r" { advance() }
            else { break }
        }
    }

    package mutating func read() throws -> Value? {
        skip()
        guard index < chars.count else { return nil }
        return try datum()
    }

    mutating func datum() throws -> Value {
        skip()
        guard index < chars.count else { throw SchemeError.read("unexpected end of input", at: nil) }
        let loc = SourceLocation(file: file, line: line, column: column)
        let c = chars[index]
        if c == "(" || c == "[" {
            advance()
            var items: [Value] = []
            var locs: [SourceLocation] = []
            var tail = Value.null
            while true {
                skip()
                guard index < chars.count else { throw SchemeError.read("unterminated list", at: loc) }
                if chars[index] == ")" || chars[index] == "]" { advance(); break }
                if chars[index] == ".", index + 1 < chars.count, chars[index + 1] == " " {
                    advance(); tail = try datum(); skip(); if index < chars.count { advance() }; break
                }
                locs.append(SourceLocation(file: file, line: line, column: column))
                items.append(try datum())
            }
            var result = tail
            for i in stride(from: items.count - 1, through: 0, by: -1) {
                result = .pair(Pair(items[i], result, location: i == 0 ? loc : locs[i]))
            }
            return result
        }
        if c == "'" || c == "`" || c == "," {
            advance()
            var name = c == "'" ? "quote" : c == "`" ? "quasiquote" : "unquote"
            if c == ",", index < chars.count, chars[index] == "@" { advance(); name = "unquote-splicing" }
            let d = try datum()
            return .pair(Pair(.symbol(name), .pair(Pair(d, .null)), location: loc))
        }
        if c == "\"" {
            advance()
            var s: [Unicode.Scalar] = []
            while index < chars.count && chars[index] != "\"" {
                if chars[index] == "\\" { advance(); if index < chars.count { s.append(chars[index] == "n" ? "\n" : chars[index]) } } else { s.append(chars[index]) }
                advance()
            }
            advance()
            return .string(SString(scalars: s, mutable: false))
        }
        var token = ""
        while index < chars.count {
            let d = chars[index]
            if d == " " || d == "\n" || d == "(" || d == ")" || d == "\t" || d == "]" || d == "[" { break }
            token.unicodeScalars.append(d)
            advance()
        }
        if token == "#t" { return .true }
        if token == "#f" { return .false }
        if token.hasPrefix("#:") { return .keyword(String(token.dropFirst(2))) }
        if token.hasPrefix("#\\") { return .char(token.unicodeScalars.dropFirst(2).first ?? " ") }
        if let n = NumberSyntax.parse(token) { return n }
        return .symbol(token)
    }
}
