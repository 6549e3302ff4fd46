import BigInt

/// Guile's and R7RS's number procedures: arithmetic, comparison, predicates,
/// rounding, transcendental functions and conversions. Integer division,
/// bitwise operations and `random` are in NumberLibrary+Integers.swift.
extension Libraries {
    package static func installNumbers(into library: inout LibraryBuilder) {
        installArithmetic(into: &library)
        installComparisons(into: &library)
        installNumberPredicates(into: &library)
        installRoundingAndConversion(into: &library)
        installTranscendental(into: &library)
        installIntegerOperations(into: &library)
    }

    /// Folds a binary operation over `arguments`. A wrong-type error names
    /// the position of the offending argument in the whole call, not in the
    /// binary step that noticed it.
    static func foldNumbers(
        _ arguments: [Value], initial: Value, who: String, _ step: (Value, Value) throws -> Value
    ) throws -> Value {
        var accumulator = initial
        do {
            for argument in arguments { accumulator = try step(accumulator, argument) }
        } catch let error as SchemeError where error.kind == .wrongType {
            if let bad = arguments.firstIndex(where: { !$0.isNumber }) {
                throw NumericError.notNumber(who, bad + 1, arguments[bad])
            }
            throw error
        }
        return accumulator
    }

    private static func installArithmetic(into library: inout LibraryBuilder) {
        library.define("+", arity: 0, nil) { arguments in
            if arguments.count == 2 { return try Arithmetic.add(arguments[0], arguments[1]) }
            if arguments.count == 1 {
                guard arguments[0].isNumber else { throw NumericError.notNumber("+", 1, arguments[0]) }
                return arguments[0]
            }
            return try foldNumbers(arguments, initial: .fixnum(0), who: "+", Arithmetic.add)
        } binary: { try Arithmetic.add($0, $1) }
        library.define("*", arity: 0, nil) { arguments in
            if arguments.count == 2 { return try Arithmetic.multiply(arguments[0], arguments[1]) }
            if arguments.count == 1 {
                guard arguments[0].isNumber else { throw NumericError.notNumber("*", 1, arguments[0]) }
                return arguments[0]
            }
            return try foldNumbers(arguments, initial: .fixnum(1), who: "*", Arithmetic.multiply)
        } binary: { try Arithmetic.multiply($0, $1) }
        library.define("-", arity: 1, nil) { arguments in
            if arguments.count == 2 { return try Arithmetic.subtract(arguments[0], arguments[1]) }
            if arguments.count == 1 { return try Arithmetic.negate(arguments[0]) }
            return try foldNumbers(Array(arguments.dropFirst()), initial: arguments[0], who: "-", Arithmetic.subtract)
        } binary: { try Arithmetic.subtract($0, $1) }
        library.define("/", arity: 1, nil) { arguments in
            if arguments.count == 1 { return try Arithmetic.reciprocal(arguments[0]) }
            return try foldNumbers(Array(arguments.dropFirst()), initial: arguments[0], who: "/", Arithmetic.divide)
        }
        library.define("1+") { try Arithmetic.add($0, .fixnum(1)) }
        library.define("1-") { try Arithmetic.subtract($0, .fixnum(1)) }
        library.define("square") { try Arithmetic.multiply($0, $0) }
        library.define("abs") { try Arithmetic.abs($0) }
        library.alias("magnitude", to: "abs")
        library.define("max", arity: 1, nil) { arguments in
            try extremum(arguments, maximum: true, who: "max")
        }
        library.define("min", arity: 1, nil) { arguments in
            try extremum(arguments, maximum: false, who: "min")
        }
    }

    private static func extremum(_ arguments: [Value], maximum: Bool, who: String) throws -> Value {
        guard arguments[0].isNumber else { throw NumericError.notNumber(who, 1, arguments[0]) }
        var result = arguments[0]
        for (offset, argument) in arguments.enumerated().dropFirst() {
            guard argument.isNumber else { throw NumericError.notNumber(who, offset + 1, argument) }
            result = try Arithmetic.extremum(result, argument, maximum: maximum, who: who)
        }
        return result
    }

    private static func installComparisons(into library: inout LibraryBuilder) {
        // Guile accepts any number of arguments (`(<)` is #t) and stops at the
        // first false comparison without looking at the rest.
        func chain(_ name: String, _ test: @escaping (Value, Value) throws -> Bool) -> ([Value]) throws -> Value {
            { arguments in
                if arguments.count == 2 { return .boolean(try test(arguments[0], arguments[1])) }
                for i in arguments.indices.dropLast() {
                    do {
                        if try !test(arguments[i], arguments[i + 1]) { return .false }
                    } catch let error as SchemeError where error.kind == .wrongType {
                        let bad = arguments[i].isNumber ? i + 1 : i
                        throw NumericError.notNumber(name, bad + 1, arguments[bad])
                    }
                }
                return .true
            }
        }
        library.define("=", arity: 0, nil, chain("=", Arithmetic.numericEquals)) { .boolean(try Arithmetic.numericEquals($0, $1)) }
        library.define("<", arity: 0, nil, chain("<", Arithmetic.lessThan)) { .boolean(try Arithmetic.lessThan($0, $1)) }
        library.define(">", arity: 0, nil, chain(">", Arithmetic.greaterThan)) { .boolean(try Arithmetic.greaterThan($0, $1)) }
        library.define("<=", arity: 0, nil, chain("<=", Arithmetic.lessOrEqual)) { .boolean(try Arithmetic.lessOrEqual($0, $1)) }
        library.define(">=", arity: 0, nil, chain(">=", Arithmetic.greaterOrEqual)) { .boolean(try Arithmetic.greaterOrEqual($0, $1)) }
    }

