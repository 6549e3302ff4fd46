/// Helpers shared by the character, string, SRFI-13, format and regex
/// libraries: Unicode classification and case mapping as Guile does them,
/// optional start/end arguments, and the "character matcher" arguments
/// (char, predicate or char-set) that SRFI-13 procedures take.
enum UnicodeText {
    /// Guile's `char-alphabetic?` and `char-set:letter`: general category L*.
    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `char-numeric?` and `char-set:digit`: decimal digits (Nd) only.
    static func isDigit(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c.value >= 0x30 && c.value <= 0x39 }
        return c.properties.generalCategory == .decimalNumber
    }

    /// `char-whitespace?`: the Unicode White_Space property.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c == " " || (c.value >= 0x09 && c.value <= 0x0D) }
        return c.properties.isWhitespace
    }

    /// Guile counts only category Lu as upper case and Ll as lower case.
    static func isUpper(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c.value >= 0x41 && c.value <= 0x5A }
        return c.properties.generalCategory == .uppercaseLetter
    }

    static func isLower(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c.value >= 0x61 && c.value <= 0x7A }
        return c.properties.generalCategory == .lowercaseLetter
    }

    /// Simple (one-to-one) case mappings, which is what Guile uses: `ß` stays
    /// `ß` under upcase. Swift exposes the full mappings; when a full mapping
    /// has several scalars the simple one is either the character itself or,
    /// for the Greek iota-subscript letters, the titlecase mapping.
    static func upcase(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII {
            return c.value >= 0x61 && c.value <= 0x7A ? Unicode.Scalar(UInt8(c.value - 32)) : c
        }
        if let single = singleScalar(c.properties.uppercaseMapping) { return single }
        if let title = singleScalar(c.properties.titlecaseMapping), title != c,
           c.properties.generalCategory == .lowercaseLetter { return title }
        return c
    }

    static func downcase(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII {
            return c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(UInt8(c.value + 32)) : c
        }
        if let single = singleScalar(c.properties.lowercaseMapping) { return single }
        // U+0130 (İ) is the only letter whose full lowercase mapping has two
        // scalars; its simple mapping is plain `i`.
        if c.value == 0x130 { return "i" }
        return c
    }

    static func titlecase(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII { return upcase(c) }
        if let single = singleScalar(c.properties.titlecaseMapping) { return single }
        return upcase(c)
    }

    /// What `string-ci=?` and friends compare: a case fold approximated by
    /// lowercasing the uppercase form, so that `ſ`, `s` and `S` agree.
    static func fold(_ c: Unicode.Scalar) -> Unicode.Scalar { downcase(upcase(c)) }

    private static func singleScalar(_ text: String) -> Unicode.Scalar? {
        var iterator = text.unicodeScalars.makeIterator()
        guard let first = iterator.next(), iterator.next() == nil else { return nil }
        return first
    }
}

/// SRFI-14 character sets, reduced to what Cairn needs: membership tests.
/// A set is a predicate so that Unicode categories and complements cost nothing.
package final class CharSet: SchemeObject {
    let contains: (Unicode.Scalar) -> Bool
    let label: String

    init(label: String, _ contains: @escaping (Unicode.Scalar) -> Bool) {
        self.label = label
        self.contains = contains
    }

    convenience init(scalars: Set<Unicode.Scalar>) {
        self.init(label: "charset") { scalars.contains($0) }
    }

    package override var typeName: String { "charset" }
}

/// The ways SRFI-13 procedures accept "which characters": a character, a
/// char-set or a predicate. Predicates may be Scheme closures, so testing throws.
enum CharMatcher {
    case char(Unicode.Scalar)
    case set(CharSet)
    case predicate(Value, Runtime)

    init(_ value: Value, runtime: Runtime, who: String, position: Int) throws {
        switch value {
        case .char(let c): self = .char(c)
        case .object(let o as CharSet): self = .set(o)
        case .procedure: self = .predicate(value, runtime)
        default:
            throw SchemeError.wrongType(procedure: who, position: position, expected: "character, char-set or predicate", got: value)
        }
    }

    func matches(_ c: Unicode.Scalar) throws -> Bool {
        switch self {
        case .char(let wanted): return c == wanted
        case .set(let set): return set.contains(c)
        case .predicate(let proc, let runtime): return try runtime.apply(proc, [.char(c)]).isTrue
        }
    }
}

/// Argument decoding shared by the text libraries.
enum TextArguments {
    /// The longest string a primitive will build from a requested length, so
    /// that a huge count is an error rather than a failed allocation.
    static let maximumLength = 1 << 28

    /// The `[start [end]]` arguments found at `args[index]` and `args[index + 1]`,
    /// checked against `length` the way Guile checks them (out-of-range errors).
    static func range(_ args: [Value], at index: Int, length: Int, who: String) throws -> Range<Int> {
        var start = 0
        var end = length
        if index < args.count {
            start = try args[index].expectIndex(who, index + 1)
            guard start <= length else { throw SchemeError.outOfRange(procedure: who, position: index + 1, got: args[index]) }
        }
        if index + 1 < args.count {
            end = try args[index + 1].expectIndex(who, index + 2)
            guard end >= start, end <= length else {
                throw SchemeError.outOfRange(procedure: who, position: index + 2, got: args[index + 1])
            }
        }
        return start..<end
    }

    static func string(_ args: [Value], _ index: Int, _ who: String) throws -> SString {
        try args[index].expectString(who, index + 1)
    }

    /// A string whose contents `who` may change; literals and symbol names are read-only.
    static func mutableString(_ value: Value, _ who: String, _ position: Int) throws -> SString {
        let s = try value.expectString(who, position)
        guard s.isMutable else {
            throw SchemeError(
                .misc, who: who, message: "in procedure \(who): string is read-only: \(value.written(limit: 60))",
                irritants: [value])
        }
        return s
    }

    /// A fresh mutable Scheme string.
    static func make<S: Sequence<Unicode.Scalar>>(_ scalars: S) -> Value {
        .string(SString(scalars: Array(scalars)))
    }

    static func char(_ value: Value, _ who: String, _ position: Int) throws -> Unicode.Scalar {
        try value.expectChar(who, position)
    }
}
