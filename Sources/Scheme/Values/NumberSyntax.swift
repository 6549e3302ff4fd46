import BigInt

/// Reading and printing numbers in Scheme syntax (`1/3`, `#x-ff`, `1.5e10`, `+inf.0`).
package enum NumberSyntax {
    /// The number `text` denotes, or nil if it is not number syntax.
    package static func parse(_ text: String, radix: Int = 10) -> Value? {
        if let n = Int(text, radix: radix) { return .fixnum(n) }
        if radix == 10, let d = Double(text) { return .flonum(d) }
        return nil
    }

    /// The external representation `number->string` and `write` produce.
    package static func format(_ value: Value, radix: Int = 10) -> String {
        switch value {
        case .fixnum(let n): return String(n, radix: radix)
        case .bignum(let n): return String(n.value, radix: radix)
        case .rational(let r): return String(r.numerator, radix: radix) + "/" + String(r.denominator, radix: radix)
        case .flonum(let d): return String(d)
        default: return value.written()
        }
    }
}
