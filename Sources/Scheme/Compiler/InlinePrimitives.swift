/// Calls to a few core primitives (`+`, `<`, `car` …) are compiled to direct
/// Swift code with a fixnum fast path. The call site checks on every run that
/// the variable still holds the original primitive, so redefining `+` keeps
/// working; only the common case skips the generic call.
enum InlinePrimitives {
    // Wrapped in structs so that taking them out of the dictionary does not
    // put a reabstraction thunk in front of every call.
    struct Unary: Sendable {
        let run: @Sendable (Value) throws -> Value
        init(_ run: @escaping @Sendable (Value) throws -> Value) { self.run = run }
    }
    struct Binary: Sendable {
        let run: @Sendable (Value, Value) throws -> Value
        init(_ run: @escaping @Sendable (Value, Value) throws -> Value) { self.run = run }
    }

    static let unary: [String: Unary] = [
        "car": .init { v in
            if case .pair(let p) = v { return p.car }
            throw SchemeError.wrongType(procedure: "car", position: 1, expected: "pair", got: v)
        },
        "cdr": .init { v in
            if case .pair(let p) = v { return p.cdr }
            throw SchemeError.wrongType(procedure: "cdr", position: 1, expected: "pair", got: v)
        },
        "cadr": .init { v in
            if case .pair(let p) = v, case .pair(let q) = p.cdr { return q.car }
            throw SchemeError.wrongType(procedure: "cadr", position: 1, expected: "pair", got: v)
        },
        "cddr": .init { v in
            if case .pair(let p) = v, case .pair(let q) = p.cdr { return q.cdr }
            throw SchemeError.wrongType(procedure: "cddr", position: 1, expected: "pair", got: v)
        },
        "null?": .init { v in .boolean(v.isNull) },
        "pair?": .init { v in if case .pair = v { return .true }; return .false },
        "not": .init { v in .boolean(v.isFalse) },
        "zero?": .init { v in
            if case .fixnum(let n) = v { return .boolean(n == 0) }
            return .boolean(try Arithmetic.numericEquals(v, .fixnum(0)))
        },
        "1+": .init { v in
            if case .fixnum(let n) = v, n < Int.max { return .fixnum(n + 1) }
            return try Arithmetic.add(v, .fixnum(1))
        },
        "1-": .init { v in
            if case .fixnum(let n) = v, n > Int.min { return .fixnum(n - 1) }
            return try Arithmetic.subtract(v, .fixnum(1))
        },
    ]

    static let binary: [String: Binary] = [
        "+": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b {
                let (sum, overflow) = x.addingReportingOverflow(y)
                if !overflow { return .fixnum(sum) }
            }
            return try Arithmetic.add(a, b)
        },
        "-": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b {
                let (difference, overflow) = x.subtractingReportingOverflow(y)
                if !overflow { return .fixnum(difference) }
            }
            return try Arithmetic.subtract(a, b)
        },
        "*": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b {
                let (product, overflow) = x.multipliedReportingOverflow(by: y)
                if !overflow { return .fixnum(product) }
            }
            return try Arithmetic.multiply(a, b)
        },
        "<": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b { return .boolean(x < y) }
            return .boolean(try Arithmetic.lessThan(a, b))
        },
        ">": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b { return .boolean(x > y) }
            return .boolean(try Arithmetic.greaterThan(a, b))
        },
        "<=": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b { return .boolean(x <= y) }
            return .boolean(try Arithmetic.lessOrEqual(a, b))
        },
        ">=": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b { return .boolean(x >= y) }
            return .boolean(try Arithmetic.greaterOrEqual(a, b))
        },
        "=": .init { a, b in
            if case .fixnum(let x) = a, case .fixnum(let y) = b { return .boolean(x == y) }
            return .boolean(try Arithmetic.numericEquals(a, b))
        },
        "eq?": .init { a, b in .boolean(a.isEq(b)) },
        "eqv?": .init { a, b in .boolean(a.isEqv(b)) },
        "equal?": .init { a, b in .boolean(a.isEqual(b)) },
        "cons": .init { a, b in .pair(Pair(a, b)) },
    ]
}

extension Compiler {
    /// An inlined call, when `pair` calls a root primitive from the table with
    /// the arity it handles; nil otherwise.
    func compileInlinePrimitive(_ pair: Pair, _ cell: GlobalCell, _ operandForms: [Value], _ scope: Scope, tail: Bool) throws -> Code? {
        guard operandForms.count == 1 || operandForms.count == 2, cell.module === runtime.modules.root,
              case .procedure(let original) = cell.value else { return nil }
        let name = cell.name.name
        // Only the library's own primitive of that name: after `(set! + -)`
        // the variable holds another procedure, which must be called.
        guard original is Primitive, original.name == name else { return nil }
        let site = CallSite(form: .pair(pair))
        if operandForms.count == 1, let fast = InlinePrimitives.unary[name] {
            let a = try compile(operandForms[0], scope, tail: false)
            return Code(node: InlineUnaryNode(runtime: runtime, cell: cell, original: original, fast: fast, operand: a.node, site: site, tail: tail))
        }
        if operandForms.count == 2, let fast = InlinePrimitives.binary[name] {
            let a = try compile(operandForms[0], scope, tail: false)
            let b = try compile(operandForms[1], scope, tail: false)
            let general = InlineBinaryNode(runtime: runtime, cell: cell, original: original, fast: fast, first: a.node, second: b.node, site: site, tail: tail)
            return Code(node: specialisedFixnumNode(general, name: name))
        }
        return nil
    }
}
