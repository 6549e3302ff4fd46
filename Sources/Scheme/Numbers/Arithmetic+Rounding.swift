import BigInt

/// Rounding, exactness conversion, `abs`, `min`/`max` and the numeric predicates.
extension Arithmetic {
    package enum Rounding: Sendable {
        case floor, ceiling, truncate, round
    }

    /// `floor`, `ceiling`, `truncate` and `round` (ties to even). Exact numbers
    /// stay exact; flonums stay flonums (`(round 2.5)` is `2.0`).
    package static func round(_ v: Value, _ mode: Rounding, who: String) throws -> Value {
        switch v {
        case .fixnum, .bignum: return v
        case .flonum(let d):
            switch mode {
            case .floor: return .flonum(d.rounded(.down))
            case .ceiling: return .flonum(d.rounded(.up))
            case .truncate: return .flonum(d.rounded(.towardZero))
            case .round: return .flonum(roundHalfEven(d))
            }
        case .rational(let r):
            let n = r.numerator
            let d = r.denominator
            switch mode {
            case .floor: return .integer(roundedQuotient(n, d, .floor, divisorNegative: false))
            case .ceiling: return .integer(-roundedQuotient(-n, d, .floor, divisorNegative: false))
            case .truncate: return .integer(n / d)
            case .round: return .integer(roundedQuotient(n, d, .round, divisorNegative: false))
            }
        default:
            throw SchemeError.wrongType(procedure: who, position: 1, expected: "real number", got: v)
        }
    }

    /// Guile's rounding of flonums: to nearest, ties to even, computed as
    /// floor(x + 0.5) with a correction, which makes `(round -0.4)` 0.0, not -0.0.
    static func roundHalfEven(_ x: Double) -> Double {
        let down = x.rounded(.down)
        if x == down || !x.isFinite { return x }
        let plusHalf = x + 0.5
        let result = plusHalf.rounded(.down)
        if plusHalf == result && (plusHalf / 2) != (plusHalf / 2).rounded(.down) { return result - 1 }
        return result
    }

    /// `(abs v)`; `(abs Int.min)` is a bignum.
    package static func abs(_ v: Value) throws -> Value {
        switch v {
        case .fixnum(let n) where n >= 0: return v
        case .fixnum, .bignum, .rational: return try isNegative(v, who: "abs") ? negate(v) : v
        case .flonum(let d): return .flonum(d.magnitude)
        default: throw NumericError.notNumber("abs", 1, v)
        }
    }

