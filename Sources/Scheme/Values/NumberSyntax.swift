import BigInt

/// Reading and printing numbers in Scheme syntax (`1/3`, `#x-ff`, `1.5e10`, `+inf.0`).
/// Both follow Guile 3 byte for byte for real numbers; see `NumberParser` and
/// `FlonumPrinting` for the details.
package enum NumberSyntax {
    /// The number `text` denotes (a whole token, prefixes included), or nil if
    /// it is not number syntax. `radix` is the default, overridden by `#x` etc.
    package static func parse(_ text: String, radix: Int = 10) -> Value? {
        NumberParser.parse(text, radix: radix)
    }

    /// The external representation `number->string` and `write` produce.
    /// `radix` must be in 2...36 (the library checks); flonums in radixes other
    /// than 10 use Guile's layout with digits and exponent in that radix.
    package static func format(_ value: Value, radix: Int = 10) -> String {
        let radix = (2...36).contains(radix) ? radix : 10
        switch value {
        case .fixnum(let n): return String(n, radix: radix)
        case .bignum(let n): return String(n.value, radix: radix)
        case .rational(let r): return String(r.numerator, radix: radix) + "/" + String(r.denominator, radix: radix)
        case .flonum(let d): return FlonumPrinting.format(d, radix: radix)
        default: return value.written()
        }
    }
}