    private static func installNumberPredicates(into library: inout LibraryBuilder) {
        library.define("number?") { .boolean($0.isNumber) }
        library.define("complex?") { .boolean($0.isNumber) }
        library.define("real?") { .boolean($0.isNumber) }
        library.define("rational?") { .boolean(Arithmetic.isRational($0)) }
        library.define("integer?") { .boolean(Arithmetic.isInteger($0)) }
        library.define("exact-integer?") { .boolean($0.isExactInteger) }
        library.define("exact?") { .boolean(try Arithmetic.isExact($0)) }
        library.define("inexact?") { .boolean(!(try Arithmetic.isExact($0, who: "inexact?"))) }
        library.define("zero?") { .boolean(try Arithmetic.isZero($0)) }
        library.define("positive?") { .boolean(try Arithmetic.isPositive($0)) }
        library.define("negative?") { .boolean(try Arithmetic.isNegative($0)) }
        library.define("odd?") { .boolean(try Arithmetic.isOdd($0)) }
        library.define("even?") { .boolean(!(try Arithmetic.isOdd($0, who: "even?"))) }
        library.define("nan?") { .boolean(try Arithmetic.floatClass($0, who: "nan?").isNaN) }
        library.define("inf?") { .boolean(try Arithmetic.floatClass($0, who: "inf?").isInfinite) }
        library.define("infinite?") { .boolean(try Arithmetic.floatClass($0, who: "infinite?").isInfinite) }
        library.define("finite?") { .boolean(try Arithmetic.floatClass($0, who: "finite?").isFinite) }
    }

    private static func installRoundingAndConversion(into library: inout LibraryBuilder) {
        library.define("floor") { try Arithmetic.round($0, .floor, who: "floor") }
        library.define("ceiling") { try Arithmetic.round($0, .ceiling, who: "ceiling") }
        library.define("truncate") { try Arithmetic.round($0, .truncate, who: "truncate") }
        library.define("round") { try Arithmetic.round($0, .round, who: "round") }
        library.define("numerator") { try Arithmetic.numerator($0, denominator: false) }
        library.define("denominator") { try Arithmetic.numerator($0, denominator: true) }
        library.define("exact") { try Arithmetic.exact($0, who: "exact") }
        library.define("inexact") { try Arithmetic.inexact($0, who: "inexact") }
        library.define("inexact->exact") { try Arithmetic.exact($0) }
        library.define("exact->inexact") { try Arithmetic.inexact($0) }
        library.define("rationalize") { try Arithmetic.rationalize($0, $1) }
        library.define("number->string", arity: 1, 2) { arguments in
            guard arguments[0].isNumber else { throw NumericError.notNumber("number->string", 1, arguments[0]) }
            let radix = try radixArgument(arguments, "number->string")
            return .string(NumberSyntax.format(arguments[0], radix: radix))
        }
        library.define("string->number", arity: 1, 2) { arguments in
            let text = try arguments[0].expectString("string->number", 1)
            let radix = try radixArgument(arguments, "string->number")
            return NumberSyntax.parse(text.string, radix: radix) ?? .false
        }
    }

    /// The optional second argument of `number->string`/`string->number`.
    private static func radixArgument(_ arguments: [Value], _ who: String) throws -> Int {
        guard arguments.count > 1 else { return 10 }
        let radix = try arguments[1].expectFixnum(who, 2)
        guard (2...36).contains(radix) else { throw SchemeError.outOfRange(procedure: who, position: 2, got: arguments[1]) }
        return radix
    }

    private static func installTranscendental(into library: inout LibraryBuilder) {
        library.define("sqrt") { try Arithmetic.sqrt($0) }
        library.define("exact-integer-sqrt") { value in
            let (root, rest) = try Arithmetic.exactIntegerSqrt(value)
            return .values(MultipleValues([root, rest]))
        }
        library.define("expt") { try Arithmetic.expt($0, $1) }
        library.define("integer-expt") { base, exponent in
            guard let k = exponent.exactIntegerValue else {
                throw SchemeError.wrongType(procedure: "integer-expt", position: 2, expected: "exact integer", got: exponent)
            }
            try Arithmetic.checkNumber(base, "integer-expt", 1)
            return try Arithmetic.integerPower(base, k)
        }
        library.define("exp") { try Arithmetic.exp($0) }
        library.define("log", arity: 1, 2) { arguments in
            if arguments.count == 2 { return try Arithmetic.log(arguments[0], base: arguments[1]) }
            return try Arithmetic.log(arguments[0])
        }
        library.define("log10") { try Arithmetic.log10($0) }
        for function in [Arithmetic.Trigonometric.sin, .cos, .tan, .asin, .acos] {
            library.define(function.rawValue) { try Arithmetic.trigonometric(function, $0) }
        }
        library.define("atan", arity: 1, 2) { arguments in
            if arguments.count == 2 { return try Arithmetic.atan(arguments[0], arguments[1]) }
            return try Arithmetic.trigonometric(.atan, arguments[0])
        }
    }
}
