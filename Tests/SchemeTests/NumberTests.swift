import BigInt
import Foundation
import Testing
@testable import Scheme

/// The number primitives, called through the bindings `installNumbers` makes.
private final class NumberEnvironment {
    let runtime = Runtime()
    let bindings: [String: Primitive]

    init() {
        var library = LibraryBuilder(runtime: runtime)
        Libraries.installNumbers(into: &library)
        var table: [String: Primitive] = [:]
        for (symbol, value) in library.bindings {
            if case .procedure(let procedure) = value, let primitive = procedure as? Primitive {
                table[symbol.name] = primitive
            }
        }
        bindings = table
    }

    func call(_ name: String, _ arguments: Value...) throws -> Value {
        try call(name, arguments)
    }

    func call(_ name: String, _ arguments: [Value]) throws -> Value {
        guard let primitive = bindings[name] else { throw SchemeError.unbound(name) }
        return try primitive.call(arguments)
    }

    /// Evaluates a tiny Scheme subset: nested calls of number primitives on
    /// number and string literals (and quoted symbols, to provoke type errors).
    func evaluate(_ text: String) throws -> Value {
        var tokens = Self.tokenize(text)[...]
        return try evaluate(&tokens)
    }

    private func evaluate(_ tokens: inout ArraySlice<String>) throws -> Value {
        guard let token = tokens.popFirst() else { throw SchemeError.error("unexpected end") }
        if token == "(" {
            guard let name = tokens.popFirst() else { throw SchemeError.error("missing operator") }
            var arguments: [Value] = []
            while let next = tokens.first, next != ")" { arguments.append(try evaluate(&tokens)) }
            _ = tokens.popFirst()
            return try call(name, arguments)
        }
        if token.hasPrefix("\"") { return .string(String(token.dropFirst().dropLast())) }
        if token.hasPrefix("'") { return .symbol(String(token.dropFirst())) }
        if token == "#t" { return .true }
        if token == "#f" { return .false }
        guard let number = NumberSyntax.parse(token) else { throw SchemeError.error("bad literal \(token)") }
        return number
    }

    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inString = false
        for character in text {
            if inString {
                current.append(character)
                if character == "\"" {
                    tokens.append(current)
                    current = ""
                    inString = false
                }
                continue
            }
            switch character {
            case "(", ")", " ":
                if !current.isEmpty { tokens.append(current) }
                current = ""
                if character != " " { tokens.append(String(character)) }
            case "\"":
                inString = true
                current = "\""
            default:
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// What Guile's `write` shows for the result(s) of `text`, or "ERROR".
    func show(_ text: String) -> String {
        guard let value = try? evaluate(text) else { return "ERROR" }
        if case .values(let multiple) = value { return multiple.values.map(Self.written).joined(separator: " ") }
        return Self.written(value)
    }

    static func written(_ value: Value) -> String {
        switch value {
        case .fixnum, .bignum, .rational, .flonum: return NumberSyntax.format(value)
        case .string(let s): return "\"" + s.string + "\""
        case .boolean(let b): return b ? "#t" : "#f"
        default: return value.written()
        }
    }
}

private let two63 = BigInt(1) << 63

private func big(_ text: String) -> Value { .integer(BigInt(text) ?? 0) }

@Suite struct NumberTests {
    private let env = NumberEnvironment()

    private func expectValue(_ expression: String, _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(env.show(expression) == expected, "\(expression)", sourceLocation: sourceLocation)
    }

    // MARK: Fixnum boundaries (trap sites)

    @Test func additionAndSubtractionOverflowToBignums() throws {
        #expect(try Arithmetic.add(.fixnum(.max), .fixnum(1)).isEqv(.integer(two63)))
        #expect(try Arithmetic.add(.fixnum(.min), .fixnum(-1)).isEqv(.integer(-two63 - 1)))
        #expect(try Arithmetic.subtract(.fixnum(.min), .fixnum(1)).isEqv(.integer(-two63 - 1)))
        #expect(try Arithmetic.subtract(.fixnum(0), .fixnum(.min)).isEqv(.integer(two63)))
        #expect(try Arithmetic.negate(.fixnum(.min)).isEqv(.integer(two63)))
        #expect(try Arithmetic.negate(.integer(two63)).isEqv(.fixnum(.min)))
        // Results that fit again become fixnums.
        #expect(try Arithmetic.subtract(.integer(two63), .fixnum(1)).isEqv(.fixnum(.max)))
        #expect(try Arithmetic.add(.integer(two63), .integer(-two63)).isEqv(.fixnum(0)))
        expectValue("(1+ 9223372036854775807)", "9223372036854775808")
        expectValue("(1- -9223372036854775808)", "-9223372036854775809")
        expectValue("(- -9223372036854775808)", "9223372036854775808")
        expectValue("(- 9223372036854775808)", "-9223372036854775808")
    }

    @Test func multiplicationAndDivisionOverflow() throws {
        #expect(try Arithmetic.multiply(.fixnum(.min), .fixnum(-1)).isEqv(.integer(two63)))
        #expect(try Arithmetic.multiply(.fixnum(-1), .fixnum(.min)).isEqv(.integer(two63)))
        #expect(try Arithmetic.multiply(.fixnum(.max), .fixnum(.max)).isEqv(.integer(BigInt(Int.max) * BigInt(Int.max))))
        #expect(try Arithmetic.divide(.fixnum(.min), .fixnum(-1)).isEqv(.integer(two63)))
        #expect(try Arithmetic.quotient(.fixnum(.min), .fixnum(-1)).isEqv(.integer(two63)))
        #expect(try Arithmetic.remainder(.fixnum(.min), .fixnum(-1)).isEqv(.fixnum(0)))
        #expect(try Arithmetic.modulo(.fixnum(.min), .fixnum(-1)).isEqv(.fixnum(0)))
        #expect(try Arithmetic.modulo(.fixnum(.min), .fixnum(.max)).isEqv(.fixnum(Int.max - 1)))
        #expect(try Arithmetic.modulo(.fixnum(.max), .fixnum(.min)).isEqv(.fixnum(-1)))
        #expect(try Arithmetic.abs(.fixnum(.min)).isEqv(.integer(two63)))
        expectValue("(floor/ -9223372036854775808 -1)", "9223372036854775808 0")
        expectValue("(euclidean/ -9223372036854775808 -1)", "9223372036854775808 0")
        expectValue("(round/ -9223372036854775808 -1)", "9223372036854775808 0")
        expectValue("(centered/ -9223372036854775808 -1)", "9223372036854775808 0")
        expectValue("(truncate-remainder -9223372036854775808 -1)", "0")
        expectValue("(gcd -9223372036854775808 -9223372036854775808)", "9223372036854775808")
        expectValue("(lcm -9223372036854775808 3)", "27670116110564327424")
        expectValue("(square -9223372036854775808)", "85070591730234615865843651857942052864")
        expectValue("(exact-integer-sqrt 9223372036854775807)", "3037000499 5928526806")
        expectValue("(expt -2 63)", "-9223372036854775808")
        expectValue("(expt 2 63)", "9223372036854775808")
        expectValue("(max -9223372036854775808 9223372036854775807)", "9223372036854775807")
    }

    @Test func bitwiseAtBoundaries() {
        expectValue("(ash 1 63)", "9223372036854775808")
        expectValue("(ash -1 63)", "-9223372036854775808")
        expectValue("(ash -9223372036854775808 1)", "-18446744073709551616")
        expectValue("(ash -9223372036854775808 -63)", "-1")
        expectValue("(ash -9223372036854775808 -64)", "-1")
        expectValue("(ash 9223372036854775807 -64)", "0")
        expectValue("(ash 5 -9223372036854775808)", "0")
        expectValue("(lognot -9223372036854775808)", "9223372036854775807")
        expectValue("(integer-length -9223372036854775808)", "63")
        expectValue("(logcount -9223372036854775808)", "63")
        expectValue("(logbit? 63 -1)", "#t")
        expectValue("(logbit? 1000 -1)", "#t")
        expectValue("(logand -9223372036854775808 -1)", "-9223372036854775808")
        expectValue("(logxor 9223372036854775808 -1)", "-9223372036854775809")
        expectValue("(bit-extract -1 0 70)", "1180591620717411303423")
    }

    @Test func hugeResultsAreRefusedNotAttempted() {
        #expect(throws: SchemeError.self) { try env.evaluate("(expt 3 1000000000)") }
        #expect(throws: SchemeError.self) { try env.evaluate("(expt 2 (expt 2 100))") }
        #expect(throws: SchemeError.self) { try env.evaluate("(ash 1 100000000)") }
        #expect(throws: SchemeError.self) { try env.evaluate("(ash 1 9223372036854775807)") }
        #expect(throws: SchemeError.self) { try env.evaluate("(bit-extract 1 0 9223372036854775807)") }
        // Trivial bases stay cheap whatever the exponent.
        expectValue("(expt 1 (expt 2 100))", "1")
        expectValue("(expt -1 (+ 1 (expt 2 100)))", "-1")
        expectValue("(expt 0 (expt 2 100))", "0")
        expectValue("(expt 1.5 (expt 2 100))", "+inf.0")
        expectValue("(ash 0 (expt 2 100))", "0")
        expectValue("(ash -7 (- (expt 2 100)))", "-1")
    }

    // MARK: Canonical forms and contagion

    @Test func resultsAreCanonical() throws {
        #expect(try env.evaluate("(+ 1/2 1/2)").isEqv(.fixnum(1)))
        #expect(try env.evaluate("(* 2/3 3/2)").isEqv(.fixnum(1)))
        #expect(try env.evaluate("(/ 6 3)").isEqv(.fixnum(2)))
        guard case .rational(let r) = try env.evaluate("(/ 6 -4)") else {
            Issue.record("(/ 6 -4) is not a ratio")
            return
        }
        #expect(r.numerator == -3 && r.denominator == 2)
        #expect(try env.evaluate("(- 18446744073709551616 18446744073709551615)").isEqv(.fixnum(1)))
        #expect(try env.evaluate("(quotient 18446744073709551616 2)").isEqv(.integer(two63)))
        #expect(try env.evaluate("(exact 4.0)").isEqv(.fixnum(4)))
        #expect(try env.evaluate("(round 7/2)").isEqv(.fixnum(4)))
        #expect(NumberSyntax.parse("-6/4").map { NumberSyntax.format($0) } == "-3/2")
        #expect(NumberSyntax.parse("4/2")?.isEqv(.fixnum(2)) == true)
    }

    @Test func errorsFollowGuile() throws {
        for expression in ["(/ 1 0)", "(/ 1.5 0)", "(quotient 1 0)", "(modulo 1 0)", "(floor/ 1 0.0)", "(log 0)"] {
            let error = catchError(expression)
            #expect(error?.message.contains("Numerical overflow") == true, "\(expression)")
        }
        for expression in ["(sqrt -4)", "(sqrt -4.0)", "(log -1)", "(expt -8 1/3)", "(asin 2)", "(acos -1.5)"] {
            let error = catchError(expression)
            #expect(error?.message.contains("complex numbers are not supported") == true, "\(expression)")
        }
        #expect(catchError("(exact +inf.0)")?.kind == .outOfRange)
        #expect(catchError("(inexact->exact +nan.0)")?.kind == .outOfRange)
        let typeError = catchError("(+ 1 2 'a 3)")
        #expect(typeError?.kind == .wrongType)
        #expect(typeError?.message.contains("position 3") == true)
        #expect(catchError("(< 1 'a)")?.message.contains("position 2") == true)
        #expect(catchError("(quotient 7.5 2)")?.kind == .wrongType)
        #expect(catchError("(logand 1.0 3)")?.kind == .wrongType)
        #expect(catchError("(number->string 10 37)")?.kind == .outOfRange)
        #expect(catchError("(random 0)")?.kind == .outOfRange)
        #expect(catchError("(-)")?.kind == .wrongNumberOfArguments)
        #expect(catchError("(max)")?.kind == .wrongNumberOfArguments)
    }

    private func catchError(_ expression: String) -> SchemeError? {
        do {
            _ = try env.evaluate(expression)
            return nil
        } catch let error as SchemeError {
            return error
        } catch {
            return nil
        }
    }

    @Test func randomStaysInRange() throws {
        for _ in 0..<200 {
            let n = try env.call("random", .fixnum(10))
            guard case .fixnum(let x) = n else { Issue.record("not a fixnum"); return }
            #expect((0..<10).contains(x))
            let f = try env.call("random", .flonum(2.5))
            #expect((f.doubleValue ?? -1) >= 0 && (f.doubleValue ?? 3) < 2.5)
            let b = try env.evaluate("(random 1267650600228229401496703205376)")
            #expect(try Arithmetic.lessThan(b, .integer(BigInt(1) << 100)))
            #expect(!(try Arithmetic.isNegative(b)))
        }
    }

    // MARK: Syntax

    @Test func parsingFollowsGuile() {
        let cases: [(String, String?)] = [
            ("+", nil), ("-", nil), ("...", nil), ("1+", nil), ("-x", nil), ("1/0", nil), ("1/2/3", nil),
            ("#x10", "16"), ("#X1F", "31"), ("#b101", "5"), ("#o17", "15"), ("#e1.5", "3/2"),
            ("#i1/3", "0.3333333333333333"), ("#x#e10", "16"), ("#e#x10", "16"), ("#x#i10", "16.0"),
            ("#e#i1", nil), ("#x1.5", nil), ("#x1/a", "1/10"), ("1e10", "1.0e10"), ("1E-3", "0.001"),
            (".5", "0.5"), ("5.", "5.0"), (".", nil), ("-.5", "-0.5"), ("+5", "5"), ("-0", "0"),
            ("-0.0", "-0.0"), ("+inf.0", "+inf.0"), ("-inf.0", "-inf.0"), ("+nan.0", "+nan.0"),
            ("-nan.0", "+nan.0"), ("inf.0", nil), ("+INF.0", "+inf.0"), ("1e", nil), ("1e+5", "100000.0"),
            ("1/3.0", nil), ("#e+inf.0", nil), ("1d10", "1.0e10"), ("1s2", "100.0"), ("1_000", nil),
            (" 1", nil), ("", nil), ("#t", nil), ("0x10", nil), ("-00012.500", "-12.5"), ("#x-ff", "-255"),
            ("6/-4", nil), ("+6/4", "3/2"), ("1+2i", nil), ("+i", nil), ("1@2", nil), ("#x1e2", "482"),
            ("#e.1", "1/10"), ("#e1.2e-3", "3/2500"), ("1#", "10.0"), ("1.#", "1.0"), ("1#.5", nil),
            ("#x.8", nil), ("2e-324", "0.0"), ("5e-324", "5.0e-324"), ("1e400", "+inf.0"), ("-1e-400", "-0.0"),
            ("#x", nil), ("#", nil), ("#e", nil), ("12345678901234567890123", "12345678901234567890123"),
            ("-9223372036854775808", "-9223372036854775808"), ("9223372036854775808", "9223372036854775808"),
            ("#e1e400", "1" + String(repeating: "0", count: 400)), ("#e1e1000000", nil),
        ]
        for (text, expected) in cases {
            let parsed = NumberSyntax.parse(text).map { NumberSyntax.format($0) }
            #expect(parsed == expected, "\(text)")
        }
        #expect(NumberSyntax.parse("ff", radix: 16)?.isEqv(.fixnum(255)) == true)
        #expect(NumberSyntax.parse("#d10", radix: 16)?.isEqv(.fixnum(10)) == true)
        #expect(NumberSyntax.parse("1.5", radix: 16) == nil)
        #expect(NumberSyntax.parse("z", radix: 36)?.isEqv(.fixnum(35)) == true)
        #expect(NumberSyntax.parse("-9223372036854775808")?.isEqv(.fixnum(.min)) == true)
    }

    @Test func printingFollowsGuile() {
        let cases: [(Double, String)] = [
            (1e21, "1.0e21"), (1e20, "1.0e20"), (1e-7, "1.0e-7"), (0.0001, "1.0e-4"), (0.001, "0.001"),
            (123456.789, "123456.789"), (-0.0, "-0.0"), (0.0, "0.0"), (1.0, "1.0"), (0.1, "0.1"), (100.0, "100.0"),
            (1e7, "1.0e7"), (1234567.0, "1234567.0"), (12345000.0, "12345000.0"), (1.234e7, "1.234e7"),
            (9223372036854775808.0, "9223372036854776000.0"), (123456789012345678901.0, "1.2345678901234568e20"),
            (Double.leastNonzeroMagnitude, "5.0e-324"), (1.7976931348623157e308, "1.7976931348623157e308"), (.infinity, "+inf.0"),
            (-.infinity, "-inf.0"), (.nan, "+nan.0"), (0.30000000000000004, "0.30000000000000004"),
            (1e6, "1000000.0"), (1.5e-3, "0.0015"), (-1.5e-7, "-1.5e-7"), (123456789.123, "123456789.123"),
        ]
        for (value, expected) in cases {
            #expect(NumberSyntax.format(.flonum(value)) == expected, "\(value)")
        }
        #expect(NumberSyntax.format(.fixnum(-255), radix: 2) == "-11111111")
        #expect(NumberSyntax.format(.fixnum(255), radix: 16) == "ff")
        #expect(NumberSyntax.format(.integer(BigInt(1) << 70), radix: 16) == "400000000000000000")
        #expect(NumberSyntax.format(.fixnum(.min), radix: 16) == "-8000000000000000")
        #expect(NumberSyntax.format(.flonum(0.5), radix: 2) == "0.1")
        #expect(NumberSyntax.format(.flonum(10.0), radix: 16) == "a.0")
        #expect(NumberSyntax.format(.flonum(-0.75), radix: 16) == "-0.c")
        #expect(NumberSyntax.format(.flonum(0.1), radix: 2) == "1.100110011001100110011001100110011001100110011001101e-100")
    }

    @Test func flonumsRoundTripAndAgreeWithFreeFormat() {
        let generator = RandomSource(seed: 42)
        for i in 0..<4000 {
            let bits = generator.next()
            var d = Double(bitPattern: bits)
            if i % 4 == 1 { d = Double(bits >> 11) / Double(1 << 20) }
            if i % 4 == 2 { d = Double(Int64(bitPattern: bits) >> Int64(bits % 60)) }
            guard d.isFinite else { continue }
            let text = NumberSyntax.format(.flonum(d))
            guard case .flonum(let back)? = NumberSyntax.parse(text) else {
                Issue.record("\(text) does not parse back")
                continue
            }
            #expect(back.bitPattern == d.bitPattern, "\(text)")
            // Swift's shortest digits and the Burger–Dybvig generator used for
            // other radixes must agree.
            if d != 0 {
                let swift = FlonumPrinting.decimalDigits(d.magnitude)
                let freeFormat = FlonumPrinting.shortestDigits(d.magnitude, radix: 10)
                #expect(swift.digits == freeFormat.digits && swift.k == freeFormat.k, "\(d)")
            }
        }
    }

    @Test func exactConversionsAreExact() throws {
        #expect(env.show("(exact 0.1)") == "3602879701896397/36028797018963968")
        #expect(env.show("(exact 2.5)") == "5/2")
        #expect(env.show("(exact 1e20)") == "100000000000000000000")
        #expect(env.show("(exact -0.0)") == "0")
        #expect(env.show("(exact 5e-324)").hasSuffix("/202402253307310618352495346718917307049556649764142118356901358027430339567995346891960383701437124495187077864316811911389808737385793476867013399940738509921517424276566361364466907742093216341239767678472745068562007483424692698618103355649159556340810056512358769552333414615230502532186327508646006263307707741093494784"))
        // Correct rounding, ties to even, including subnormals and overflow.
        #expect(env.show("(exact->inexact 9007199254740993)") == "9007199254740992.0")
        #expect(env.show("(exact->inexact 9007199254740995)") == "9007199254740996.0")
        #expect(env.show("(exact->inexact (+ (expt 2 80) (expt 2 27) 1))") == "1.2089258196146294e24")
        #expect(env.show("(exact->inexact (/ 1 (expt 2 1074)))") == "5.0e-324")
        #expect(env.show("(exact->inexact (/ 1 (expt 2 1075)))") == "0.0")
        #expect(env.show("(exact->inexact (/ 3 (expt 2 1076)))") == "5.0e-324")
        #expect(env.show("(exact->inexact (expt 10 400))") == "+inf.0")
        #expect(env.show("(exact->inexact (- (expt 2 1024) (expt 2 970)))") == "+inf.0")
        #expect(env.show("(exact->inexact (- (expt 2 1024) (expt 2 970) 1))") == "1.7976931348623157e308")
        for _ in 0..<200 {
            let d = Double.random(in: -1e300...1e300) * Double.random(in: 0...1e-300)
            let exact = try Arithmetic.exact(.flonum(d))
            #expect(try Arithmetic.inexact(exact).doubleValue?.bitPattern == d.bitPattern)
        }
    }

    // MARK: Differential test against Guile

    @Test func agreesWithGuile() throws {
        guard let guile = Self.findExecutable("guile") else {
            print("SKIP: guile not found")
            return
        }
        let expressions = GuileDifferentialCases.expressions
        let script = GuileDifferentialCases.script(for: expressions)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: guile)
        process.arguments = ["--no-auto-compile", "-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["GUILE_AUTO_COMPILE"] = "0"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count >= expressions.count)
        var mismatches = 0
        for (index, expression) in expressions.enumerated() where index < lines.count {
            let ours = env.show(expression)
            if ours != lines[index] {
                mismatches += 1
                Issue.record("\(expression): guile \(lines[index]), cairn \(ours)")
            }
        }
        #expect(mismatches == 0)
    }

    private static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Expressions evaluated both by Guile and by Cairn; each line of output
/// (`write` of every value, or ERROR) must be identical.
private enum GuileDifferentialCases {
    static func script(for expressions: [String]) -> String {
        var script = """
            (use-modules ((scheme base) #:select (exact inexact square))
                         ((scheme inexact) #:select (infinite? log)))
            (define (show thunk)
              (catch #t
                (lambda ()
                  (call-with-values thunk
                    (lambda values
                      (let loop ((vs values) (first #t))
                        (unless (null? vs)
                          (unless first (display " "))
                          (write (car vs))
                          (loop (cdr vs) #f))))))
                (lambda args (display "ERROR")))
              (newline))

            """
        for expression in expressions { script += "(show (lambda () \(expression)))\n" }
        return script
    }

    static let expressions: [String] = arithmetic + comparison + division + rounding + transcendental + bits + syntax

    static let arithmetic = [
        "(+)", "(*)", "(+ 1 2 3)", "(- 10)", "(- 1 2 3)", "(/ 2)", "(/ 1 2 3)", "(/ 6 4)", "(/ 6 -4)",
        "(/ 0.5)", "(/ 0.0)", "(/ 0)", "(/ 1 0)", "(/ 1.0 0)", "(/ 1 0.0)", "(/ 0 0.0)", "(/ -1 0.0)",
        "(+ 1/2 1/3)", "(- 1/2 1/3)", "(* 2/3 3/4)", "(/ 2/3 4/9)", "(+ 1/2 0.5)", "(* 1/3 3.0)",
        "(* 0 1.5)", "(+ 0 -0.0)", "(* 1 -0.0)", "(- 0.0)", "(- 0)", "(+ 4611686018427387904 4611686018427387904)",
        "(* 4294967296 4294967296)", "(* -3037000500 3037000500)", "(- -9223372036854775807 2)",
        "(* 99999999999999999999 99999999999999999999)", "(/ (expt 10 30) (expt 10 28))",
        "(+ (expt 2 64) 0.5)", "(* 1.5 (expt 10 400))", "(+ (expt 10 400) 1.0)", "(- (expt 2 100) (expt 2 100))",
        "(1+ 1.5)", "(1- 1/2)", "(square 1/3)", "(square 2.5)", "(abs -1/2)", "(abs -0.0)", "(abs -5)",
        "(max 1 2.0)", "(min 1 2.0)", "(max 1/2 1/3)", "(max 3 2.0 1)", "(min 1/2 0.25)", "(max 1 +nan.0)",
        "(min +nan.0 1)", "(max -inf.0 (expt 10 400))", "(min (expt 10 400) +inf.0)",
        "(+ 1 'a)", "(* 'a 2)", "(max 'a 1)",
    ]

    static let comparison = [
        "(= 1 1.0)", "(= 1/2 0.5)", "(< 1/3 0.3333333333333333)", "(> 1/3 0.3333333333333333)",
        "(= 9007199254740993 9007199254740992.0)", "(< 9007199254740992.0 9007199254740993)",
        "(= +nan.0 +nan.0)", "(< 1 +nan.0)", "(>= +nan.0 1)", "(<= 1 1 2 2)", "(< 1 2 2)", "(> 3 2 1)",
        "(>= 3 3 4)", "(= (expt 10 400) +inf.0)", "(< (expt 10 400) +inf.0)", "(> (- (expt 10 400)) -inf.0)",
        "(< -1/2 -0.5)", "(= 0 -0.0)", "(<)", "(= 1)", "(< 3 2 'a)",
        "(zero? -0.0)", "(positive? -0.0)", "(negative? -1/2)", "(odd? 3.0)", "(even? (expt 2 70))",
        "(odd? -9223372036854775807)", "(integer? 3.0)", "(integer? 3.5)", "(integer? +inf.0)",
        "(rational? +inf.0)", "(rational? 0.5)", "(real? +nan.0)", "(exact? 1/2)", "(inexact? 1.0)",
        "(exact-integer? 5.0)", "(nan? +nan.0)", "(inf? -inf.0)", "(finite? +nan.0)", "(infinite? +inf.0)",
        "(number? 'a)", "(complex? 1/2)",
    ]

    static let division = [
        "(quotient 7 -2)", "(remainder 7 -2)", "(modulo 7 -2)", "(modulo -7 2)", "(modulo 7.0 -2)",
        "(remainder -13 4.0)", "(remainder -4.0 2)", "(modulo 4.0 -2)", "(quotient 7.5 2)",
        "(modulo (- (expt 2 70)) 7)", "(remainder (- (expt 2 70)) 7)", "(quotient (expt 10 30) -7)",
        "(modulo 13 (- (expt 2 70)))", "(floor/ 7 -2)", "(truncate/ 7 -2)", "(euclidean/ 7 -2)",
        "(euclidean/ -7 2)", "(euclidean/ -7 -2)", "(round/ 7 2)", "(round/ 5 2)", "(round/ -7 2)",
        "(centered/ 7 2)", "(centered/ -7 2)", "(centered/ 7 -2)", "(centered/ 5 -2)", "(centered/ -5 -2)",
        "(floor/ 7.5 2)", "(floor/ 7/2 2)", "(truncate/ -7/2 1/3)", "(euclidean/ 7.5 -2)",
        "(round/ 7.0 2)", "(centered/ 7.0 -2)", "(floor-quotient 7/2 2)", "(floor-remainder -7.5 2)",
        "(floor/ -0.0 1)", "(floor/ 7 0)", "(floor/ 7 0.0)", "(floor-remainder 7 +inf.0)",
        "(euclidean-quotient -7 2)", "(round-remainder 7 2)", "(centered-quotient 7 2)",
        "(gcd)", "(gcd 0 5)", "(gcd -4 6)", "(gcd 4.0 6)", "(gcd -4)", "(gcd (expt 2 80) (expt 6 30))",
        "(lcm)", "(lcm 4 6)", "(lcm -4 6)", "(lcm 0 5)", "(lcm 4.0 6)", "(gcd 1/2 3)",
    ]

    static let rounding = [
        "(round 2.5)", "(round 3.5)", "(round -2.5)", "(round 7/2)", "(round -7/2)", "(round 5/2)",
        "(round 1/3)", "(round -0.5)", "(round -0.4)", "(round -1.5)", "(round 0.5)", "(round 4503599627370497.0)",
        "(round/ -1.0 2)", "(round/ -3.0 2)", "(round-quotient -5 2)", "(truncate -0.5)", "(ceiling -0.0)", "(floor -7/2)", "(ceiling -7/2)", "(truncate -7/2)", "(floor -0.5)",
        "(ceiling -0.5)", "(truncate -2.7)", "(round +inf.0)", "(floor +nan.0)", "(floor (expt 10 30))",
        "(numerator 6/4)", "(denominator 6/4)", "(numerator 0.5)", "(denominator 0.5)", "(denominator 0.1)",
        "(numerator 2.0)", "(denominator 5)", "(numerator -0.75)",
        "(exact 2.5)", "(exact 0.1)", "(exact -1e20)", "(exact 1e-5)", "(exact +inf.0)", "(inexact 1/3)",
        "(inexact->exact 1.5)", "(exact->inexact 2/3)", "(exact->inexact 12345678901234567890123)",
        "(exact->inexact (/ (expt 10 400) 3))", "(exact->inexact (/ 1 (expt 10 400)))",
        "(exact->inexact (+ (expt 2 53) 1))", "(exact->inexact (/ (+ (expt 2 54) 3) 4))",
        "(exact->inexact 1/7)", "(exact->inexact -22/7)",
        "(rationalize 1/3 1/100)", "(rationalize 3/10 1/10)", "(rationalize -3/10 1/10)",
        "(rationalize 0.3 1/10)", "(rationalize 0.3 0)", "(rationalize 5 1/2)",
    ]

    static let transcendental = [
        "(sqrt 16)", "(sqrt 2)", "(sqrt 15)", "(sqrt 1/4)", "(sqrt 2/9)", "(sqrt 16.0)", "(sqrt 0)",
        "(sqrt -0.0)", "(sqrt (expt 10 100))", "(sqrt (+ 1 (expt 10 100)))", "(sqrt (expt 10 401))",
        "(sqrt (/ (expt 10 401) 3))", "(sqrt (/ 1 (expt 10 400)))", "(sqrt (+ (expt 10 30) 1))",
        "(sqrt (- (expt 2 62) 1))", "(sqrt +inf.0)",
        "(exact-integer-sqrt 17)", "(exact-integer-sqrt 0)", "(exact-integer-sqrt (expt 10 41))",
        "(exact-integer-sqrt -1)", "(exact-integer-sqrt 4.0)",
        "(expt 2 100)", "(expt 2 -2)", "(expt 2.0 3)", "(expt 0 0)", "(expt 0.0 0)", "(expt 1/2 3)",
        "(expt 2.0 0.5)", "(expt 2 0.0)", "(expt 2.0 0)", "(expt 0 2.5)", "(expt 0.0 -2)", "(expt 0 -1)",
        "(expt 4 1/2)", "(expt 8 1/3)", "(expt 1.1 1000)", "(expt 10.0 -3)", "(expt 1/2 -3)",
        "(expt 2.5 2)", "(expt -2.0 3.0)", "(expt -1 (expt 2 100))", "(expt 2 -1074)",
        "(exp 0)", "(exp 1)", "(exp 1/2)", "(exp 1000)", "(log 1)", "(log 1/3)", "(log 2/3)", "(log 10/3)",
        "(log 7/2)", "(log 1/1000)", "(log (expt 10 400))", "(log (/ (expt 10 400) 7))", "(log (expt 3 100))",
        "(log (- (expt 2 62) 1))", "(log 1e-320)", "(log 0.0)", "(log 0)", "(log +inf.0)", "(log 100 10)",
        "(log 8 2)", "(log10 1000)", "(log10 1/1000)",
        "(sin 0)", "(cos 0)", "(tan 0)", "(asin 0)", "(acos 1)", "(atan 0)", "(sin 1)", "(cos 1/2)",
        "(tan 1)", "(asin 1)", "(acos 0.5)", "(atan 1 1)", "(atan 0 -1)", "(atan -0.0 -1)", "(atan 1 0)",
        "(atan 0 0)", "(atan +inf.0)",
    ]

    static let bits = [
        "(logand)", "(logior)", "(logxor)", "(logand 12 10)", "(logand -12 10)", "(logior -12 10)",
        "(logxor -12 10)", "(logand (- (expt 2 70)) (- (expt 2 70) 1))", "(logior (- (expt 2 70)) 5)",
        "(logxor (- (expt 2 70)) -1)", "(logand (- 1 (expt 2 80)) (expt 2 75))", "(lognot 0)",
        "(lognot (expt 2 70))", "(logtest 4 3)", "(logtest 6 3)", "(logbit? 0 5)", "(logbit? 1 5)",
        "(logbit? 70 (expt 2 70))", "(logbit? 69 (- (expt 2 70)))", "(logbit? 70 (- (expt 2 70)))",
        "(ash 1 10)", "(ash 1 64)", "(ash -1 64)", "(ash 5 -1)", "(ash -5 -1)", "(ash -5 -100)",
        "(ash (- (expt 2 70)) -3)", "(ash (- 1 (expt 2 70)) -3)", "(ash (- 1 (expt 2 70)) -70)",
        "(logcount 7)", "(logcount -8)", "(logcount (- (expt 2 70)))", "(integer-length 0)",
        "(integer-length -1)", "(integer-length -256)", "(integer-length (expt 2 70))",
        "(integer-length (- (expt 2 70)))", "(bit-extract 13 1 3)", "(bit-extract -1 60 70)",
        "(logand 1.0 3)",
    ]

    static let syntax = [
        "(number->string 255 16)", "(number->string -255 2)", "(number->string 1/3 2)",
        "(number->string (expt 2 70) 16)", "(number->string 0.5 2)", "(number->string 10.0 16)",
        "(number->string -0.75 16)", "(number->string 1e21)", "(number->string 123.456)",
        "(number->string 0.1 2)", "(number->string 1/3 8)", "(number->string 255 36)",
        "(string->number \"#x1F\")", "(string->number \"1e10\")", "(string->number \".5\")",
        "(string->number \"#e1.5\")", "(string->number \"#i1/3\")", "(string->number \"1/0\")",
        "(string->number \"-6/4\")", "(string->number \"ff\" 16)", "(string->number \"#d10\" 16)",
        "(string->number \"1.5\" 16)", "(string->number \"1#\")", "(string->number \"-nan.0\")",
        "(string->number \"+inf.0\")", "(string->number \"abc\")", "(string->number \"#e1.2e-3\")",
        "(string->number \"123456789012345678901234567890.5\")", "(string->number \"1e-300\")",
        "(string->number \"2.2250738585072011e-308\")", "(string->number \"4.9406564584124654e-324\")",
        "(string->number \"9007199254740993\")", "(string->number \"9007199254740993.0\")",
        "(string->number \"0.1e1\")", "(string->number \"z\" 36)", "(number->string 35 36)",
        "(number->string (- (expt 36 20)) 36)", "(string->number \"-zz/yy\" 36)", "(number->string 1.5 36)",
        "(number->string 1e300 16)", "(number->string 1e-300 8)", "(number->string 123.456 3)", "(string->number \"#b1010.1\")", "(string->number \"#o-777\")",
        "1e21", "1e20", "1e-7", "0.0001", "123456.789", "9223372036854775808.0", "1.234e7", "12345000.0",
        "-0.0", "5e-324", "1.7976931348623157e308", "2.2250738585072014e-308", "0.30000000000000004",
        "(/ 1.0 3)", "(* 4 (atan 1))", "1e23", "8.41e21", "4.35", "2.5e-5", "1.2345678e-300",
    ]
}
