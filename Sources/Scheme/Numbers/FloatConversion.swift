import BigInt

/// Conversions between exact numbers and flonums. BigInt's own
/// `Double(BigInt)` truncates some inputs instead of rounding to nearest, so
/// every exact-to-inexact conversion goes through `round(...)` here, which
/// rounds half to even like IEEE arithmetic and Guile.
package enum FloatConversion {
    /// The flonum nearest `mantissa * 2^exponent`; `sticky` says that the true
    /// value is slightly above that (non-zero bits were already discarded), which
    /// breaks ties upward.
    static func round(_ mantissa: BigUInt, exponent: Int, sticky: Bool = false, negative: Bool = false) -> Double {
        let bits = mantissa.bitWidth
        guard bits > 0 else { return negative ? -0.0 : 0.0 }
        // Binary exponent of the leading bit, and of the last bit a double keeps
        // (52 bits below the leading one, but never below the subnormal limit).
        let leading = bits - 1 + exponent
        let ulp = Swift.max(leading - 52, -1074)
        let drop = ulp - exponent
        var kept: UInt64
        if drop <= 0 {
            // At most 53 significant bits: exact.
            kept = UInt64(truncatingIfNeeded: mantissa)
            return scaled(kept, exponent, negative)
        }
        if drop > bits {
            // Below half the smallest step: rounds to zero.
            return negative ? -0.0 : 0.0
        }
        kept = UInt64(truncatingIfNeeded: mantissa >> drop)
        // Compare the dropped bits with half a step.
        let halfBit = drop - 1
        let aboveHalfBit = mantissa.trailingZeroBitCount < halfBit || sticky
        if mantissa[bitAt: halfBit] {
            if aboveHalfBit || kept & 1 == 1 { kept += 1 }
        }
        return scaled(kept, ulp, negative)
    }

    /// `value * 2^exponent` for `value` of at most 54 bits: exact unless the
    /// result overflows to infinity.
    private static func scaled(_ value: UInt64, _ exponent: Int, _ negative: Bool) -> Double {
        let magnitude = Double(sign: .plus, exponent: exponent, significand: Double(value))
        return negative ? -magnitude : magnitude
    }

    /// The flonum nearest the integer `n`.
    static func double(_ n: BigInt) -> Double {
        round(n.magnitude, exponent: 0, negative: n.sign == .minus)
    }

    /// The flonum nearest `numerator / denominator` (denominator non-zero).
    static func double(_ numerator: BigInt, over denominator: BigInt) -> Double {
        guard !denominator.isZero else { return .nan }
        let negative = (numerator.sign == .minus) != (denominator.sign == .minus)
        let n = numerator.magnitude
        let d = denominator.magnitude
        guard !n.isZero else { return negative ? -0.0 : 0.0 }
        // Scale so the integer quotient has at least 55 significant bits; the
        // remainder then only matters as a sticky bit.
        let shift = 55 + d.bitWidth - n.bitWidth
        let (q, r) = shift >= 0
            ? (n << shift).quotientAndRemainder(dividingBy: d)
            : n.quotientAndRemainder(dividingBy: d << -shift)
        return round(q, exponent: -shift, sticky: !r.isZero, negative: negative)
    }

    /// The exact value of a finite flonum, in canonical form; nil for inf and NaN.
    static func exact(_ d: Double) -> Value? {
        guard d.isFinite else { return nil }
        if let small = Int(exactly: d) { return .fixnum(small) }
        let (mantissa, exponent) = decompose(d)
        let signed = d.sign == .minus ? -BigInt(mantissa) : BigInt(mantissa)
        if exponent >= 0 { return .integer(signed << exponent) }
        // The denominator is a power of two: reduce by the mantissa's trailing zeros.
        let common = Swift.min(Int(mantissa.trailingZeroBitCount), -exponent)
        let numerator = signed >> common
        let denominatorBits = -exponent - common
        if denominatorBits == 0 { return .integer(numerator) }
        return .rational(Ratio(numerator: numerator, denominator: BigInt(1) << denominatorBits))
    }

    /// `abs(d) == mantissa * 2^exponent` for finite `d`.
    static func decompose(_ d: Double) -> (mantissa: UInt64, exponent: Int) {
        let biased = Int(d.exponentBitPattern)
        let fraction = d.significandBitPattern
        if biased == 0 { return (fraction, -1074) }
        return (fraction | (1 << 52), biased - 1075)
    }
}
