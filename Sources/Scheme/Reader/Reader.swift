/// Turns source text into data, following Guile 3's reader (ice-9 read.scm)
/// with its default options, plus Guix's gexp syntax (`#~`, `#$`, `#+`) and
/// R7RS `|…|` symbols.
///
/// Works on the UTF-8 bytes of the text: every syntactically significant
/// character is ASCII, so only string, character and symbol contents need
/// decoding. Columns count Unicode scalars and are computed lazily (see
/// `location(_:)`), which keeps the common path a byte comparison.
///
/// Each pair of a list carries a location: the first pair the position of the
/// opening parenthesis, each later pair the position of its element. `'x` and
/// the other abbreviations are located at their prefix character.
package struct Reader {
    let bytes: [UInt8]
    let file: SourceFile
    var offset = 0
    var line = 1
    /// Byte offset where the current line begins.
    var lineStart = 0

    // Columns are counted from `columnCacheOffset` when it lies on the same line
    // before the wanted offset, so positions requested left to right on a very
    // long line cost linear time overall instead of quadratic.
    private var columnCacheLineStart = -1
    private var columnCacheOffset = 0
    private var columnCacheValue = 1

    /// `#!fold-case`: symbols are read lower-cased.
    var foldCase = false
    /// `#!r6rs`: `\x41;` string escapes and skipping of leading whitespace after
    /// a backslash-newline, as in Guile once that directive is seen.
    var r6rsStrings = false

    package init(text: String, file: SourceFile) {
        bytes = Array(text.utf8)
        self.file = file
    }

    /// Every datum in `text`.
    package static func readAll(text: String, file: SourceFile) throws -> [Value] {
        var reader = Reader(text: text, file: file)
        var data: [Value] = []
        while let datum = try reader.read() { data.append(datum) }
        return data
    }

    /// The next datum, or nil when only whitespace and comments remain.
    package mutating func read() throws -> Value? {
        guard try skipAtmosphere() != nil else { return nil }
        return try readDatum()
    }

    /// True when `error` means the text stopped inside a datum or comment (an
    /// unclosed list, string, block comment…), so that a REPL can ask for more
    /// lines instead of reporting it.
    package static func isIncompleteInput(_ error: SchemeError) -> Bool {
        error.kind == .read && (error.message.hasPrefix("unterminated") || error.message.hasPrefix("end of input"))
    }

    /// The position the reader has reached (after the last datum read).
    package mutating func currentLocation() -> SourceLocation {
        location(here)
    }

    // MARK: Positions

    /// A position captured cheaply; turned into a `SourceLocation` only when needed.
    struct Mark {
        let offset: Int
        let line: Int
        let lineStart: Int
    }

    var here: Mark { Mark(offset: offset, line: line, lineStart: lineStart) }

    mutating func location(_ mark: Mark) -> SourceLocation {
        var index = mark.lineStart
        var column = 1
        if columnCacheLineStart == mark.lineStart, columnCacheOffset <= mark.offset {
            index = columnCacheOffset
            column = columnCacheValue
        }
        let end = min(mark.offset, bytes.count)
        while index < end {
            // Continuation bytes of a multi-byte scalar do not start a column.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        columnCacheLineStart = mark.lineStart
        columnCacheOffset = end
        columnCacheValue = column
        return SourceLocation(file: file, line: mark.line, column: column)
    }

    mutating func error(_ message: String, at mark: Mark, hint: String? = nil) -> SchemeError {
        SchemeError.read(message, at: location(mark), hint: hint)
    }

    /// Consumes a newline byte at `offset`, keeping the line count.
    @inline(__always) mutating func consumeNewline() {
        offset += 1
        line += 1
        lineStart = offset
    }

    // MARK: Whitespace and comments

    /// Skips whitespace and comments (including `#;` datum comments and `#!…!#`
    /// headers and directives), returning the next byte without consuming it,
    /// or nil at the end of the input.
    mutating func skipAtmosphere() throws -> UInt8? {
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case .space, .tab, .carriageReturn, .formFeed:
                offset += 1
            case .newline:
                consumeNewline()
            case .semicolon:
                while offset < bytes.count, bytes[offset] != .newline { offset += 1 }
            case .hash where offset + 1 < bytes.count:
                switch bytes[offset + 1] {
                case .bar:
                    try skipBlockComment()
                case .semicolon:
                    let start = here
                    offset += 2
                    _ = try readSubexpression(after: start, what: "`#;` (datum comment)")
                case .bang:
                    try skipDirectiveOrHeader()
                default:
                    return byte
                }
            default:
                return byte
            }
        }
        return nil
    }

    /// `#| … |#`, which nests.
    private mutating func skipBlockComment() throws {
        let start = here
        offset += 2
        var depth = 1
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == .bar, offset + 1 < bytes.count, bytes[offset + 1] == .hash {
                offset += 2
                depth -= 1
                if depth == 0 { return }
            } else if byte == .hash, offset + 1 < bytes.count, bytes[offset + 1] == .bar {
                offset += 2
                depth += 1
            } else if byte == .newline {
                consumeNewline()
            } else {
                offset += 1
            }
        }
        throw error("unterminated block comment `#|` (opened here)", at: start, hint: "close it with `|#`")
    }

    /// `#!fold-case`, `#!no-fold-case`, `#!r6rs`, or a script header `#! … !#`.
    private mutating func skipDirectiveOrHeader() throws {
        let start = here
        offset += 2
        let nameStart = offset
        while offset < bytes.count {
            // Guile's directive characters: `-`, letters and digits.
            let (scalar, length) = scalar(at: offset)
            guard scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
            else { break }
            offset += length
        }
        switch String(decoding: bytes[nameStart..<offset], as: UTF8.self) {
        case "fold-case": foldCase = true; return
        case "no-fold-case": foldCase = false; return
        case "r6rs": r6rsStrings = true; return
        case "curly-infix", "curly-infix-and-bracket-lists":
            throw error("curly-infix syntax is not supported", at: start)
        default: break
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == .bang, offset + 1 < bytes.count, bytes[offset + 1] == .hash {
                offset += 2
                return
            }
            if byte == .newline { consumeNewline() } else { offset += 1 }
        }
        throw error(
            "unterminated `#!` comment (opened here)", at: start,
            hint: "a script header `#!…` must end with a line holding `!#`")
    }

    // MARK: Data

    /// Reads the datum starting at `offset`; the caller has skipped atmosphere
    /// and checked that input remains.
    mutating func readDatum() throws -> Value {
        let start = here
        if StackGuard.isNearLimit() {
            throw SchemeError(
                .stackOverflow, message: "stack overflow: data nested too deeply", location: location(start),
                hint: "the input nests lists or quotes deeper than the reader can follow")
        }
        let byte = bytes[offset]
        switch byte {
        case .openParen:
            offset += 1
            return try readList(close: .closeParen, start: start)
        case .openBracket:
            offset += 1
            return try readList(close: .closeBracket, start: start)
        case .closeParen, .closeBracket:
            throw error(
                "unexpected `\(Character(Unicode.Scalar(byte)))`", at: start,
                hint: "there is no open list for it to close; remove it or add the missing `(`")
        case .doubleQuote:
            return .string(SString(scalars: try readStringBody(delimiter: .doubleQuote, start: start), mutable: false))
        case .quote:
            return try readAbbreviation("quote", prefixLength: 1, start: start)
        case .backquote:
            return try readAbbreviation("quasiquote", prefixLength: 1, start: start)
        case .comma:
            if offset + 1 < bytes.count, bytes[offset + 1] == .at {
                return try readAbbreviation("unquote-splicing", prefixLength: 2, start: start)
            }
            return try readAbbreviation("unquote", prefixLength: 1, start: start)
        case .hash:
            return try readSharp(start: start)
        case .bar:
            let scalars = try readStringBody(delimiter: .bar, start: start)
            return .symbol(Symbol.intern(String(String.UnicodeScalarView(scalars))))
        default:
            return try readAtom(start: start)
        }
    }

    /// Skips atmosphere then reads the datum a prefix such as `'` or `#;` applies to.
    mutating func readSubexpression(after start: Mark, what: String) throws -> (Value, SourceLocation) {
        // `#;` chains recurse through here without passing `readDatum`'s check.
        if StackGuard.isNearLimit() {
            throw SchemeError(.stackOverflow, message: "stack overflow: data nested too deeply", location: location(start))
        }
        guard let byte = try skipAtmosphere() else {
            throw error("end of input after \(what): a datum must follow", at: start)
        }
        if byte == .closeParen || byte == .closeBracket {
            throw error("expected a datum after \(what), found `\(Character(Unicode.Scalar(byte)))`", at: here)
        }
        let datumLocation = location(here)
        return (try readDatum(), datumLocation)
    }

    /// `'x` → `(quote x)`, and the like.
    mutating func readAbbreviation(_ name: String, prefixLength: Int, start: Mark) throws -> Value {
        let prefixLocation = location(start)
        let prefix = String(decoding: bytes[start.offset..<min(start.offset + prefixLength, bytes.count)], as: UTF8.self)
        offset += prefixLength
        let (datum, datumLocation) = try readSubexpression(after: start, what: "`\(prefix)`")
        let inner = Pair(datum, .null, location: datumLocation)
        return .pair(Pair(.symbol(name), .pair(inner), location: prefixLocation))
    }

    /// True when the byte at `offset` is a `.` standing alone (the dotted-pair marker).
    private func atLoneDot() -> Bool {
        guard offset < bytes.count, bytes[offset] == .period else { return false }
        return offset + 1 >= bytes.count || bytes[offset + 1].isDelimiter
    }

    private mutating func readList(close: UInt8, start: Mark) throws -> Value {
        // Locations are taken before reading what follows them, so that column
        // counting moves left to right (see `location(_:)`).
        let startLocation = location(start)
        var head: Pair?
        var tail: Pair?
        while true {
            guard let byte = try skipAtmosphere() else { throw unterminated(close: close, start: start) }
            if byte == close {
                offset += 1
                return head.map(Value.pair) ?? .null
            }
            if byte == .closeParen || byte == .closeBracket {
                throw mismatched(found: byte, expected: close, start: start)
            }
            let elementMark = here
            if atLoneDot() {
                guard let head, let tail else {
                    throw error("misplaced `.`: a dotted list needs a datum before the `.`", at: elementMark)
                }
                offset += 1
                guard let next = try skipAtmosphere() else { throw unterminated(close: close, start: start) }
                if next == .closeParen || next == .closeBracket {
                    throw error("expected a datum after `.` in a dotted list", at: here)
                }
                tail.cdr = try readDatum()
                guard let after = try skipAtmosphere() else { throw unterminated(close: close, start: start) }
                if after == close {
                    offset += 1
                    return .pair(head)
                }
                if after == .closeParen || after == .closeBracket {
                    throw mismatched(found: after, expected: close, start: start)
                }
                throw error("only one datum may follow `.` in a dotted list", at: here, hint: "did you mean to close the list first?")
            }
            let elementLocation = head == nil ? startLocation : location(elementMark)
            let element = try readDatum()
            let pair = Pair(element, .null, location: elementLocation)
            if let tail { tail.cdr = .pair(pair) } else { head = pair }
            tail = pair
        }
    }

    /// The elements of `#( … )` or `#vu8( … )`, each with its position. `offset`
    /// is just past the opening parenthesis.
    mutating func readElements(kind: String, start: Mark) throws -> [(Value, Mark)] {
        var elements: [(Value, Mark)] = []
        while true {
            guard let byte = try skipAtmosphere() else { throw unterminated(close: .closeParen, start: start, kind: kind) }
            if byte == .closeParen {
                offset += 1
                return elements
            }
            if byte == .closeBracket { throw mismatched(found: byte, expected: .closeParen, start: start) }
            if atLoneDot() { throw error("`.` is not allowed in a \(kind)", at: here) }
            let mark = here
            elements.append((try readDatum(), mark))
        }
    }

    private mutating func unterminated(close: UInt8, start: Mark, kind: String = "list") -> SchemeError {
        let closer = Character(Unicode.Scalar(close))
        return error("unterminated \(kind) (opened here)", at: start, hint: "a closing `\(closer)` is missing")
    }

    private mutating func mismatched(found: UInt8, expected: UInt8, start: Mark) -> SchemeError {
        let opener = expected == .closeBracket ? "[" : "("
        let startLocation = location(start)
        return error(
            "mismatched `\(Character(Unicode.Scalar(found)))`: the list opened with `\(opener)` at line \(startLocation.line), column \(startLocation.column) must close with `\(Character(Unicode.Scalar(expected)))`",
            at: here)
    }

    /// A token that is not `#`-syntax, a string or a list: a number or a symbol.
    private mutating func readAtom(start: Mark) throws -> Value {
        let tokenStart = offset
        skipToken()
        let first = bytes[tokenStart]
        if offset - tokenStart == 1, first == .period {
            throw error("misplaced `.`: it may only appear inside a list, before its last datum", at: start)
        }
        let text = String(decoding: bytes[tokenStart..<offset], as: UTF8.self)
        // Guile tries number syntax only for tokens starting like a number.
        if first.isASCIIDigit || first == .plus || first == .minus || first == .period,
           let number = NumberSyntax.parse(text) {
            return number
        }
        return .symbol(Symbol.intern(foldCase ? text.lowercased() : text))
    }

    /// Advances past the bytes up to the next delimiter.
    @inline(__always) mutating func skipToken() {
        while offset < bytes.count, !bytes[offset].isDelimiter { offset += 1 }
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let bang = UInt8(ascii: "!")
    static let doubleQuote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")
    static let quote = UInt8(ascii: "'")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let period = UInt8(ascii: ".")
    static let semicolon = UInt8(ascii: ";")
    static let at = UInt8(ascii: "@")
    static let openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let closeBracket = UInt8(ascii: "]")
    static let backquote = UInt8(ascii: "`")
    static let openBrace = UInt8(ascii: "{")
    static let bar = UInt8(ascii: "|")
    static let closeBrace = UInt8(ascii: "}")

    /// Guile's token delimiters with square brackets enabled (its default).
    @inline(__always) var isDelimiter: Bool {
        switch self {
        case .openParen, .closeParen, .semicolon, .doubleQuote, .space, .carriageReturn, .formFeed,
             .newline, .tab, .openBracket, .closeBracket:
            return true
        default:
            return false
        }
    }

    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
}
