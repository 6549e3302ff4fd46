import BigInt

/// Integer division families (`floor/`, `truncate/`, `euclidean/`, `round/`,
/// `centered/` and the R5RS `quotient`/`remainder`/`modulo`), `gcd` and `lcm`.
extension Arithmetic {
    /// How the quotient is rounded; the remainder is always `x - q*y`.
    package enum DivisionRounding: Sendable {
        /// Toward negative infinity: the remainder has the divisor's sign.
        case floor
        /// Toward zero: the remainder has the dividend's sign.
        case truncate
        /// The remainder is never negative.
        case euclidean
        /// To nearest, ties to even.
        case round
        /// The remainder is in `[-|y/2|, |y/2|)`.
        case centered
    }

    /// `(quotient a b)`: integers only, truncating.
    package static func quotient(_ a: Value, _ b: Value) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b, y != 0, y != -1 { return .fixnum(x / y) }
        return try integerDivision(a, b, .truncate, who: "quotient", integersOnly: true).quotient
    }

    /// `(remainder a b)`: integers only, sign of the dividend.
    package static func remainder(_ a: Value, _ b: Value) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b, y != 0, y != -1 { return .fixnum(x % y) }
        return try integerDivision(a, b, .truncate, who: "remainder", integersOnly: true).remainder
    }

    /// `(modulo a b)`: integers only, sign of the divisor.
    package static func modulo(_ a: Value, _ b: Value) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b, y != 0, y != -1 {
            let r = x % y
            // Operands of opposite signs: r + y cannot overflow.
            return .fixnum(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        }
        return try integerDivision(a, b, .floor, who: "modulo", integersOnly: true).remainder
    }

    /// Quotient and remainder of `a / b` with the given rounding. The R7RS and
    /// Guile procedures (`floor/` …) accept any reals; `quotient` and friends
    /// pass `integersOnly`. Any inexact operand makes both results inexact.
    package static func integerDivision(
        _ a: Value, _ b: Value, _ rounding: DivisionRounding, who: String, integersOnly: Bool = false
    ) throws -> (quotient: Value, remainder: Value) {
        if integersOnly {
            try checkInteger(a, who, 1)
            try checkInteger(b, who, 2)
        } else {
            try checkReal(a, who, 1)
            try checkReal(b, who, 2)
        }
        if case .flonum = a { return try inexactDivision(a, b, rounding, who: who) }
        if case .flonum = b { return try inexactDivision(a, b, rounding, who: who) }
        let (p, q) = try fraction(a, who, 1)
        let (r, s) = try fraction(b, who, 2)
        guard !r.isZero else { throw NumericError.divisionByZero(who) }
        // a / b = (p*s) / (q*r); make the denominator positive.
        var n = p * s
        var d = q * r
        if d.sign == .minus {
            n.negate()
            d.negate()
        }
        let quotient = roundedQuotient(n, d, rounding, divisorNegative: r.sign == .minus)
        if q == 1 && s == 1 {
            return (.integer(quotient), .integer(p - quotient * r))
        }
        // Exact rationals: remainder = a - quotient * b.
        return (.integer(quotient), try .rational(p * s - quotient * r * q, q * s))
    }

    /// `n / d` (d > 0) rounded to an integer as `rounding` says.
    static func roundedQuotient(_ n: BigInt, _ d: BigInt, _ rounding: DivisionRounding, divisorNegative: Bool) -> BigInt {
        let truncated = n / d
        let rest = n - truncated * d
        if rest.isZero { return truncated }
        let floor = rest.sign == .minus ? truncated - 1 : truncated
        switch rounding {
        case .truncate: return truncated
        case .floor: return floor
        case .euclidean: return divisorNegative ? floor + 1 : floor
        case .round:
            // Compare the fractional part (rest' / d, in [0, 1)) with one half.
            let fractional = n - floor * d
            let twice = fractional * 2
            if twice < d { return floor }
            if twice > d { return floor + 1 }
            return floor.isEven ? floor : floor + 1
        case .centered:
            let fractional = n - floor * d
            let twice = fractional * 2
            // Positive divisor: floor(t + 1/2); negative: ceiling(t - 1/2).
            if divisorNegative { return twice <= d ? floor : floor + 1 }
            return twice < d ? floor : floor + 1
        }
    }

    /// Guile computes inexact divisions as `q = round(x/y)`, `r = x - q*y`.
    private static func inexactDivision(
        _ a: Value, _ b: Value, _ rounding: DivisionRounding, who: String
    ) throws -> (quotient: Value, remainder: Value) {
        let x = try double(a, who, 1)
        let y = try double(b, who, 2)
        guard y != 0 else { throw NumericError.divisionByZero(who) }
        let t = x / y
        let q: Double
        switch rounding {
        case .truncate: q = t.rounded(.towardZero)
        case .floor: q = t.rounded(.down)
        case .euclidean: q = y > 0 ? t.rounded(.down) : t.rounded(.up)
        case .round: q = roundHalfEven(t)
        case .centered: q = y > 0 ? (t + 0.5).rounded(.down) : (t - 0.5).rounded(.up)
        }
        return (.flonum(q), .flonum(x - q * y))
    }

    static func checkReal(_ value: Value, _ who: String, _ position: Int) throws {
        guard value.isNumber else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "real number", got: value)
        }
    }

    // MARK: gcd and lcm

    /// `(gcd a b)`: non-negative; integer flonums give a flonum.
    package static func gcd(_ a: Value, _ b: Value) throws -> Value {
        try checkInteger(a, "gcd", 1)
        try checkInteger(b, "gcd", 2)
        if case .fixnum(let x) = a, case .fixnum(let y) = b {
            var u = x.magnitude
            var v = y.magnitude
            while v != 0 { (u, v) = (v, u % v) }
            return Int(exactly: u).map(Value.fixnum) ?? .integer(BigInt(u))
        }
        let result = try integerOperand(a).greatestCommonDivisor(with: integerOperand(b))
        return inexactIf(a, b, .integer(result))
    }

    /// `(lcm a b)`: non-negative; zero if either is zero.
    package static func lcm(_ a: Value, _ b: Value) throws -> Value {
        try checkInteger(a, "lcm", 1)
        try checkInteger(b, "lcm", 2)
        let x = try integerOperand(a)
        let y = try integerOperand(b)
        if x.isZero || y.isZero { return inexactIf(a, b, .fixnum(0)) }
        let g = x.greatestCommonDivisor(with: y)
        let result = (x / g * y).magnitude
        return inexactIf(a, b, .integer(BigInt(result)))
    }

    /// An integer-valued operand (already checked) as a BigInt.
    static func integerOperand(_ v: Value) throws -> BigInt {
        switch v {
        case .fixnum(let n): return BigInt(n)
        case .bignum(let b): return b.value
        case .flonum(let d):
            guard let n = FloatConversion.exact(d)?.exactIntegerValue else {
                throw SchemeError.wrongType(procedure: "integer operation", position: 1, expected: "integer", got: v)
            }
            return n
        default:
            throw SchemeError.wrongType(procedure: "integer operation", position: 1, expected: "integer", got: v)
        }
    }

    /// `result`, made inexact when either operand is a flonum.
    static func inexactIf(_ a: Value, _ b: Value, _ result: Value) -> Value {
        switch (a, b) {
        case (.flonum, _), (_, .flonum): return .flonum(result.doubleValue ?? .nan)
        default: return result
        }
    }
}

extension BigInt {
    var isEven: Bool { magnitude.isZero || !magnitude[bitAt: 0] }
}
