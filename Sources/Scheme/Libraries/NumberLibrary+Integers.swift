import BigInt

/// Integer division, gcd/lcm, bitwise operations and `random`.
extension Libraries {
    static func installIntegerOperations(into library: inout LibraryBuilder) {
        library.define("quotient") { try Arithmetic.quotient($0, $1) }
        library.define("remainder") { try Arithmetic.remainder($0, $1) }
        library.define("modulo") { try Arithmetic.modulo($0, $1) }

        let families: [(String, Arithmetic.DivisionRounding)] = [
            ("floor", .floor), ("truncate", .truncate), ("euclidean", .euclidean),
            ("round", .round), ("centered", .centered),
        ]
        for (prefix, rounding) in families {
            library.define(prefix + "/") { a, b in
                let (q, r) = try Arithmetic.integerDivision(a, b, rounding, who: prefix + "/")
                return .values(MultipleValues([q, r]))
            }
            library.define(prefix + "-quotient") { a, b in
                try Arithmetic.integerDivision(a, b, rounding, who: prefix + "-quotient").quotient
            }
            library.define(prefix + "-remainder") { a, b in
                try Arithmetic.integerDivision(a, b, rounding, who: prefix + "-remainder").remainder
            }
        }

        library.define("gcd", arity: 0, nil) { arguments in
            try foldIntegers(arguments, initial: .fixnum(0), who: "gcd", Arithmetic.gcd)
        }
        library.define("lcm", arity: 0, nil) { arguments in
            try foldIntegers(arguments, initial: .fixnum(1), who: "lcm", Arithmetic.lcm)
        }

        let bitwise: [(String, Arithmetic.BitwiseOperation, Int)] = [("logand", .and, -1), ("logior", .or, 0), ("logxor", .xor, 0)]
        for (name, operation, identity) in bitwise {
            library.define(name, arity: 0, nil) { arguments in
                try foldIntegers(arguments, initial: .fixnum(identity), who: name) { a, b in
                    try Arithmetic.bitwise(operation, a, b, who: name)
                }
            }
        }
        library.define("lognot") { try Arithmetic.lognot($0) }
        library.define("logtest") { .boolean(try Arithmetic.logtest($0, $1)) }
        library.define("logbit?") { .boolean(try Arithmetic.logbit($0, $1)) }
        library.define("ash") { try Arithmetic.ash($0, $1) }
        library.define("logcount") { try Arithmetic.logcount($0) }
        library.define("integer-length") { try Arithmetic.integerLength($0) }
        library.define("bit-extract") { try Arithmetic.bitExtract($0, $1, $2) }
        library.define("most-positive-fixnum", .fixnum(.max))
        library.define("most-negative-fixnum", .fixnum(.min))

        // One generator per installed library, with a fixed seed so that runs
        // are reproducible (Guile's default random state is fixed too).
        let generator = RandomSource()
        library.define("random", arity: 1, 2) { arguments in
            try generator.random(below: arguments[0])
        }
        library.define("random:uniform", arity: 0, 1) { _ in
            .flonum(generator.unitInterval())
        }
    }

    /// Like `foldNumbers`, for procedures whose arguments must be integers.
    private static func foldIntegers(
        _ arguments: [Value], initial: Value, who: String, _ step: (Value, Value) throws -> Value
    ) throws -> Value {
        var accumulator = initial
        for (offset, argument) in arguments.enumerated() {
            do {
                accumulator = try step(accumulator, argument)
            } catch let error as SchemeError where error.kind == .wrongType {
                throw SchemeError.wrongType(procedure: who, position: offset + 1, expected: "integer", got: argument)
            }
        }
        return accumulator
    }
}

/// SplitMix64: small, fast and good enough for `random`; not cryptographic.
final class RandomSource: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { state = seed }

    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A flonum uniformly distributed in [0, 1).
    func unitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// `(random bound)`: an exact integer in [0, bound) for a positive exact
    /// integer, a flonum in [0, bound) for a positive flonum.
    func random(below bound: Value) throws -> Value {
        switch bound {
        case .fixnum(let n) where n > 0:
            var generator = self
            return .fixnum(Int.random(in: 0..<n, using: &generator))
        case .bignum(let b) where b.value.sign == .plus:
            // Rejection sampling over the bound's bit width keeps it uniform.
            let bits = b.value.magnitude.bitWidth
            let wordCount = (bits + UInt.bitWidth - 1) / UInt.bitWidth
            while true {
                var words = (0..<wordCount).map { _ in UInt(truncatingIfNeeded: next()) }
                let excess = wordCount * UInt.bitWidth - bits
                if excess > 0, let last = words.indices.last { words[last] >>= UInt(excess) }
                let candidate = BigInt(BigUInt(words: words))
                if candidate < b.value { return .integer(candidate) }
            }
        case .flonum(let d) where d > 0 && d.isFinite:
            return .flonum(unitInterval() * d)
        case .fixnum, .bignum, .flonum:
            throw SchemeError.outOfRange(procedure: "random", position: 1, got: bound)
        default:
            throw SchemeError.wrongType(procedure: "random", position: 1, expected: "positive real", got: bound)
        }
    }
}
