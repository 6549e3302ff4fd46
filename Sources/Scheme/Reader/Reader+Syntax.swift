/// `#` syntax, strings, characters and the symbol notations of the reader.
extension Reader {
    private static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// The scalar whose UTF-8 encoding starts at `index`, and its length in bytes.
    /// The text came from a Swift `String`, so it is valid UTF-8; malformed bytes
    /// would still decode, as U+FFFD, rather than trap.
    func scalar(at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC0...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF7: length = 4; value = UInt32(lead & 0x07)
        default: return (Reader.replacement, 1)
        }
        guard index + length <= bytes.count else { return (Reader.replacement, 1) }
        for k in 1..<length {
            let byte = bytes[index + k]
            guard byte & 0xC0 == 0x80 else { return (Reader.replacement, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (Unicode.Scalar(value) ?? Reader.replacement, length)
    }

    /// Consumes one scalar (keeping the line count) and returns it.
    mutating func nextScalar() -> Unicode.Scalar {
        let (value, length) = scalar(at: offset)
        if value == "\n" { consumeNewline() } else { offset += length }
        return value
    }

    // MARK: # syntax

    mutating func readSharp(start: Mark) throws -> Value {
        guard offset + 1 < bytes.count else {
            throw error("end of input after `#`", at: start)
        }
        let next = bytes[offset + 1]
        switch next {
        case .backslash:
            return try readCharacter(start: start)
        case .openParen:
            offset += 2
            let elements = try readElements(kind: "vector", start: start).map(\.0)
            return .vector(SVector(elements, mutable: false))
        case UInt8(ascii: "v"), UInt8(ascii: "u"):
            return try readBytevector(start: start)
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            offset += 1
            let tokenStart = offset
            skipToken()
            switch String(decoding: bytes[tokenStart..<offset], as: UTF8.self).lowercased() {
            case "t", "true": return .true
            case "f", "false": return .false
            default:
                throw error(
                    "unknown `#` syntax `\(text(from: start.offset))`", at: start,
                    hint: "booleans are #t, #f, #true and #false; SRFI-4 vectors are not supported")
            }
        case UInt8(ascii: ":"):
            offset += 2
            let (datum, _) = try readSubexpression(after: start, what: "`#:`")
            guard case .symbol(let name) = datum else {
                throw error("`#:` must be followed by a symbol to make a keyword, not \(datum.written(limit: 40))", at: start)
            }
            return .keyword(name)
        case UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "d"),
             UInt8(ascii: "x"), UInt8(ascii: "E"), UInt8(ascii: "I"), UInt8(ascii: "B"), UInt8(ascii: "O"),
             UInt8(ascii: "D"), UInt8(ascii: "X"):
            // The whole token, prefix included, is number syntax for NumberSyntax.
            skipToken()
            let token = text(from: start.offset)
            if let number = NumberSyntax.parse(token) { return number }
            throw error("bad number syntax `\(token)`", at: start)
        case .openBrace:
            return .symbol(Symbol.intern(try readExtendedSymbol(start: start)))
        case .quote:
            return try readAbbreviation("syntax", prefixLength: 2, start: start)
        case .backquote:
            return try readAbbreviation("quasisyntax", prefixLength: 2, start: start)
        case .comma:
            return try readAbbreviation(
                "unsyntax", splicing: "unsyntax-splicing", start: start)
        case UInt8(ascii: "~"):
            return try readAbbreviation("gexp", prefixLength: 2, start: start)
        case UInt8(ascii: "$"):
            return try readAbbreviation("ungexp", splicing: "ungexp-splicing", start: start)
        case .plus:
            return try readAbbreviation("ungexp-native", splicing: "ungexp-native-splicing", start: start)
        case UInt8(ascii: "n"):
            throw error("`#nil` (Emacs Lisp nil) is not supported", at: start)
        case UInt8(ascii: "*"), UInt8(ascii: "@"), UInt8(ascii: "s"), UInt8(ascii: "c"), 0x30...0x39:
            throw error(
                "unsupported `#` syntax `\(text(from: start.offset, upTo: 2))`", at: start,
                hint: "arrays, bit vectors and SRFI-4 vectors are not supported; use vectors #(…) or bytevectors #vu8(…)")
        default:
            throw error(
                "unknown `#` syntax `\(text(from: start.offset, upTo: 2))`", at: start,
                hint: "`#` starts characters (#\\a), vectors (#(…)), booleans (#t #f), keywords (#:k), bytevectors (#vu8(…)) and gexps (#~ #$ #+)")
        }
    }

    /// `#,x` / `#,@x` and the gexp pairs `#$x` / `#$@x`, `#+x` / `#+@x`.
    private mutating func readAbbreviation(_ name: String, splicing: String, start: Mark) throws -> Value {
        if offset + 2 < bytes.count, bytes[offset + 2] == .at {
            return try readAbbreviation(splicing, prefixLength: 3, start: start)
        }
        return try readAbbreviation(name, prefixLength: 2, start: start)
    }

    /// The source text from byte `start` to `offset`, or `scalars` scalars of it.
    private func text(from start: Int, upTo scalars: Int? = nil) -> String {
        var end = offset
        if let scalars {
            end = start
            for _ in 0..<scalars where end < bytes.count { end += scalar(at: end).1 }
        }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    private mutating func readBytevector(start: Mark) throws -> Value {
        let prefix: [UInt8] = bytes[offset + 1] == UInt8(ascii: "v") ? Array("vu8(".utf8) : Array("u8(".utf8)
        guard offset + 1 + prefix.count <= bytes.count,
              bytes[(offset + 1)..<(offset + 1 + prefix.count)].elementsEqual(prefix)
        else {
            throw error(
                "unknown `#` syntax `\(text(from: start.offset, upTo: 2))`", at: start,
                hint: "bytevectors are written #vu8(1 2 3); SRFI-4 vectors are not supported")
        }
        offset += 1 + prefix.count
        var result: [UInt8] = []
        for (element, mark) in try readElements(kind: "bytevector", start: start) {
            guard case .fixnum(let n) = element, let byte = UInt8(exactly: n) else {
                throw error("bytevector element out of range: \(element.written(limit: 40))", at: mark, hint: "each element must be an exact integer from 0 to 255")
            }
            result.append(byte)
        }
        return .bytevector(SBytevector(result))
    }

    // MARK: Characters

    private mutating func readCharacter(start: Mark) throws -> Value {
        offset += 2
        guard offset < bytes.count else { throw error("end of input after `#\\`", at: start) }
        let first = bytes[offset]
        // `#\(`, `#\;`, `#\ ` …: a delimiter right after `#\` is the character itself.
        if first.isDelimiter {
            if first == .newline { consumeNewline() } else { offset += 1 }
            return .char(Unicode.Scalar(first))
        }
        let tokenStart = offset
        skipToken()
        let name = String(decoding: bytes[tokenStart..<offset], as: UTF8.self)
        let scalars = Array(name.unicodeScalars)
        if scalars.count == 1 { return .char(scalars[0]) }
        // Guile writes a combining character after a dotted circle (U+25CC) and
        // reads one before it; both orders denote the combining character.
        if scalars.count == 2 {
            if scalars[1].value == 0x25CC { return .char(scalars[0]) }
            if scalars[0].value == 0x25CC { return .char(scalars[1]) }
        }
        if let code = Reader.codePoint(scalars) {
            guard let value = Unicode.Scalar(code) else {
                throw error("character code out of range in `#\\\(name)`", at: start, hint: "code points go up to #x10FFFF, excluding surrogates")
            }
            return .char(value)
        }
        if let value = CharacterNames.scalar(named: name.lowercased()) { return .char(value) }
        throw error(
            "unknown character name `#\\\(name)`", at: start,
            hint: "names include space, newline, tab, nul, delete and escape; #\\x41 gives a code point in hex")
    }

    /// The code point of an octal (`#\101`) or hex (`#\x41`) character token, if it is one.
    private static func codePoint(_ scalars: [Unicode.Scalar]) -> UInt32? {
        guard let first = scalars.first else { return nil }
        let digits: ArraySlice<Unicode.Scalar>
        let radix: UInt32
        if first >= "0" && first <= "7" {
            digits = scalars[...]
            radix = 8
        } else if first == "x", scalars.count > 1 {
            digits = scalars.dropFirst()
            radix = 16
        } else {
            return nil
        }
        var value: UInt32 = 0
        for digit in digits {
            guard let d = hexValue(digit), d < radix else { return nil }
            // Anything above 0x10FFFF is out of range; saturate instead of overflowing.
            value = min(value * radix + d, 0x110000)
        }
        return value
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f": return scalar.value - 0x61 + 10
        case "A"..."F": return scalar.value - 0x41 + 10
        default: return nil
        }
    }

    // MARK: Strings and symbols

    /// The contents of a string (delimiter `"`) or an R7RS `|…|` symbol, with
    /// escapes decoded; `offset` is at the opening delimiter.
    mutating func readStringBody(delimiter: UInt8, start: Mark) throws -> [Unicode.Scalar] {
        offset += 1
        var scalars: [Unicode.Scalar] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == delimiter {
                offset += 1
                return scalars
            }
            if byte == .backslash {
                try readEscape(into: &scalars, delimiter: delimiter, start: start)
            } else if byte < 0x80 {
                if byte == .newline { consumeNewline() } else { offset += 1 }
                scalars.append(Unicode.Scalar(byte))
            } else {
                let (value, length) = scalar(at: offset)
                scalars.append(value)
                offset += length
            }
        }
        throw unterminatedString(delimiter: delimiter, start: start)
    }

