/// `when`, `unless`, `cond`, `case` and `do`.
extension Compiler {
    func compileWhen(_ form: Value, _ scope: Scope, tail: Bool, negate: Bool) throws -> Code {
        let items = try elements(form, negate ? "unless" : "when")
        guard items.count >= 2 else { throw SchemeError.syntax("bad \(negate ? "unless" : "when") syntax: missing test", form: form) }
        let test = try compile(items[1], scope, tail: false)
        let bodyForms = Array(items.dropFirst(2))
        let body = try Compiler.sequence(bodyForms.enumerated().map { try compile($1, scope, tail: tail && $0 == bodyForms.count - 1) })
        if negate { return Code { frame in try test(frame).isTrue ? .unspecified : try body(frame) } }
        return Code { frame in try test(frame).isTrue ? try body(frame) : .unspecified }
    }

    private func isLiteral(_ value: Value, _ name: String, _ scope: Scope) -> Bool {
        guard let symbol = Compiler.symbolOf(value), symbol.name == name else { return false }
        // A local variable named `else` is a variable, not the keyword.
        if case .local = resolve(value, in: scope) { return false }
        return true
    }

    func compileCond(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let clauses = Array(try elements(form, "cond").dropFirst())
        enum Clause {
            case test(Code, Code?)
            case arrow(Code, Code)
            case otherwise(Code)
        }
        var compiled: [Clause] = []
        let rt = runtime
        for (position, clause) in clauses.enumerated() {
            guard let parts = clause.listElements, !parts.isEmpty else {
                throw SchemeError.syntax("bad cond clause \(clause.written(limit: 40))", form: form)
            }
            if isLiteral(parts[0], "else", scope) {
                guard position == clauses.count - 1 else { throw SchemeError.syntax("else clause must be last in cond", form: form) }
                let body = try compileSequence(Array(parts.dropFirst()), scope, tail: tail, form: clause)
                compiled.append(.otherwise(body))
                continue
            }
            let test = try compile(parts[0], scope, tail: false)
            if parts.count == 3, isLiteral(parts[1], "=>", scope) {
                compiled.append(.arrow(test, try compile(parts[2], scope, tail: false)))
            } else if parts.count == 1 {
                compiled.append(.test(test, nil))
            } else {
                compiled.append(.test(test, try compileSequence(Array(parts.dropFirst()), scope, tail: tail, form: clause)))
            }
        }
        return Code { frame in
            for clause in compiled {
                switch clause {
                case .test(let test, let body):
                    let v = try test(frame)
                    if v.isTrue { return try body?(frame) ?? v }
                case .arrow(let test, let receiver):
                    let v = try test(frame)
                    if v.isTrue { return try rt.call1(try receiver(frame), v, tail: tail) }
                case .otherwise(let body):
                    return try body(frame)
                }
            }
            return .unspecified
        }
    }

    func compileSequence(_ forms: [Value], _ scope: Scope, tail: Bool, form: Value) throws -> Code {
        guard !forms.isEmpty else { throw SchemeError.syntax("empty clause body", form: form) }
        return Compiler.sequence(try forms.enumerated().map { try compile($1, scope, tail: tail && $0 == forms.count - 1) })
    }

    func compileCase(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let items = try elements(form, "case")
        guard items.count >= 2 else { throw SchemeError.syntax("bad case syntax: missing key", form: form) }
        let key = try compile(items[1], scope, tail: false)
        var clauses: [(data: [Value]?, body: Code, arrow: Bool)] = []
        for clause in items.dropFirst(2) {
            guard let parts = clause.listElements, parts.count >= 2 else {
                throw SchemeError.syntax("bad case clause \(clause.written(limit: 40))", form: form)
            }
            let arrow = parts.count == 3 && isLiteral(parts[1], "=>", scope)
            let body = arrow ? try compile(parts[2], scope, tail: false) : try compileSequence(Array(parts.dropFirst()), scope, tail: tail, form: clause)
            if isLiteral(parts[0], "else", scope) {
                clauses.append((nil, body, arrow))
            } else {
                guard let data = parts[0].listElements else {
                    throw SchemeError.syntax("bad case clause: \(parts[0].written(limit: 40)) is not a list of data", form: form)
                }
                clauses.append((data.map(Compiler.stripSyntax), body, arrow))
            }
        }
        let rt = runtime
        return Code { frame in
            let k = try key(frame)
            for clause in clauses {
                if let data = clause.data, !data.contains(where: { $0.isEqv(k) }) { continue }
                if clause.arrow { return try rt.call1(try clause.body(frame), k, tail: tail) }
                return try clause.body(frame)
            }
            return .unspecified
        }
    }

    /// `do` is rewritten to a named let, so that each iteration has fresh
    /// bindings that closures can capture.
    func compileDo(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let items = try elements(form, "do")
        guard items.count >= 3, let specs = items[1].listElements, let exit = items[2].listElements, !exit.isEmpty else {
            throw SchemeError.syntax("bad do syntax: expected (do ((var init step) …) (test result …) command …)", form: form)
        }
        let loop = Value.object(Identifier(name: .symbol(Symbol.intern("do-loop")), scope: nil, module: runtime.modules.root))
        var bindings: [Value] = []
        var steps: [Value] = []
        for spec in specs {
            guard let parts = spec.listElements, parts.count == 2 || parts.count == 3, Compiler.isIdentifier(parts[0]) else {
                throw SchemeError.syntax("bad do binding \(spec.written(limit: 40))", form: form)
            }
            bindings.append(Value.list(parts[0], parts[1]))
            steps.append(parts.count == 3 ? parts[2] : parts[0])
        }
        let core = { Compiler.coreIdentifier($0, self.runtime) }
        let result: [Value] = exit.count > 1 ? Array(exit.dropFirst()) : [.unspecified]
        let body = Value.list([core("begin")] + Array(items.dropFirst(3)) + [Value.list([loop] + steps)])
        let rewritten = Value.list(
            core("let"), loop, Value.list(bindings),
            Value.list(core("if"), exit[0], Value.list([core("begin")] + result), body))
        if case .pair(let p) = rewritten { p.location = form.asPair?.location }
        return try compile(rewritten, scope, tail: tail)
    }
}
