import BigInt

/// `~f` and `~$` of `(ice-9 format)`. Guile rounds the shortest decimal
/// representation of the number half-up (so 2.675 gives "2.68", not the
/// "2.67" that binary rounding would give); this does the same on digits.
enum FixedFormat {
    static func double(_ value: Value) -> Double? {
        switch value {
        case .fixnum(let n): return Double(n)
        case .bignum(let n): return Double(n.value)
        case .rational(let r): return Double(r.numerator) / Double(r.denominator)
        case .flonum(let d): return d
        default: return nil
        }
    }

    /// A decimal number as digits and the position of the point within them:
    /// value = 0.d1d2d3… × 10^point.
    struct Decimal {
        var digits: [UInt8]
        var point: Int

        init(_ magnitude: Double) {
            let text = "\(magnitude)"
            let parts = text.split(separator: "e", maxSplits: 1)
            let mantissa = parts.first.map(String.init) ?? "0"
            let exponent = parts.count > 1 ? Int(parts[1].filter { $0 != "+" }) ?? 0 : 0
            let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
            let whole = pieces.first.map(String.init) ?? ""
            let fraction = pieces.count > 1 ? String(pieces[1]) : ""
            digits = (whole + fraction).compactMap { $0.wholeNumberValue.map(UInt8.init) }
            point = whole.count + exponent
            while digits.first == 0 {
                digits.removeFirst()
                point -= 1
            }
            while digits.last == 0 { digits.removeLast() }
            if digits.isEmpty { point = 0 }
        }

        /// Rounds half-up to `fractionDigits` digits after the point.
        mutating func round(fractionDigits: Int) {
            let keep = point + fractionDigits
            guard keep < digits.count else { return }
            guard keep >= 0 else {
                digits = []
                point = 0
                return
            }
            let roundUp = digits[keep] >= 5
            digits.removeSubrange(keep...)
            guard roundUp else { return }
            var i = digits.count - 1
            while i >= 0 {
                if digits[i] < 9 {
                    digits[i] += 1
                    return
                }
                digits[i] = 0
                i -= 1
            }
            digits.insert(1, at: 0)
            point += 1
        }

        var integerDigits: String {
            guard point > 0 else { return "" }
            var text = digits.prefix(point).map(String.init).joined()
            if point > digits.count { text += String(repeating: "0", count: point - digits.count) }
            return text
        }

        /// The digits after the point, padded with zeros to `minimum`.
        func fractionDigits(minimum: Int) -> String {
            var text = ""
            if point < 0 { text = String(repeating: "0", count: min(-point, 1 << 16)) }
            text += digits.dropFirst(max(point, 0)).map(String.init).joined()
            if text.count < minimum { text += String(repeating: "0", count: minimum - text.count) }
            return text
        }
    }

    static func fixed(
        _ number: Double, width: Int?, digits: Int?, scale: Int, overflowChar: Unicode.Scalar?,
        padChar: Unicode.Scalar, sign: Bool
    ) -> String {
        let width = width.map { max(0, min($0, 1 << 16)) }
        guard number.isFinite else {
            let text = number.isNaN ? "+nan.0" : number < 0 ? "-inf.0" : "+inf.0"
            return padLeft(text, width, padChar)
        }
        let signText = number.sign == .minus ? "-" : sign ? "+" : ""
        var decimal = Decimal(number.magnitude)
        if !decimal.digits.isEmpty { decimal.point += max(-400, min(scale, 400)) }
        var fraction = digits.map { max(0, min($0, 1 << 16)) }
        if fraction == nil, let width {
            // With a width but no digit count, Guile fills the width with fraction digits.
            let integerLength = max(1, decimal.integerDigits.count)
            fraction = max(0, width - integerLength - 1 - signText.count)
        }
        if let fraction { decimal.round(fractionDigits: fraction) }
        var integer = decimal.integerDigits
        if integer.isEmpty { integer = "0" }
        let fractionText = fraction.map { decimal.fractionDigits(minimum: $0).prefix($0) } ?? Substring(decimal.fractionDigits(minimum: 1))
        var text = signText + integer + "." + fractionText
        if let width, text.count > width {
            // Guile drops the leading zero of "0.xx" before declaring overflow.
            if integer == "0", text.count - 1 <= width {
                text = signText + "." + fractionText
            } else if let overflowChar {
                return String(repeating: String(Character(overflowChar)), count: width)
            }
        }
        return padLeft(text, width, padChar)
    }

    /// `~d,n,w,padchar$`: at least `n` integer digits and exactly `d` fraction digits.
    static func monetary(_ number: Double, digits: Int, integerDigits: Int, width: Int, padChar: Unicode.Scalar, sign: Bool) -> String {
        guard number.isFinite else { return padLeft(number.isNaN ? "+nan.0" : number < 0 ? "-inf.0" : "+inf.0", width, padChar) }
        let fraction = max(0, min(digits, 1 << 16))
        var decimal = Decimal(number.magnitude)
        decimal.round(fractionDigits: fraction)
        var integer = decimal.integerDigits
        let minimum = max(0, min(integerDigits, 1 << 16))
        if integer.count < minimum { integer = String(repeating: "0", count: minimum - integer.count) + integer }
        let signText = number.sign == .minus ? "-" : sign ? "+" : ""
        let text = signText + integer + "." + decimal.fractionDigits(minimum: fraction).prefix(fraction)
        return padLeft(text, max(0, min(width, 1 << 16)), padChar)
    }

    private static func padLeft(_ text: String, _ width: Int?, _ padChar: Unicode.Scalar) -> String {
        guard let width, text.count < width else { return text }
        return String(repeating: String(Character(padChar)), count: width - text.count) + text
    }
}
