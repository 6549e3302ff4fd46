#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BigInt

/// `sqrt`, `exact-integer-sqrt`, `expt`, `exp`, `log` and the trigonometric
/// functions. Where the mathematical result is not real Guile returns a complex
/// number; Cairn has none and raises `NumericError.complexResult` instead.
extension Arithmetic {
    // MARK: Square roots

    /// `(sqrt v)`: exact for exact perfect squares (`(sqrt 16)` is 4,
    /// `(sqrt 1/4)` is 1/2), otherwise the nearest flonum.
    package static func sqrt(_ v: Value) throws -> Value {
        let who = "sqrt"
        switch v {
        case .fixnum, .bignum:
            guard let n = v.exactIntegerValue else { throw NumericError.notNumber(who, 1, v) }
            guard n.sign == .plus else { throw NumericError.complexResult(who, v) }
            let (root, exact) = integerSquareRoot(n.magnitude)
            if exact { return .integer(BigInt(root)) }
            return .flonum(inexactSquareRoot(n.magnitude))
        case .rational(let r):
            guard r.numerator.sign == .plus else { throw NumericError.complexResult(who, v) }
            let (nr, nExact) = integerSquareRoot(r.numerator.magnitude)
            let (dr, dExact) = integerSquareRoot(r.denominator.magnitude)
            if nExact && dExact { return .rational(Ratio(numerator: BigInt(nr), denominator: BigInt(dr))) }
            let x = FloatConversion.double(r.numerator, over: r.denominator)
            if x.isNormal { return .flonum(x.squareRoot()) }
            // Out of the flonum range: scale by an even power of two first.
            let shift = (r.numerator.magnitude.bitWidth - r.denominator.magnitude.bitWidth) / 2
            let scaled = shift > 0
                ? FloatConversion.double(r.numerator, over: r.denominator << (2 * shift))
                : FloatConversion.double(r.numerator << (-2 * shift), over: r.denominator)
            return .flonum(Double(sign: .plus, exponent: shift, significand: scaled.squareRoot()))
        case .flonum(let d):
            guard !(d < 0) else { throw NumericError.complexResult(who, v) }
            return .flonum(d.squareRoot())
        default:
            throw NumericError.notNumber(who, 1, v)
        }
    }

    /// `(exact-integer-sqrt k)`: `s` and `r` with `k = s² + r`, `s² ≤ k < (s+1)²`.
    package static func exactIntegerSqrt(_ v: Value) throws -> (root: Value, rest: Value) {
        guard let n = v.exactIntegerValue, n.sign == .plus else {
            throw SchemeError.wrongType(
                procedure: "exact-integer-sqrt", position: 1, expected: "exact non-negative integer", got: v)
        }
        let (root, _) = integerSquareRoot(n.magnitude)
        let s = BigInt(root)
        return (.integer(s), .integer(n - s * s))
    }

    /// floor(√n) and whether it is exact.
    static func integerSquareRoot(_ n: BigUInt) -> (BigUInt, Bool) {
        var root = n.squareRoot()
        // Newton's method can stop one off; make sure root² ≤ n < (root+1)².
        while root * root > n { root -= 1 }
        while (root + 1) * (root + 1) <= n { root += 1 }
        return (root, root * root == n)
    }

    /// The flonum nearest √n for a non-square integer, even beyond the flonum range.
    private static func inexactSquareRoot(_ n: BigUInt) -> Double {
        let x = FloatConversion.round(n, exponent: 0)
        if x.isFinite { return x.squareRoot() }
        // n = m·2^(2k) with m holding about 106 bits: √n = √m·2^k.
        let k = (n.bitWidth - 106) / 2
        let m = FloatConversion.round(n >> (2 * k), exponent: 0)
        return Double(sign: .plus, exponent: k, significand: m.squareRoot())
    }

    // MARK: expt

