import BigInt

/// Prints flonums the way Guile's `number->string` does: the shortest digit
/// string that reads back to the same flonum, laid out positionally unless that
/// would need more than three leading or padding zeros.
///
/// Layout (value = 0.d₁d₂…dₙ × radix^k):
/// - `k ≤ -3` (below 0.001): scientific, `1.0e-4`;
/// - `k ≤ 0`: `0.00ddd`;
/// - all digits before the point and at least four padding zeros with a
///   decimal exponent of 7 or more: scientific, `1.234e7`, `1.0e21`;
/// - otherwise positional, always with a digit after the point: `100.0`.
package enum FlonumPrinting {
    static let digitCharacters = Array("0123456789abcdefghijklmnopqrstuvwxyz".unicodeScalars)

    package static func format(_ d: Double, radix: Int = 10) -> String {
        if d.isNaN { return "+nan.0" }
        if d.isInfinite { return d < 0 ? "-inf.0" : "+inf.0" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let (digits, k) = radix == 10 ? decimalDigits(d.magnitude) : shortestDigits(d.magnitude, radix: radix)
        return (d < 0 ? "-" : "") + layout(digits, k, radix: radix)
    }

    /// Places the point (or an exponent) as described above.
    static func layout(_ digits: [Int], _ k: Int, radix: Int) -> String {
        var text = String.UnicodeScalarView()
        func append(_ digit: Int) { text.append(digitCharacters[digit]) }
        let n = digits.count
        let exponent = k - 1
        let scientific = k <= -3 || (k > n && exponent >= 7 && k - n >= 4)
        if scientific {
            append(digits[0])
            text.append(".")
            if n == 1 { append(0) } else { digits.dropFirst().forEach(append) }
            text.append("e")
            return String(text) + String(exponent, radix: radix)
        }
        if k <= 0 {
            text.append(contentsOf: "0.".unicodeScalars)
            for _ in 0 ..< -k { append(0) }
            digits.forEach(append)
        } else if n > k {
            digits[..<k].forEach(append)
            text.append(".")
            digits[k...].forEach(append)
        } else {
            digits.forEach(append)
            for _ in 0 ..< (k - n) { append(0) }
            text.append(contentsOf: ".0".unicodeScalars)
        }
        return String(text)
    }

    /// Shortest round-tripping decimal digits of a positive finite `d`, taken
    /// from Swift's own (shortest, correctly rounded) description.
    static func decimalDigits(_ d: Double) -> (digits: [Int], k: Int) {
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Int] = []
        var integerDigits = 0
        var seenPoint = false
        for character in mantissa {
            if character == "." {
                seenPoint = true
            } else if let value = character.wholeNumberValue {
                digits.append(value)
                if !seenPoint { integerDigits += 1 }
            }
        }
        var k = integerDigits + exponent
        let leadingZeros = digits.prefix { $0 == 0 }.count
        digits.removeFirst(leadingZeros)
        k -= leadingZeros
        while digits.last == 0 { digits.removeLast() }
        if digits.isEmpty { return ([0], 1) }
        return (digits, k)
    }

    /// Shortest digits of a positive finite `d` in any radix, by the
    /// free-format algorithm of Steele & White as refined by Burger & Dybvig:
    /// generate digits of the exact value until the remainder is within the
    /// rounding interval of `d`, then round the last digit to nearest.
    static func shortestDigits(_ d: Double, radix: Int) -> (digits: [Int], k: Int) {
        let (mantissa, e) = FloatConversion.decompose(d)
        let f = BigUInt(mantissa)
        let evenMantissa = mantissa & 1 == 0
        // A power of two has a closer neighbour below than above.
        let asymmetric = mantissa == 1 << 52 && e > -1074
        // Value = r/s; the rounding interval is (r - mMinus, r + mPlus)/s.
        var r: BigUInt, s: BigUInt, mPlus: BigUInt, mMinus: BigUInt
        if e >= 0 {
            let unit = BigUInt(1) << e
            if asymmetric {
                (r, s, mPlus, mMinus) = (f << (e + 2), 4, unit << 1, unit)
            } else {
                (r, s, mPlus, mMinus) = (f << (e + 1), 2, unit, unit)
            }
        } else if asymmetric {
            (r, s, mPlus, mMinus) = (f << 2, BigUInt(1) << (2 - e), 2, 1)
        } else {
            (r, s, mPlus, mMinus) = (f << 1, BigUInt(1) << (1 - e), 1, 1)
        }
        let base = BigUInt(radix)
        // The interval ends count as inside when the mantissa is even
        // (round-half-even reading maps them to d).
        func reachesUp(_ high: BigUInt, _ scale: BigUInt) -> Bool {
            evenMantissa ? high >= scale : high > scale
        }
        // Find k with radix^(k-1) ≤ high end < radix^k.
        var k = 0
        while reachesUp(r + mPlus, s) {
            s *= base
            k += 1
        }
        while !reachesUp((r + mPlus) * base, s) {
            r *= base
            mPlus *= base
            mMinus *= base
            k -= 1
        }
        var digits: [Int] = []
        while true {
            r *= base
            mPlus *= base
            mMinus *= base
            let (q, rest) = r.quotientAndRemainder(dividingBy: s)
            r = rest
            var digit = Int(q)
            let low = evenMantissa ? r <= mMinus : r < mMinus
            let high = reachesUp(r + mPlus, s)
            if !low && !high {
                digits.append(digit)
                continue
            }
            if high && (!low || (r << 1 > s || (r << 1 == s && digit & 1 == 1))) { digit += 1 }
            digits.append(digit)
            break
        }
        return (digits, k)
    }
}
