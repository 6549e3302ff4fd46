import BigInt

/// Reads Guile's real-number syntax (R7RS §7.1.1 without complex numbers):
/// prefixes `#x #o #b #d #e #i`, signs, integers, ratios, decimals with
/// exponent markers `e s f d l`, `#` digit placeholders (`1#` is 10.0) and
/// `+inf.0`, `-inf.0`, `+nan.0`. Anything else, including complex syntax, is
/// not a number (nil).
///
/// Values are computed exactly and rounded once at the end, as Guile does, so
/// decimal input is correctly rounded.
struct NumberParser {
    private enum Exactness { case unspecified, exact, inexact }

    /// An unsigned real read from the text, before exactness is applied.
    private enum Real {
        /// `numerator/denominator` (denominator positive, not necessarily reduced).
        case exact(BigInt, BigInt)
        case infinity
        case nan
        /// A decimal exponent too large to build exactly: only an inexact
        /// result (infinity or zero) exists.
        case outOfRange(huge: Bool)
    }

    /// `#e1e…` exponents beyond this are refused rather than building an
    /// enormous integer (10^100000 already has 332,000 bits).
    private static let maximumExactExponent = 100_000

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var radix: Int
    /// Set when a `.`, an exponent or a `#` digit makes the number implicitly inexact.
    private var implicitlyInexact = false

    private init(_ text: String, radix: Int) {
        scalars = Array(text.unicodeScalars)
        self.radix = radix
    }

    static func parse(_ text: String, radix defaultRadix: Int) -> Value? {
        guard (2...36).contains(defaultRadix), let first = text.unicodeScalars.first else { return nil }
        // Cheap rejection of the identifiers the reader asks about.
        switch first {
        case "0"..."9", "+", "-", ".", "#": break
        default: guard defaultRadix > 10 else { return nil }
        }
        // Fast path for plain decimal integers, the common case.
        if defaultRadix == 10, let n = Int(text) { return .fixnum(n) }
        var parser = NumberParser(text, radix: defaultRadix)
        return parser.parseNumber()
    }

    private var atEnd: Bool { index >= scalars.count }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func parseNumber() -> Value? {
        var forced = Exactness.unspecified
        var radixGiven = false
        // A prefix only counts when something follows it.
        while index + 2 < scalars.count, scalars[index] == "#" {
            switch scalars[index + 1] {
            case "x", "X", "o", "O", "b", "B", "d", "D":
                guard !radixGiven else { return nil }
                radixGiven = true
                switch scalars[index + 1] {
                case "x", "X": radix = 16
                case "o", "O": radix = 8
                case "b", "B": radix = 2
                default: radix = 10
                }
            case "e", "E", "i", "I":
                guard forced == .unspecified else { return nil }
                forced = scalars[index + 1] == "e" || scalars[index + 1] == "E" ? .exact : .inexact
            default:
                return nil
            }
            index += 2
        }
        var negative = false
        var signed = false
        if current == "+" || current == "-" {
            negative = current == "-"
            signed = true
            index += 1
        }
        guard !atEnd, let real = parseUnsignedReal(allowSpecial: signed && forced != .exact), atEnd else {
            return nil
        }
        switch real {
        case .nan:
            return .flonum(.nan)
        case .infinity:
            return .flonum(negative ? -.infinity : .infinity)
        case .outOfRange(let huge):
            guard forced != .exact else { return nil }
            let magnitude: Double = huge ? .infinity : 0
            return .flonum(negative ? -magnitude : magnitude)
        case .exact(var numerator, let denominator):
            if negative { numerator.negate() }
            let inexact = forced == .inexact || (forced == .unspecified && implicitlyInexact)
            if inexact {
                let d = FloatConversion.double(numerator, over: denominator)
                // `-0.0` keeps its sign.
                return .flonum(negative && d == 0 ? -0.0 : d)
            }
            return try? Value.rational(numerator, denominator)
        }
    }

    /// `<ureal R>`: `inf.0`, `nan.0`, an integer, a ratio or (radix 10) a decimal.
    private mutating func parseUnsignedReal(allowSpecial: Bool) -> Real? {
        if allowSpecial, let special = parseInfinityOrNaN() { return special }
        if current == "." {
            guard radix == 10, index + 1 < scalars.count, decimalValue(scalars[index + 1]) != nil else { return nil }
            return parseDecimal(integerPart: 0)
        }
        guard let integer = parseUnsignedInteger() else { return nil }
        if atEnd { return .exact(integer, 1) }
        if current == "/" {
            index += 1
            guard let divisor = parseUnsignedInteger(), !divisor.isZero else { return nil }
            return .exact(integer, divisor)
        }
        if radix == 10 { return parseDecimal(integerPart: integer) }
        return .exact(integer, 1)
    }

