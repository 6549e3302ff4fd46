import BigInt

/// Bitwise operations on exact integers, viewed as infinite two's-complement
/// bit strings (so `(logand -12 10)` is 0 and `(ash -5 -1)` is -3). BigInt
/// stores sign and magnitude, and its own `>>` rounds negative numbers toward
/// zero, so the conversions are done here.
extension Arithmetic {
    package enum BitwiseOperation: Sendable {
        case and, or, xor
    }

    /// `logand`, `logior`, `logxor` on two exact integers.
    package static func bitwise(_ operation: BitwiseOperation, _ a: Value, _ b: Value, who: String) throws -> Value {
        if case .fixnum(let x) = a, case .fixnum(let y) = b {
            switch operation {
            case .and: return .fixnum(x & y)
            case .or: return .fixnum(x | y)
            case .xor: return .fixnum(x ^ y)
            }
        }
        let x = try expectExactInteger(a, who, 1)
        let y = try expectExactInteger(b, who, 2)
        // One extra word so the result's sign bit is explicit.
        let count = Swift.max(x.magnitude.words.count, y.magnitude.words.count) + 1
        let left = twosComplement(x, words: count)
        let right = twosComplement(y, words: count)
        var result = [UInt](repeating: 0, count: count)
        for i in 0..<count {
            switch operation {
            case .and: result[i] = left[i] & right[i]
            case .or: result[i] = left[i] | right[i]
            case .xor: result[i] = left[i] ^ right[i]
            }
        }
        return .integer(fromTwosComplement(result))
    }

    /// `(lognot n)`: `-n - 1`.
    package static func lognot(_ a: Value) throws -> Value {
        if case .fixnum(let x) = a { return .fixnum(~x) }
        let x = try expectExactInteger(a, "lognot", 1)
        return .integer(-x - 1)
    }

    /// `(ash n count)`: `floor(n * 2^count)`. Left shifts whose result would
    /// exceed `maximumResultBits` are refused.
    package static func ash(_ a: Value, _ b: Value, who: String = "ash") throws -> Value {
        let n = try expectExactInteger(a, who, 1)
        let countValue = try expectExactInteger(b, who, 2)
        if n.isZero { return .fixnum(0) }
        if countValue.sign == .plus {
            guard let count = Int(exactly: countValue),
                  count <= maximumResultBits - n.magnitude.bitWidth else {
                throw NumericError.tooLarge(who, b)
            }
            if case .fixnum(let x) = a, count < Int.bitWidth - 1 {
                let shifted = x << count
                if shifted >> count == x { return .fixnum(shifted) }
            }
            return .integer(n << count)
        }
        // Right shift, rounding toward negative infinity.
        guard let count = Int(exactly: countValue.magnitude), count < n.magnitude.bitWidth + 1 else {
            return .fixnum(n.sign == .minus ? -1 : 0)
        }
        if case .fixnum(let x) = a { return .fixnum(count >= Int.bitWidth ? (x < 0 ? -1 : 0) : x >> count) }
        if n.sign == .minus { return .integer(-(((-n) - 1) >> count) - 1) }
        return .integer(n >> count)
    }

    /// `(logtest a b)`: whether `a` and `b` share a set bit.
    package static func logtest(_ a: Value, _ b: Value) throws -> Bool {
        let result = try bitwise(.and, a, b, who: "logtest")
        if case .fixnum(0) = result { return false }
        return true
    }

    /// `(logbit? index n)`: bit `index` of `n` in two's complement.
    package static func logbit(_ index: Value, _ a: Value) throws -> Bool {
        let position = try index.expectIndex("logbit?", 1)
        if case .fixnum(let x) = a {
            return position >= Int.bitWidth - 1 ? x < 0 : (x >> position) & 1 == 1
        }
        let n = try expectExactInteger(a, "logbit?", 2)
        if n.sign == .minus {
            // The bits of a negative n are those of ~(|n| - 1).
            let m = n.magnitude - 1
            return position >= m.bitWidth ? true : !m[bitAt: position]
        }
        return position < n.magnitude.bitWidth && n.magnitude[bitAt: position]
    }

    /// `(logcount n)`: set bits of a non-negative n, clear bits of a negative one.
    package static func logcount(_ a: Value) throws -> Value {
        if case .fixnum(let x) = a { return .fixnum((x < 0 ? ~x : x).nonzeroBitCount) }
        let n = try expectExactInteger(a, "logcount", 1)
        let m = n.sign == .minus ? n.magnitude - 1 : n.magnitude
        return .fixnum(m.words.reduce(0) { $0 + $1.nonzeroBitCount })
    }

    /// `(integer-length n)`: bits needed, excluding the sign.
    package static func integerLength(_ a: Value) throws -> Value {
        if case .fixnum(let x) = a { return .fixnum(Int.bitWidth - (x < 0 ? ~x : x).leadingZeroBitCount) }
        let n = try expectExactInteger(a, "integer-length", 1)
        let m = n.sign == .minus ? n.magnitude - 1 : n.magnitude
        return .fixnum(m.bitWidth)
    }

    /// `(bit-extract n start end)`: bits `start` (inclusive) to `end` (exclusive).
    package static func bitExtract(_ a: Value, _ start: Value, _ end: Value) throws -> Value {
        let who = "bit-extract"
        _ = try expectExactInteger(a, who, 1)
        let from = try start.expectIndex(who, 2)
        let to = try end.expectIndex(who, 3)
        guard to >= from else { throw SchemeError.outOfRange(procedure: who, position: 3, got: end) }
        guard to - from <= maximumResultBits else { throw NumericError.tooLarge(who, end) }
        let shifted = try ash(a, .fixnum(-from), who: who)
        let mask = (BigInt(1) << (to - from)) - 1
        return try bitwise(.and, shifted, .integer(mask), who: who)
    }

    /// `x` as `count` two's-complement words, least significant first.
    private static func twosComplement(_ x: BigInt, words count: Int) -> [UInt] {
        let negative = x.sign == .minus
        var result = [UInt](repeating: negative ? .max : 0, count: count)
        let source = negative ? x.magnitude - 1 : x.magnitude
        for (i, word) in source.words.enumerated() where i < count {
            result[i] = negative ? ~word : word
        }
        return result
    }

    private static func fromTwosComplement(_ words: [UInt]) -> BigInt {
        guard let top = words.last, top >> (UInt.bitWidth - 1) == 1 else {
            return BigInt(BigUInt(words: words))
        }
        return -BigInt(BigUInt(words: words.map { ~$0 })) - 1
    }
}