    private mutating func unterminatedString(delimiter: UInt8, start: Mark) -> SchemeError {
        delimiter == .bar
            ? error("unterminated `|…|` symbol (opened here)", at: start, hint: "a closing `|` is missing")
            : error("unterminated string (opened here)", at: start, hint: "a closing `\"` is missing")
    }

    /// Guile's string escapes with its default read options: `\xHH` takes
    /// exactly two hex digits (so "\x41;" is "A;"), and backslash-newline
    /// drops the newline but keeps the next line's indentation. `#!r6rs`
    /// switches to `\x41;` and skips that indentation, as in Guile.
    private mutating func readEscape(into scalars: inout [Unicode.Scalar], delimiter: UInt8, start: Mark) throws {
        let escapeStart = here
        offset += 1
        guard offset < bytes.count else { throw unterminatedString(delimiter: delimiter, start: start) }
        let byte = bytes[offset]
        switch byte {
        case .newline:
            consumeNewline()
            if r6rsStrings {
                while offset < bytes.count {
                    let (value, length) = scalar(at: offset)
                    guard value == "\t" || value.properties.generalCategory == .spaceSeparator else { break }
                    offset += length
                }
            }
            return
        case delimiter, .bar, .backslash, .openParen:
            offset += 1
            scalars.append(Unicode.Scalar(byte))
            return
        default:
            break
        }
        offset += 1
        let simple: Unicode.Scalar?
        switch byte {
        case UInt8(ascii: "0"): simple = "\u{0}"
        case UInt8(ascii: "f"): simple = "\u{C}"
        case UInt8(ascii: "n"): simple = "\n"
        case UInt8(ascii: "r"): simple = "\r"
        case UInt8(ascii: "t"): simple = "\t"
        case UInt8(ascii: "a"): simple = "\u{7}"
        case UInt8(ascii: "v"): simple = "\u{B}"
        case UInt8(ascii: "b"): simple = "\u{8}"
        default: simple = nil
        }
        if let simple {
            scalars.append(simple)
            return
        }
        let code: UInt32
        switch byte {
        case UInt8(ascii: "x") where r6rsStrings || delimiter == .bar:
            guard let hex = try readTerminatedHex(escapeStart: escapeStart) else {
                throw unterminatedString(delimiter: delimiter, start: start)
            }
            code = hex
        case UInt8(ascii: "x"): code = try readFixedHex(2, escapeStart: escapeStart, delimiter: delimiter, start: start)
        case UInt8(ascii: "u"): code = try readFixedHex(4, escapeStart: escapeStart, delimiter: delimiter, start: start)
        case UInt8(ascii: "U"): code = try readFixedHex(6, escapeStart: escapeStart, delimiter: delimiter, start: start)
        default:
            offset -= 1
            let shown = nextScalar()
            throw error(
                "invalid escape `\\\(shown)` in \(delimiter == .bar ? "symbol" : "string")", at: escapeStart,
                hint: "valid escapes are \\\\ \\\" \\n \\t \\r \\a \\0 \\xHH \\uHHHH \\UHHHHHH and backslash-newline")
        }
        guard let value = Unicode.Scalar(code) else {
            throw error("escape `\(text(from: escapeStart.offset))` is not a character (out of range or a surrogate)", at: escapeStart)
        }
        scalars.append(value)
    }