    /// `(expt base exponent)` following Guile: exact integer exponents use
    /// repeated squaring (exact for exact bases; `(expt 2.0 0)` is exact 1),
    /// inexact integer exponents do the same and make the result inexact, and
    /// other exponents use `pow`, which needs a non-negative base.
    package static func expt(_ base: Value, _ exponent: Value) throws -> Value {
        let who = "expt"
        try checkReal(base, who, 1)
        try checkReal(exponent, who, 2)
        if let k = exponent.exactIntegerValue { return try integerPower(base, k) }
        if case .flonum(let e) = exponent, e.isFinite, e.rounded(.towardZero) == e {
            let k = FloatConversion.exact(e)?.exactIntegerValue ?? 0
            return try inexact(integerPower(inexact(base), k))
        }
        let x = try double(base, who, 1)
        let y = try double(exponent, who, 2)
        guard x >= 0 || x.isNaN else { throw NumericError.complexResult(who, base, exponent) }
        return .flonum(libmPow(x, y))
    }

    /// `base^k` for an exact integer `k` (Guile's `integer-expt`).
    static func integerPower(_ base: Value, _ k: BigInt) throws -> Value {
        let baseIsZero = try isZero(base, who: "expt")
        if k.sign == .minus && baseIsZero { return .flonum(.nan) }
        if k.isZero { return .fixnum(1) }
        switch base {
        case .fixnum(1): return base
        case .fixnum(0): return base
        case .fixnum(-1): return k.isEven ? .fixnum(1) : base
        case .fixnum, .bignum, .rational:
            guard let (n, d) = base.exactFraction else { return base }
            guard let e = Int(exactly: k.magnitude) else { throw NumericError.tooLarge("expt", .integer(k)) }
            let bits = Swift.max(n.magnitude.bitWidth, d.magnitude.bitWidth) - 1
            let (estimate, overflow) = bits.multipliedReportingOverflow(by: e)
            if overflow || estimate > maximumResultBits { throw NumericError.tooLarge("expt", .integer(k)) }
            let np = n.power(e)
            let dp = d.power(e)
            // Powers of coprime numbers stay coprime: no gcd needed.
            if k.sign == .minus { return try .rational(dp, np) }
            if dp == 1 { return .integer(np) }
            return .rational(Ratio(numerator: np, denominator: dp))
        case .flonum(var x):
            if k.sign == .minus { x = 1 / x }
            // Square-and-multiply in Guile's order, so rounding matches it.
            var exponent = k.magnitude
            var accumulator: Double? = nil
            while !exponent.isZero {
                if exponent == 1 {
                    accumulator = (accumulator ?? 1) * x
                    break
                }
                if exponent[bitAt: 0] { accumulator = (accumulator ?? 1) * x }
                x *= x
                exponent >>= 1
            }
            return accumulator.map(Value.flonum) ?? .fixnum(1)
        default:
            throw NumericError.notNumber("expt", 1, base)
        }
    }

    // MARK: exp and log

    package static func exp(_ v: Value) throws -> Value {
        .flonum(libmExp(try double(v, "exp", 1)))
    }

    /// `(log v)`: exact integers and fractions beyond the flonum range still
    /// get a finite logarithm; `(log 0)` is Guile's division error.
    package static func log(_ v: Value) throws -> Value {
        let who = "log"
        switch v {
        case .flonum(let d):
            if d.sign == .minus && !d.isNaN { throw NumericError.complexResult(who, v) }
            return .flonum(libmLog(d))
        case .fixnum(0): throw NumericError.divisionByZero(who)
        case .fixnum, .bignum:
            guard let n = v.exactIntegerValue else { throw NumericError.notNumber(who, 1, v) }
            if n.sign == .minus { throw NumericError.complexResult(who, v) }
            return .flonum(logOfInteger(n.magnitude))
        case .rational(let r):
            if r.numerator.sign == .minus { throw NumericError.complexResult(who, v) }
            let n = r.numerator.magnitude
            let d = r.denominator.magnitude
            if Swift.abs(n.bitWidth - d.bitWidth) > 1 { return .flonum(logOfInteger(n) - logOfInteger(d)) }
            // Close to 1: log1p keeps the precision `log` would lose.
            let ratio = FloatConversion.double(r.numerator - r.denominator, over: r.denominator)
            return .flonum(libmLog1p(ratio))
        default:
            throw NumericError.notNumber(who, 1, v)
        }
    }

