/// `parameterize` and `guard`: forms that must run code around their body.
enum ControlForms {
    static func install(into module: Module, runtime: Runtime) {
        func special(_ name: String, _ compile: @escaping (Compiler, Value, Scope, Bool) throws -> Code) {
            module.define(Symbol.intern(name), .object(SpecialForm(name, compile)))
        }
        special("parameterize") { c, form, scope, _ in try c.compileParameterize(form, scope) }
        special("guard") { c, form, scope, _ in try c.compileGuard(form, scope) }
    }
}

extension Compiler {
    func compileParameterize(_ form: Value, _ scope: Scope) throws -> Code {
        let items = try elements(form, "parameterize")
        guard items.count >= 3, let bindings = items[1].listElements else {
            throw SchemeError.syntax("bad parameterize syntax: expected (parameterize ((parameter value) …) body …)", form: form)
        }
        let pairs = try bindings.map { binding -> (Code, Code) in
            guard let p = binding.listElements, p.count == 2 else { throw SchemeError.syntax("bad parameterize binding \(binding.written(limit: 40))", form: form) }
            return (try compile(p[0], scope, tail: false), try compile(p[1], scope, tail: false))
        }
        let inner = Scope(parent: scope, isFrame: false, module: scope.module)
        let body = try compileBody(Array(items.dropFirst(2)), inner, tail: false, form: form)
        let rt = runtime
        return Code { frame in
            var parameters: [(Parameter, Value)] = []
            for (parameterCode, valueCode) in pairs {
                let target = try parameterCode(frame)
                guard case .procedure(let p) = target, let parameter = p as? Parameter else {
                    throw SchemeError.wrongType(procedure: "parameterize", position: 1, expected: "parameter", got: target)
                }
                parameters.append((parameter, try parameter.convert(try valueCode(frame), in: rt)))
            }
            let saved = parameters.map { $0.0.value }
            for (parameter, value) in parameters { parameter.value = value }
            defer { for (index, (parameter, _)) in parameters.enumerated() { parameter.value = saved[index] } }
            return try body(frame)
        }
    }

    /// `(guard (var clause …) body …)`: clauses are `cond` clauses; with no
    /// clause matching, the condition is raised again.
    func compileGuard(_ form: Value, _ scope: Scope) throws -> Code {
        let items = try elements(form, "guard")
        guard items.count >= 3, case .pair(let spec) = items[1], Compiler.isIdentifier(spec.car), let clauses = spec.cdr.listElements else {
            throw SchemeError.syntax("bad guard syntax: expected (guard (variable clause …) body …)", form: form)
        }
        let bodyScope = Scope(parent: scope, isFrame: false, module: scope.module)
        let body = try compileBody(Array(items.dropFirst(2)), bodyScope, tail: false, form: form)
        let handlerScope = Scope(parent: scope, isFrame: false, module: scope.module)
        let slot = handlerScope.bind(spec.car)
        let hasElse = clauses.last.flatMap { $0.asPair.map { Compiler.symbolOf($0.car)?.name == "else" } } ?? false
        var allClauses = clauses
        if !hasElse {
            allClauses.append(Value.list(.symbol("else"), Value.list(Compiler.coreIdentifier("%reraise", runtime), spec.car)))
        }
        let handler = try compileCond(Value.list([Compiler.coreIdentifier("cond", runtime)] + allClauses), handlerScope, tail: false)
        let rt = runtime
        return Code { frame in
            let depth = rt.handlers.count
            do {
                return try body(frame)
            } catch let error as SchemeError where error.kind != .exit {
                rt.handlers.removeSubrange(min(depth, rt.handlers.count)...)
                frame[slot] = error.conditionValue
                return try handler(frame)
            }
        }
    }
}
