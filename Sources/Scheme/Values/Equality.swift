/// `eq?`, `eqv?` and `equal?` with Guile's semantics.
extension Value {
    package func isEq(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null), (.unspecified, .unspecified), (.eof, .eof), (.undefined, .undefined): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.fixnum(let a), .fixnum(let b)): return a == b
        case (.char(let a), .char(let b)): return a == b
        case (.symbol(let a), .symbol(let b)), (.keyword(let a), .keyword(let b)): return a === b
        case (.pair(let a), .pair(let b)): return a === b
        case (.string(let a), .string(let b)): return a === b
        case (.vector(let a), .vector(let b)): return a === b
        case (.bytevector(let a), .bytevector(let b)): return a === b
        case (.procedure(let a), .procedure(let b)): return a === b
        case (.record(let a), .record(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        case (.bignum(let a), .bignum(let b)): return a === b
        case (.rational(let a), .rational(let b)): return a === b
        case (.flonum(let a), .flonum(let b)): return a.bitPattern == b.bitPattern
        case (.values(let a), .values(let b)): return a === b
        default: return false
        }
    }

    package func isEqv(_ other: Value) -> Bool {
        switch (self, other) {
        case (.bignum(let a), .bignum(let b)): return a.value == b.value
        case (.rational(let a), .rational(let b)): return a.numerator == b.numerator && a.denominator == b.denominator
        case (.flonum(let a), .flonum(let b)): return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        default: return isEq(other)
        }
    }

    /// Structural equality. Iterates down list spines so long lists do not
    /// exhaust the native stack; recursion happens only into cars.
    package func isEqual(_ other: Value) -> Bool {
        var a = self
        var b = other
        while true {
            switch (a, b) {
            case (.pair(let x), .pair(let y)):
                if x === y { return true }
                guard x.car.isEqual(y.car) else { return false }
                a = x.cdr
                b = y.cdr
            case (.string(let x), .string(let y)): return x === y || x.scalars == y.scalars
            case (.vector(let x), .vector(let y)):
                if x === y { return true }
                guard x.elements.count == y.elements.count else { return false }
                for (p, q) in zip(x.elements, y.elements) where !p.isEqual(q) { return false }
                return true
            case (.bytevector(let x), .bytevector(let y)): return x.bytes == y.bytes
            case (.record(let x), .record(let y)):
                if x === y { return true }
                // Guile compares records by identity unless they are SRFI-9 records of
                // the same type, which `equal?` compares field by field.
                guard x.type === y.type, x.fields.count == y.fields.count else { return false }
                for (p, q) in zip(x.fields, y.fields) where !p.isEqual(q) { return false }
                return true
            default: return a.isEqv(b)
            }
        }
    }
}
