import BigInt

/// Constructors that keep numbers in canonical form, classification helpers
/// and the errors the numeric primitives raise.
///
/// Canonical form (every other file relies on it): an exact integer that fits
/// in `Int` is a `.fixnum`, never a `.bignum`; a `.rational` is in lowest terms
/// with a positive denominator other than 1.
extension Value {
    /// An exact integer, as a fixnum when it fits.
    package static func integer(_ n: BigInt) -> Value {
        if let small = Int(exactly: n) { return .fixnum(small) }
        return .bignum(BigNumber(n))
    }

    /// The exact rational `numerator/denominator` in canonical form. A zero
    /// denominator is the caller's bug; it is reported as Guile's division error
    /// rather than trapping.
    package static func rational(_ numerator: BigInt, _ denominator: BigInt, who: String = "/") throws -> Value {
        guard !denominator.isZero else { throw NumericError.divisionByZero(who) }
        var n = numerator
        var d = denominator
        if d.sign == .minus {
            n.negate()
            d.negate()
        }
        let g = n.greatestCommonDivisor(with: d)
        if g != 1 {
            n /= g
            d /= g
        }
        if d == 1 { return .integer(n) }
        return .rational(Ratio(numerator: n, denominator: d))
    }

    package var isNumber: Bool {
        switch self {
        case .fixnum, .bignum, .rational, .flonum: return true
        default: return false
        }
    }

    /// True for exact integers (fixnums and bignums).
    package var isExactInteger: Bool {
        switch self {
        case .fixnum, .bignum: return true
        default: return false
        }
    }

    /// The value as a BigInt when it is an exact integer.
    package var exactIntegerValue: BigInt? {
        switch self {
        case .fixnum(let n): return BigInt(n)
        case .bignum(let b): return b.value
        default: return nil
        }
    }

    /// Numerator and (positive) denominator of an exact number.
    package var exactFraction: (numerator: BigInt, denominator: BigInt)? {
        switch self {
        case .fixnum(let n): return (BigInt(n), 1)
        case .bignum(let b): return (b.value, 1)
        case .rational(let r): return (r.numerator, r.denominator)
        default: return nil
        }
    }

    /// The nearest flonum to any real number (exact ones are rounded correctly).
    package var doubleValue: Double? {
        switch self {
        case .fixnum(let n): return Double(n)
        case .bignum(let b): return FloatConversion.double(b.value)
        case .rational(let r): return FloatConversion.double(r.numerator, over: r.denominator)
        case .flonum(let d): return d
        default: return nil
        }
    }
}

/// The failures specific to numbers. Guile signals division by an exact zero
/// with the key `numerical-overflow` and the message "Numerical overflow".
package enum NumericError {
    package static func divisionByZero(_ who: String) -> SchemeError {
        SchemeError(.misc, who: who, message: "in procedure \(who): Numerical overflow")
    }

    /// Cairn has no complex numbers; Guile would return one here.
    package static func complexResult(_ who: String, _ arguments: Value...) -> SchemeError {
        let shown = arguments.map { $0.written(limit: 40) }.joined(separator: " ")
        return SchemeError(
            .misc, who: who,
            message: "in procedure \(who): complex numbers are not supported (the result of (\(who) \(shown)) is not real)",
            irritants: arguments)
    }

    /// An exact result so large it would exhaust memory (`(expt 3 (expt 10 9))`).
    package static func tooLarge(_ who: String, _ argument: Value) -> SchemeError {
        SchemeError(
            .outOfRange, who: who,
            message: "in procedure \(who): result would exceed \(Arithmetic.maximumResultBits) bits: \(argument.written(limit: 40))",
            irritants: [argument])
    }

    package static func notNumber(_ who: String, _ position: Int, _ value: Value) -> SchemeError {
        SchemeError.wrongType(procedure: who, position: position, expected: "number", got: value)
    }
}

extension Arithmetic {
    /// Exact results (from `expt`, `ash`, `*`, parsing `#e1e…`) are refused
    /// above this many bits instead of exhausting memory.
    package static let maximumResultBits = 10_000_000

    /// `value` as a number, or a wrong-type error naming `who` and `position`.
    @inline(__always)
    static func checkNumber(_ value: Value, _ who: String, _ position: Int) throws {
        guard value.isNumber else { throw NumericError.notNumber(who, position, value) }
    }

    static func expectExactInteger(_ value: Value, _ who: String, _ position: Int) throws -> BigInt {
        if let n = value.exactIntegerValue { return n }
        throw SchemeError.wrongType(procedure: who, position: position, expected: "exact integer", got: value)
    }

    /// An integer-valued number (exact or inexact), as R7RS division procedures take.
    static func checkInteger(_ value: Value, _ who: String, _ position: Int) throws {
        switch value {
        case .fixnum, .bignum: return
        case .flonum(let d) where d.isFinite && d.rounded(.towardZero) == d: return
        default:
            throw SchemeError.wrongType(procedure: who, position: position, expected: "integer", got: value)
        }
    }
}