    /// `(log v base)` (R7RS).
    package static func log(_ v: Value, base: Value) throws -> Value {
        try divide(log(v), log(base))
    }

    /// `(log10 v)` (Guile).
    package static func log10(_ v: Value) throws -> Value {
        switch v {
        case .flonum(let d):
            if d.sign == .minus && !d.isNaN { throw NumericError.complexResult("log10", v) }
            return .flonum(libmLog10(d))
        case .fixnum(let n):
            if n == 0 { throw NumericError.divisionByZero("log10") }
            if n < 0 { throw NumericError.complexResult("log10", v) }
            return .flonum(libmLog10(Double(n)))
        default:
            let natural = try log(v)
            return .flonum(0.43429448190325182765 * (natural.doubleValue ?? .nan))
        }
    }

    /// log(n) for n > 0. Like Guile, integers beyond its 62-bit fixnums are
    /// split as significand × 2^bits (significand in [0.5, 1), rounded to
    /// nearest), so even integers beyond the flonum range have a logarithm.
    static func logOfInteger(_ n: BigUInt) -> Double {
        var bits = n.bitWidth
        if bits <= 61 { return libmLog(Double(UInt64(truncatingIfNeeded: n))) }
        var significand = FloatConversion.round(n, exponent: -bits)
        if significand == 1 {
            significand = 0.5
            bits += 1
        }
        return libmLog(significand) + Double(bits) * 0.69314718055994530942
    }

    // MARK: Trigonometry

    /// sin, cos, tan, asin, acos and one-argument atan. Guile keeps exact
    /// results at the trivial points: `(sin 0)` is 0, `(cos 0)` is 1, `(acos 1)` is 0.
    package enum Trigonometric: String, Sendable {
        case sin, cos, tan, asin, acos, atan
    }

    package static func trigonometric(_ function: Trigonometric, _ v: Value) throws -> Value {
        let who = function.rawValue
        switch (function, v) {
        case (.sin, .fixnum(0)), (.tan, .fixnum(0)), (.asin, .fixnum(0)), (.atan, .fixnum(0)): return v
        case (.cos, .fixnum(0)): return .fixnum(1)
        case (.acos, .fixnum(1)): return .fixnum(0)
        default: break
        }
        guard let x = v.doubleValue else { throw NumericError.notNumber(who, 1, v) }
        switch function {
        case .sin: return .flonum(libmSin(x))
        case .cos: return .flonum(libmCos(x))
        case .tan: return .flonum(libmTan(x))
        case .atan: return .flonum(libmAtan(x))
        case .asin, .acos:
            guard x >= -1 && x <= 1 || x.isNaN else { throw NumericError.complexResult(who, v) }
            return .flonum(function == .asin ? libmAsin(x) : libmAcos(x))
        }
    }

    /// `(atan y x)`: the angle of the point (x, y), always inexact.
    package static func atan(_ y: Value, _ x: Value) throws -> Value {
        try checkReal(y, "atan", 1)
        try checkReal(x, "atan", 2)
        return .flonum(libmAtan2(try double(y, "atan", 1), try double(x, "atan", 2)))
    }
}

// The C library's functions under names that do not clash with the
// `Arithmetic` members of the same name.
@inline(__always) private func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func libmExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func libmLog10(_ x: Double) -> Double { log10(x) }
@inline(__always) private func libmSin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func libmCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func libmTan(_ x: Double) -> Double { tan(x) }
@inline(__always) private func libmAsin(_ x: Double) -> Double { asin(x) }
@inline(__always) private func libmAcos(_ x: Double) -> Double { acos(x) }
@inline(__always) private func libmAtan(_ x: Double) -> Double { atan(x) }
@inline(__always) private func libmAtan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