    /// `(max a b)`/`(min a b)`: inexact if either is; NaN wins.
    package static func extremum(_ a: Value, _ b: Value, maximum: Bool, who: String) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return .fixnum(maximum ? Swift.max(x, y) : Swift.min(x, y)) }
        try checkReal(a, who, 1)
        try checkReal(b, who, 2)
        if case .flonum(let x) = a, x.isNaN { return a }
        if case .flonum(let y) = b, y.isNaN { return b }
        let order = try compareSlow(a, b, who: who) ?? 0
        let chosen = (order >= 0) == maximum ? a : b
        return inexactIf(a, b, chosen)
    }

    /// `(inexact->exact v)`: flonums become their exact binary value.
    package static func exact(_ v: Value, who: String = "inexact->exact") throws -> Value {
        switch v {
        case .fixnum, .bignum, .rational: return v
        case .flonum(let d):
            guard let exact = FloatConversion.exact(d) else {
                throw SchemeError.outOfRange(procedure: who, position: 1, got: v)
            }
            return exact
        default: throw NumericError.notNumber(who, 1, v)
        }
    }

    /// `(exact->inexact v)`: the nearest flonum.
    package static func inexact(_ v: Value, who: String = "exact->inexact") throws -> Value {
        if case .flonum = v { return v }
        return .flonum(try double(v, who, 1))
    }

    /// `numerator`/`denominator`; a flonum's are those of its exact value, inexact.
    package static func numerator(_ v: Value, denominator: Bool) throws -> Value {
        let who = denominator ? "denominator" : "numerator"
        switch v {
        case .fixnum, .bignum: return denominator ? .fixnum(1) : v
        case .rational(let r): return .integer(denominator ? r.denominator : r.numerator)
        case .flonum(let d):
            guard let exact = FloatConversion.exact(d) else { return denominator ? .flonum(1) : v }
            return .flonum(try numerator(exact, denominator: denominator).doubleValue ?? .nan)
        default:
            throw SchemeError.wrongType(procedure: who, position: 1, expected: "rational number", got: v)
        }
    }

    /// `(rationalize x eps)`: the simplest rational within `eps` of `x`
    /// (smallest denominator, then smallest numerator); inexact if either is.
    package static func rationalize(_ x: Value, _ eps: Value) throws -> Value {
        let who = "rationalize"
        try checkReal(x, who, 1)
        try checkReal(eps, who, 2)
        if case .flonum = x { return try inexactRationalize(x, eps) }
        if case .flonum = eps { return try inexactRationalize(x, eps) }
        let width = try abs(eps)
        let low = try subtract(x, width)
        let high = try add(x, width)
        if try isPositive(low) { return try simplestBetween(low, high) }
        if try isNegative(high) { return try negate(simplestBetween(negate(high), negate(low))) }
        return .fixnum(0)
    }

    private static func inexactRationalize(_ x: Value, _ eps: Value) throws -> Value {
        let e = try double(eps, "rationalize", 2)
        let v = try double(x, "rationalize", 1)
        if !e.isFinite { return .flonum(!e.isNaN && v.isFinite ? 0 : .nan) }
        if !v.isFinite { return .flonum(v) }
        return try inexact(rationalize(exact(x), exact(eps)))
    }

    /// The simplest rational in [low, high] for exact 0 < low ≤ high, from the
    /// continued fractions of the two ends: they share a prefix of terms, and
    /// the result ends with the smallest integer between the next terms.
    private static func simplestBetween(_ low: Value, _ high: Value) throws -> Value {
        var terms: [Value] = []
        var (lo, hi) = (low, high)
        while true {
            let floorLo = try round(lo, .floor, who: "rationalize")
            if try numericEquals(floorLo, lo) {
                terms.append(floorLo)
                break
            }
            let floorHi = try round(hi, .floor, who: "rationalize")
            if try lessThan(floorLo, floorHi) {
                terms.append(try add(floorLo, .fixnum(1)))
                break
            }
            terms.append(floorLo)
            (lo, hi) = (try reciprocal(subtract(hi, floorHi)), try reciprocal(subtract(lo, floorLo)))
        }
        var result = terms.removeLast()
        for term in terms.reversed() { result = try add(term, reciprocal(result)) }
        return result
    }

    // MARK: Predicates

    package static func isZero(_ v: Value, who: String = "zero?") throws -> Bool {
        switch v {
        case .fixnum(let n): return n == 0
        case .bignum, .rational: return false
        case .flonum(let d): return d == 0
        default: throw NumericError.notNumber(who, 1, v)
        }
    }

    package static func isPositive(_ v: Value, who: String = "positive?") throws -> Bool {
        switch v {
        case .fixnum(let n): return n > 0
        case .bignum(let b): return b.value.sign == .plus
        case .rational(let r): return r.numerator.sign == .plus
        case .flonum(let d): return d > 0
        default: throw SchemeError.wrongType(procedure: who, position: 1, expected: "real number", got: v)
        }
    }

    package static func isNegative(_ v: Value, who: String = "negative?") throws -> Bool {
        switch v {
        case .fixnum(let n): return n < 0
        case .bignum(let b): return b.value.sign == .minus
        case .rational(let r): return r.numerator.sign == .minus
        case .flonum(let d): return d < 0
        default: throw SchemeError.wrongType(procedure: who, position: 1, expected: "real number", got: v)
        }
    }

    /// `odd?` (`even?` is its negation); integer flonums are accepted as in Guile.
    package static func isOdd(_ v: Value, who: String = "odd?") throws -> Bool {
        switch v {
        case .fixnum(let n): return n & 1 != 0
        case .bignum(let b): return !b.value.isEven
        case .flonum(let d) where d.isFinite && d.rounded(.towardZero) == d:
            return d.truncatingRemainder(dividingBy: 2) != 0
        default: throw SchemeError.wrongType(procedure: who, position: 1, expected: "integer", got: v)
        }
    }

    /// `integer?`: exact integers and integral finite flonums.
    package static func isInteger(_ v: Value) -> Bool {
        switch v {
        case .fixnum, .bignum: return true
        case .flonum(let d): return d.isFinite && d.rounded(.towardZero) == d
        default: return false
        }
    }

    /// `rational?`: exact numbers and finite flonums.
    package static func isRational(_ v: Value) -> Bool {
        switch v {
        case .fixnum, .bignum, .rational: return true
        case .flonum(let d): return d.isFinite
        default: return false
        }
    }

    /// `exact?`/`inexact?` (errors on non-numbers, like Guile).
    package static func isExact(_ v: Value, who: String = "exact?") throws -> Bool {
        switch v {
        case .fixnum, .bignum, .rational: return true
        case .flonum: return false
        default: throw NumericError.notNumber(who, 1, v)
        }
    }

    /// The flonum a `nan?`/`inf?`/`finite?` test looks at; exact numbers are finite.
    package static func floatClass(_ v: Value, who: String) throws -> Double {
        switch v {
        case .fixnum, .bignum, .rational: return 0
        case .flonum(let d): return d
        default: throw NumericError.notNumber(who, 1, v)
        }
    }
}