    /// `inf.0` or `nan.0` (case-insensitive) after a sign.
    private mutating func parseInfinityOrNaN() -> Real? {
        guard index + 5 <= scalars.count else { return nil }
        let word = String(String.UnicodeScalarView(scalars[index ..< index + 4])).lowercased()
        if word == "inf.", scalars[index + 4] == "0" {
            index += 5
            return .infinity
        }
        if word == "nan." {
            let saved = index
            index += 4
            if let zero = parseUnsignedInteger(), zero.isZero { return .nan }
            index = saved
        }
        return nil
    }

    /// `<uinteger R>` with `#` placeholders after the first digit.
    private mutating func parseUnsignedInteger() -> BigInt? {
        guard let first = current, let firstValue = digitValue(first), firstValue < radix else { return nil }
        var digits = [firstValue]
        index += 1
        var hashSeen = false
        while let c = current {
            if c == "#" {
                hashSeen = true
                digits.append(0)
            } else if hashSeen {
                break
            } else if let value = digitValue(c), value < radix {
                digits.append(value)
            } else {
                break
            }
            index += 1
        }
        if hashSeen { implicitlyInexact = true }
        return Self.integer(digits, radix: radix)
    }

    /// The rest of `<decimal 10>` after the integer digits: `.digits`, then an
    /// optional exponent. Returns the exact value.
    private mutating func parseDecimal(integerPart: BigInt) -> Real? {
        var numerator = integerPart
        var scale = 0
        if current == "." {
            index += 1
            var fraction: [Int] = []
            while let c = current {
                if let value = decimalValue(c) {
                    // Digits after a `#` placeholder are not allowed (`1#.5`).
                    if implicitlyInexact { return nil }
                    fraction.append(value)
                } else if c == "#" {
                    implicitlyInexact = true
                    fraction.append(0)
                } else {
                    break
                }
                index += 1
            }
            if !fraction.isEmpty {
                numerator = numerator * BigInt(10).power(fraction.count) + Self.integer(fraction, radix: 10)
                scale = fraction.count
            }
            implicitlyInexact = true
        }
        var exponent = 0
        if let marker = current, "esfdlESFDL".unicodeScalars.contains(marker) {
            index += 1
            var negativeExponent = false
            if current == "+" || current == "-" {
                negativeExponent = current == "-"
                index += 1
            }
            guard let first = current, let firstValue = decimalValue(first) else { return nil }
            var magnitude = firstValue
            index += 1
            while let c = current, let value = decimalValue(c) {
                // Saturate: anything this large is out of range either way.
                magnitude = Swift.min(magnitude * 10 + value, 1 << 40)
                index += 1
            }
            exponent = negativeExponent ? -magnitude : magnitude
            implicitlyInexact = true
        }
        let power = exponent - scale
        if power == 0 { return .exact(numerator, 1) }
        if numerator.isZero { return .exact(0, 1) }
        if Swift.abs(power) > NumberParser.maximumExactExponent {
            return .outOfRange(huge: power > 0)
        }
        let factor = BigInt(10).power(Swift.abs(power))
        return power > 0 ? .exact(numerator * factor, 1) : .exact(numerator, factor)
    }

    /// The integer with these digits (most significant first). Digits are
    /// gathered into machine words first so long numbers need few BigInt steps.
    private static func integer(_ digits: [Int], radix: Int) -> BigInt {
        // The largest chunk whose value radix^chunk stays below 2^62.
        var chunk = 1
        var chunkScale = radix
        while chunkScale <= (1 << 62) / radix {
            chunkScale *= radix
            chunk += 1
        }
        var result = BigInt(0)
        var position = 0
        while position < digits.count {
            let end = Swift.min(position + chunk, digits.count)
            var word = 0
            var scale = 1
            for digit in digits[position..<end] {
                word = word * radix + digit
                scale *= radix
            }
            result = result.isZero ? BigInt(word) : result * BigInt(scale) + BigInt(word)
            position = end
        }
        return result
    }

    /// 0-35 for `0-9`, `a-z`, `A-Z`.
    private func digitValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "0"..."9": return Int(c.value) - 48
        case "a"..."z": return Int(c.value) - 87
        case "A"..."Z": return Int(c.value) - 55
        default: return nil
        }
    }

    private func decimalValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "0"..."9": return Int(c.value) - 48
        default: return nil
        }
    }
}
