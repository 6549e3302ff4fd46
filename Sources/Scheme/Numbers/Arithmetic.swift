import BigInt

/// Generic arithmetic on Scheme numbers (fixnum, bignum, rational, flonum).
///
/// Each operation starts with a fixnum fast path small enough to inline into
/// the compiler's call sites (`(fib 30)` spends its time there); everything
/// else goes to an out-of-line slow path. Results are always canonical (see
/// `Value.integer`/`Value.rational`). Inexactness is contagious as in Guile:
/// any flonum operand makes the result a flonum.
package enum Arithmetic {
    // MARK: Addition, subtraction, multiplication

    @inline(__always)
    package static func add(_ a: Value, _ b: Value) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b {
            let (sum, overflow) = x.addingReportingOverflow(y)
            if !overflow { return .fixnum(sum) }
        }
        return try addSlow(a, b, who: "+")
    }

    @inline(__always)
    package static func subtract(_ a: Value, _ b: Value) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b {
            let (difference, overflow) = x.subtractingReportingOverflow(y)
            if !overflow { return .fixnum(difference) }
        }
        return try subtractSlow(a, b, who: "-")
    }

    @inline(__always)
    package static func multiply(_ a: Value, _ b: Value) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b {
            let (product, overflow) = x.multipliedReportingOverflow(by: y)
            if !overflow { return .fixnum(product) }
        }
        return try multiplySlow(a, b, who: "*")
    }

    /// `(- a)`. `(- Int.min)` becomes a bignum.
    @inline(__always)
    package static func negate(_ a: Value) throws -> Value {
        if case .fixnum(let x) = a, x != .min { return .fixnum(-x) }
        return try negateSlow(a, who: "-")
    }

    @inline(never)
    static func addSlow(_ a: Value, _ b: Value, who: String) throws -> Value {
        switch (a, b) {
        case (.flonum(let x), .flonum(let y)): return .flonum(x + y)
        case (.flonum(let x), _): return .flonum(x + (try double(b, who, 2)))
        case (_, .flonum(let y)): return .flonum((try double(a, who, 1)) + y)
        default:
            let (p, q) = try fraction(a, who, 1)
            let (r, s) = try fraction(b, who, 2)
            if q == 1 && s == 1 { return .integer(p + r) }
            return try .rational(p * s + r * q, q * s)
        }
    }

    @inline(never)
    static func subtractSlow(_ a: Value, _ b: Value, who: String) throws -> Value {
        switch (a, b) {
        case (.flonum(let x), .flonum(let y)): return .flonum(x - y)
        case (.flonum(let x), _): return .flonum(x - (try double(b, who, 2)))
        case (_, .flonum(let y)): return .flonum((try double(a, who, 1)) - y)
        default:
            let (p, q) = try fraction(a, who, 1)
            let (r, s) = try fraction(b, who, 2)
            if q == 1 && s == 1 { return .integer(p - r) }
            return try .rational(p * s - r * q, q * s)
        }
    }

    @inline(never)
    static func multiplySlow(_ a: Value, _ b: Value, who: String) throws -> Value {
        switch (a, b) {
        case (.flonum(let x), .flonum(let y)): return .flonum(x * y)
        case (.flonum(let x), _): return .flonum(x * (try double(b, who, 2)))
        case (_, .flonum(let y)): return .flonum((try double(a, who, 1)) * y)
        default:
            let (p, q) = try fraction(a, who, 1)
            let (r, s) = try fraction(b, who, 2)
            if q == 1 && s == 1 { return .integer(p * r) }
            return try .rational(p * r, q * s)
        }
    }

    @inline(never)
    static func negateSlow(_ a: Value, who: String) throws -> Value {
        switch a {
        case .fixnum(let x): return .integer(-BigInt(x))
        case .bignum(let b): return .integer(-b.value)
        case .rational(let r): return .rational(Ratio(numerator: -r.numerator, denominator: r.denominator))
        case .flonum(let d): return .flonum(-d)
        default: throw NumericError.notNumber(who, 1, a)
        }
    }

    // MARK: Division

    /// `(/ a b)`. Division by an exact zero is an error even for a flonum
    /// dividend, as in Guile; division by an inexact zero gives inf or NaN.
    package static func divide(_ a: Value, _ b: Value) throws -> Value {
        let who = "/"
        switch (a, b) {
        case (.fixnum(let x), .fixnum(let y)):
            guard y != 0 else {
                throw NumericError.divisionByZero(who)
            }
            let (quotient, overflow) = x.dividedReportingOverflow(by: y)
            if !overflow && quotient &* y == x { return .fixnum(quotient) }
            return try .rational(BigInt(x), BigInt(y))
        case (.flonum(let x), .flonum(let y)): return .flonum(x / y)
        case (.flonum(let x), _):
            guard !isExactZero(b) else {
                try checkNumber(b, who, 2)
                throw NumericError.divisionByZero(who)
            }
            return .flonum(x / (try double(b, who, 2)))
        case (_, .flonum(let y)): return .flonum((try double(a, who, 1)) / y)
        default:
            let (p, q) = try fraction(a, who, 1)
            let (r, s) = try fraction(b, who, 2)
            guard !r.isZero else { throw NumericError.divisionByZero(who) }
            return try .rational(p * s, q * r)
        }
    }

    /// `(/ a)`.
    package static func reciprocal(_ a: Value) throws -> Value {
        try divide(.fixnum(1), a)
    }

    // MARK: Comparison

    /// `(= a b)`.
    @inline(__always)
    package static func numericEquals(_ a: Value, _ b: Value) throws -> Bool {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return x == y }
        return try compareSlow(a, b, who: "=") == 0
    }

    /// `(< a b)`.
    @inline(__always)
    package static func lessThan(_ a: Value, _ b: Value) throws -> Bool {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return x < y }
        return try compareSlow(a, b, who: "<") == -1
    }

    /// `(> a b)`.
    @inline(__always)
    package static func greaterThan(_ a: Value, _ b: Value) throws -> Bool {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return x > y }
        return try compareSlow(a, b, who: ">") == 1
    }

    /// `(<= a b)`.
    @inline(__always)
    package static func lessOrEqual(_ a: Value, _ b: Value) throws -> Bool {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return x <= y }
        let order = try compareSlow(a, b, who: "<=")
        return order == -1 || order == 0
    }

    /// `(>= a b)`.
    @inline(__always)
    package static func greaterOrEqual(_ a: Value, _ b: Value) throws -> Bool {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return x >= y }
        let order = try compareSlow(a, b, who: ">=")
        return order == 1 || order == 0
    }

    /// -1, 0 or 1 as `a` is less than, equal to or greater than `b`; nil when
    /// either is a NaN (unordered: every comparison with NaN is false).
    /// Exact and inexact numbers compare by exact value, as in Guile, so
    /// `(= 9007199254740993 9007199254740992.0)` is false.
    package static func compare(_ a: Value, _ b: Value) throws -> Int? {
        if case .fixnum(let x) = a, case .fixnum(let y) = b { return x < y ? -1 : (x == y ? 0 : 1) }
        return try compareSlow(a, b, who: "compare")
    }

    @inline(never)
    static func compareSlow(_ a: Value, _ b: Value, who: String) throws -> Int? {
        switch (a, b) {
        case (.flonum(let x), .flonum(let y)): return order(x, y)
        case (.flonum(let x), _):
            try checkNumber(b, who, 2)
            return try compareExact(b, with: x, who: who).map { -$0 }
        case (_, .flonum(let y)):
            try checkNumber(a, who, 1)
            return try compareExact(a, with: y, who: who)
        case (.fixnum(let x), .fixnum(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            let (p, q) = try fraction(a, who, 1)
            let (r, s) = try fraction(b, who, 2)
            let left = q == 1 ? p : p * s
            let right = s == 1 ? r : r * q
            return left < right ? -1 : (left == right ? 0 : 1)
        }
    }

    private static func order(_ x: Double, _ y: Double) -> Int? {
        if x < y { return -1 }
        if x > y { return 1 }
        if x == y { return 0 }
        return nil
    }

    /// Compares exact `e` with flonum `d` without losing precision.
    private static func compareExact(_ e: Value, with d: Double, who: String) throws -> Int? {
        if d.isNaN { return nil }
        if d.isInfinite { return d < 0 ? 1 : -1 }
        // Integers below 2^53 convert to doubles exactly.
        if case .fixnum(let x) = e, x.magnitude < (1 << 53) { return order(Double(x), d) }
        guard let exact = FloatConversion.exact(d) else { return nil }
        return try compareSlow(e, exact, who: who)
    }

    // MARK: Operand access for slow paths

    @inline(__always)
    static func isExactZero(_ v: Value) -> Bool {
        if case .fixnum(0) = v { return true }
        return false
    }

    /// The operand as a flonum, or a wrong-type error.
    static func double(_ v: Value, _ who: String, _ position: Int) throws -> Double {
        if let d = v.doubleValue { return d }
        throw NumericError.notNumber(who, position, v)
    }

    /// The exact operand as numerator and denominator, or a wrong-type error.
    static func fraction(_ v: Value, _ who: String, _ position: Int) throws -> (BigInt, BigInt) {
        if let parts = v.exactFraction { return parts }
        throw NumericError.notNumber(who, position, v)
    }
}
