/// Forms defined by rewriting into core forms. The rewrites use root-module
/// identifiers for the core forms they produce and fresh identifiers for their
/// temporaries, so user bindings cannot interfere with them.
enum DerivedForms {
    static func install(into module: Module, runtime: Runtime) {
        func macro(_ name: String, _ transform: @escaping (Compiler, Value, Scope) throws -> Value) {
            module.define(Symbol.intern(name), .object(Macro(name: name, transformer: .native(transform), scope: nil, module: module)))
        }
        let core = { (name: String) in Compiler.coreIdentifier(name, runtime) }
        func fresh(_ name: String) -> Value {
            .object(Identifier(name: .symbol(Symbol.uninterned(name)), scope: nil, module: module))
        }
        func parts(_ c: Compiler, _ form: Value, _ name: String, atLeast: Int, _ usage: String) throws -> [Value] {
            let items = try c.elements(form, name)
            guard items.count >= atLeast else { throw SchemeError.syntax("bad \(name) syntax: expected \(usage)", form: form) }
            return items
        }
        func located(_ value: Value, _ form: Value) -> Value {
            if case .pair(let p) = value, p.location == nil { p.location = form.asPair?.location }
            return value
        }

        macro("define-public") { c, form, _ in
            let items = try parts(c, form, "define-public", atLeast: 2, "(define-public name value)")
            var target = items[1]
            while case .pair(let p) = target { target = p.car }
            let definition = located(Value.list([core("define")] + items.dropFirst()), form)
            return Value.list(core("begin"), definition, Value.list(core("export"), target))
        }
        macro("define*") { c, form, _ in
            let items = try parts(c, form, "define*", atLeast: 3, "(define* (name formals …) body …)")
            guard case .pair(let signature) = items[1] else { return located(Value.list([core("define")] + items.dropFirst()), form) }
            let lambda = located(Value.list([core("lambda*"), signature.cdr] + items.dropFirst(2)), form)
            return located(Value.list(core("define"), signature.car, lambda), form)
        }
        macro("define*-public") { c, form, _ in
            let items = try parts(c, form, "define*-public", atLeast: 3, "(define*-public (name formals …) body …)")
            guard case .pair(let signature) = items[1] else { throw SchemeError.syntax("bad define*-public syntax", form: form) }
            return Value.list(core("begin"), located(Value.list([core("define*")] + items.dropFirst()), form), Value.list(core("export"), signature.car))
        }
        macro("define-syntax-rule") { c, form, _ in
            let items = try parts(c, form, "define-syntax-rule", atLeast: 3, "(define-syntax-rule (name . pattern) template)")
            guard case .pair(let signature) = items[1] else { throw SchemeError.syntax("bad define-syntax-rule syntax", form: form) }
            let template = items.count == 4 ? items[3] : items[2]  // an optional docstring comes first
            let rule = Value.list(.pair(Pair(.symbol("_"), signature.cdr)), template)
            return Value.list(core("define-syntax"), signature.car, Value.list(core("syntax-rules"), .null, rule))
        }
        macro("define-macro") { c, form, _ in
            let items = try parts(c, form, "define-macro", atLeast: 3, "(define-macro (name . args) body …)")
            guard case .pair(let signature) = items[1] else { throw SchemeError.syntax("bad define-macro syntax", form: form) }
            let transformer = Value.list([core("lambda"), signature.cdr] + items.dropFirst(2))
            return Value.list(core("define-syntax"), signature.car, transformer)
        }
        macro("receive") { c, form, _ in
            let items = try parts(c, form, "receive", atLeast: 4, "(receive formals expression body …)")
            return located(Value.list(core("call-with-values"), Value.list(core("lambda"), .null, items[2]),
                                      Value.list([core("lambda"), items[1]] + items.dropFirst(3))), form)
        }
        macro("let-values") { c, form, _ in
            let items = try parts(c, form, "let-values", atLeast: 3, "(let-values (((formals) expression) …) body …)")
            guard let bindings = items[1].listElements else { throw SchemeError.syntax("bad let-values bindings", form: form) }
            // Evaluate every expression in the outer scope into temporaries, then bind.
            var renames: [(Value, Value)] = []
            var outer: [(Value, Value)] = []
            for binding in bindings {
                guard let pair = binding.listElements, pair.count == 2 else { throw SchemeError.syntax("bad let-values binding \(binding.written(limit: 40))", form: form) }
                var formals = pair[0]
                var temporaries: [Value] = []
                while case .pair(let p) = formals {
                    let t = fresh("t")
                    temporaries.append(t)
                    renames.append((p.car, t))
                    formals = p.cdr
                }
                var restTemp: Value = .null
                if !formals.isNull {
                    restTemp = fresh("rest")
                    renames.append((formals, restTemp))
                }
                outer.append((Value.list(temporaries, tail: restTemp), pair[1]))
            }
            var body = Value.list([core("let"), Value.list(renames.map { Value.list($0.0, $0.1) })] + items.dropFirst(2))
            for (formals, expression) in outer.reversed() {
                body = Value.list(core("call-with-values"), Value.list(core("lambda"), .null, expression), Value.list(core("lambda"), formals, body))
            }
            return located(body, form)
        }
        macro("let*-values") { c, form, _ in
            let items = try parts(c, form, "let*-values", atLeast: 3, "(let*-values (((formals) expression) …) body …)")
            guard let bindings = items[1].listElements else { throw SchemeError.syntax("bad let*-values bindings", form: form) }
            var body = Value.list([core("let"), .null] + items.dropFirst(2))
            for binding in bindings.reversed() {
                guard let pair = binding.listElements, pair.count == 2 else { throw SchemeError.syntax("bad let*-values binding", form: form) }
                body = Value.list(core("call-with-values"), Value.list(core("lambda"), .null, pair[1]), Value.list(core("lambda"), pair[0], body))
            }
            return located(body, form)
        }
        macro("define-values") { c, form, _ in
            let items = try parts(c, form, "define-values", atLeast: 3, "(define-values formals expression)")
            var formals = items[1]
            var names: [Value] = []
            var temporaries: [Value] = []
            while case .pair(let p) = formals {
                names.append(p.car)
                temporaries.append(fresh("t"))
                formals = p.cdr
            }
            var restTemp: Value = .null
            if !formals.isNull {
                names.append(formals)
                restTemp = fresh("rest")
            }
            let allTemps = temporaries + (restTemp.isNull ? [] : [restTemp])
            let assignments = zip(names, allTemps).map { Value.list(core("set!"), $0.0, $0.1) }
            let receiver = Value.list([core("lambda"), Value.list(temporaries, tail: restTemp)] + assignments)
            let definitions = names.map { Value.list(core("define"), $0, .false) }
            return Value.list([core("begin")] + definitions + [Value.list(core("call-with-values"), Value.list(core("lambda"), .null, items[2]), receiver)])
        }
        macro("assert") { c, form, _ in
            let items = try parts(c, form, "assert", atLeast: 2, "(assert expression)")
            let failure = Value.list(core("%assertion-failed"), Value.list(core("quote"), items[1]))
            return located(Value.list(core("if"), items[1], .true, failure), form)
        }
        macro("and-let*") { c, form, _ in
            let items = try parts(c, form, "and-let*", atLeast: 2, "(and-let* (clause …) body …)")
            guard let clauses = items[1].listElements else { throw SchemeError.syntax("bad and-let* clauses", form: form) }
            var result: Value = items.count > 2 ? Value.list([core("let"), .null] + items.dropFirst(2)) : .true
            for clause in clauses.reversed() {
                if Compiler.isIdentifier(clause) {
                    result = Value.list(core("if"), clause, result, .false)
                } else if let p = clause.listElements, p.count == 2, Compiler.isIdentifier(p[0]) {
                    result = Value.list(core("let"), Value.list(Value.list(p[0], p[1])), Value.list(core("if"), p[0], result, .false))
                } else if let p = clause.listElements, p.count == 1 {
                    result = Value.list(core("if"), p[0], result, .false)
                } else {
                    throw SchemeError.syntax("bad and-let* clause \(clause.written(limit: 40))", form: form)
                }
            }
            return located(result, form)
        }
        func cut(_ c: Compiler, _ form: Value, evaluateOnce: Bool) throws -> Value {
            let items = try parts(c, form, evaluateOnce ? "cute" : "cut", atLeast: 2, "(cut procedure argument …)")
            var parameters: [Value] = []
            var call: [Value] = []
            var prebound: [(Value, Value)] = []
            var rest: Value = .null
            for item in items.dropFirst() {
                switch Compiler.symbolOf(item)?.name {
                case "<>":
                    let t = fresh("x")
                    parameters.append(t)
                    call.append(t)
                case "<...>":
                    rest = fresh("rest")
                default:
                    if evaluateOnce, case .pair = item {
                        let t = fresh("v")
                        prebound.append((t, item))
                        call.append(t)
                    } else {
                        call.append(item)
                    }
                }
            }
            let body = rest.isNull ? Value.list(call) : Value.list([core("apply")] + call + [rest])
            let lambda = Value.list(core("lambda"), Value.list(parameters, tail: rest), body)
            if prebound.isEmpty { return located(lambda, form) }
            return located(Value.list(core("let"), Value.list(prebound.map { Value.list($0.0, $0.1) }), lambda), form)
        }
        macro("cut") { c, form, _ in try cut(c, form, evaluateOnce: false) }
        macro("cute") { c, form, _ in try cut(c, form, evaluateOnce: true) }
        macro("delay") { c, form, _ in
            let items = try parts(c, form, "delay", atLeast: 2, "(delay expression)")
            return Value.list(core("%make-delayed"), Value.list(core("lambda"), .null, items[1]))
        }
        macro("delay-force") { c, form, _ in
            let items = try parts(c, form, "delay-force", atLeast: 2, "(delay-force expression)")
            return Value.list(core("%make-delayed-force"), Value.list(core("lambda"), .null, items[1]))
        }
        module.define(Symbol.intern("lazy"), module.table[Symbol.intern("delay-force")]?.value ?? .unspecified)
        macro("false-if-exception") { c, form, _ in
            let items = try parts(c, form, "false-if-exception", atLeast: 2, "(false-if-exception expression)")
            return Value.list(core("catch"), .true, Value.list(core("lambda"), .null, items[1]), Value.list(core("lambda"), fresh("args"), .false))
        }
        module.define(Symbol.intern("%make-delayed"), .procedure(Primitive("%make-delayed") { thunk in .object(Promise(.delayed(thunk))) }))
        module.define(Symbol.intern("%make-delayed-force"), .procedure(Primitive("%make-delayed-force") { thunk in .object(Promise(.delayedForce(thunk))) }))
        module.define(Symbol.intern("%assertion-failed"), .procedure(Primitive("%assertion-failed") { expression in
            throw SchemeError(.assertion, who: "assert", message: "assertion failed: \(expression.written(limit: 80))", irritants: [expression])
        }))
    }
}