    private mutating func readFixedHex(_ count: Int, escapeStart: Mark, delimiter: UInt8, start: Mark) throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard offset < bytes.count else { throw unterminatedString(delimiter: delimiter, start: start) }
            guard let digit = Reader.hexValue(Unicode.Scalar(bytes[offset])) else {
                throw error(
                    "invalid character in escape `\(text(from: escapeStart.offset, upTo: 2 + count))`: expected \(count) hex digits",
                    at: escapeStart)
            }
            value = value * 16 + digit
            offset += 1
        }
        return value
    }

    /// `\x41;`: hex digits ending with `;`, as in `#{…}#`, `|…|` and `#!r6rs`
    /// strings. Nil when the input ends first.
    private mutating func readTerminatedHex(escapeStart: Mark) throws -> UInt32? {
        var value: UInt32 = 0
        var digits = 0
        while true {
            guard offset < bytes.count else { return nil }
            let byte = bytes[offset]
            if byte == .semicolon, digits > 0 {
                offset += 1
                return value
            }
            guard let digit = Reader.hexValue(Unicode.Scalar(byte)) else {
                throw error(
                    "invalid character in escape `\(text(from: escapeStart.offset, upTo: 3 + digits))`: expected hex digits ending with `;`",
                    at: escapeStart)
            }
            value = min(value * 16 + digit, 0x110000)
            digits += 1
            offset += 1
        }
    }

    /// Guile's `#{…}#` symbol: anything up to `}#`, with `\x…;` hex escapes and
    /// a backslash taking the next character literally.
    private mutating func readExtendedSymbol(start: Mark) throws -> String {
        offset += 2
        var scalars: [Unicode.Scalar] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == .closeBrace {
                if offset + 1 < bytes.count, bytes[offset + 1] == .hash {
                    offset += 2
                    return String(String.UnicodeScalarView(scalars))
                }
                offset += 1
                scalars.append("}")
            } else if byte == .backslash {
                let escapeStart = here
                offset += 1
                guard offset < bytes.count else { break }
                if bytes[offset] == UInt8(ascii: "x") {
                    offset += 1
                    guard let code = try readTerminatedHex(escapeStart: escapeStart) else { break }
                    guard let value = Unicode.Scalar(code) else {
                        throw error("escape `\(text(from: escapeStart.offset))` is not a character", at: escapeStart)
                    }
                    scalars.append(value)
                } else {
                    scalars.append(nextScalar())
                }
            } else {
                scalars.append(nextScalar())
            }
        }
        throw error("unterminated `#{…}#` symbol (opened here)", at: start, hint: "it must end with `}#`")
    }
}
