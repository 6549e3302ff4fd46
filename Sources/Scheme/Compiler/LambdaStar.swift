/// `lambda*` (Guile's optional, keyword and rest parameters) and `case-lambda`.
extension Compiler {
    func compileLambdaStar(_ form: Value, _ scope: Scope, name: String?) throws -> Code {
        let items = try elements(form, "lambda*")
        guard items.count >= 3 else { throw SchemeError.syntax("bad lambda* syntax: expected (lambda* formals body …)", form: form) }
        var required: [Value] = []
        var optionals: [(Value, Value?)] = []
        var keys: [(Value, Symbol, Value?)] = []
        var rest: Value?
        var allowOtherKeys = false
        enum Section { case required, optional, key, rest }
        var section = Section.required
        var formals = items[1]
        func parameter(_ spec: Value) throws -> (Value, Value?) {
            if Compiler.isIdentifier(spec) { return (spec, nil) }
            if let parts = spec.listElements, parts.count == 2, Compiler.isIdentifier(parts[0]) { return (parts[0], parts[1]) }
            throw SchemeError.syntax("bad lambda* parameter \(spec.written(limit: 40))", form: form)
        }
        while case .pair(let p) = formals {
            formals = p.cdr
            if case .keyword(let k) = p.car {
                switch k.name {
                case "optional": section = .optional
                case "key": section = .key
                case "rest": section = .rest
                case "allow-other-keys": allowOtherKeys = true
                default: throw SchemeError.syntax("bad lambda* syntax: unknown marker #:\(k.name)", form: form, hint: "use #:optional, #:key, #:rest or #:allow-other-keys")
                }
                continue
            }
            switch section {
            case .required:
                guard Compiler.isIdentifier(p.car) else { throw SchemeError.syntax("bad lambda* parameter \(p.car.written(limit: 40))", form: form) }
                required.append(p.car)
            case .optional: optionals.append(try parameter(p.car))
            case .key:
                let (variable, initial) = try parameter(p.car)
                keys.append((variable, Compiler.symbolOf(variable) ?? Symbol.intern("?"), initial))
            case .rest:
                guard rest == nil, Compiler.isIdentifier(p.car) else { throw SchemeError.syntax("bad lambda* syntax: #:rest takes one identifier", form: form) }
                rest = p.car
            }
        }
        if !formals.isNull {
            guard Compiler.isIdentifier(formals), rest == nil else { throw SchemeError.syntax("bad lambda* formals", form: form) }
            rest = formals
        }
        // Slots follow `Closure.makeFrame`: required, optionals, rest, keys.
        let inner = Scope(parent: scope, isFrame: true, module: scope.module)
        for r in required { inner.bind(r) }
        var optionalCodes: [Code?] = []
        for (variable, initial) in optionals {
            optionalCodes.append(try initial.map { try compile($0, inner, tail: false) })
            inner.bind(variable)
        }
        if let rest { inner.bind(rest) }
        var keywordSpecs: [(keyword: Symbol, defaultValue: Code?)] = []
        for (variable, keyword, initial) in keys {
            keywordSpecs.append((keyword, try initial.map { try compile($0, inner, tail: false) }))
            inner.bind(variable)
        }
        let template = LambdaTemplate(
            name: name, location: form.asPair?.location, required: required.count, optionals: optionalCodes,
            hasRest: rest != nil, keywords: keywordSpecs, allowOtherKeys: allowOtherKeys)
        template.body = try compileBody(Array(items.dropFirst(2)), inner, tail: true, form: form)
        template.frameSize = inner.frameSize
        return Code { frame in .procedure(Closure(template: template, captured: frame)) }
    }

    func compileCaseLambda(_ form: Value, _ scope: Scope, name: String?) throws -> Code {
        let clauses = Array(try elements(form, "case-lambda").dropFirst())
        let lambdas = try clauses.map { clause -> Code in
            guard case .pair(let p) = clause else { throw SchemeError.syntax("bad case-lambda clause \(clause.written(limit: 40))", form: form) }
            let lambda = Value.pair(Pair(Compiler.coreIdentifier("lambda", runtime), .pair(p), location: p.location))
            return try compileLambdaForm(lambda, scope, name: name)
        }
        return Code { frame in
            let closures = try lambdas.compactMap { code -> Closure? in
                if case .procedure(let p) = try code(frame) { return p as? Closure }
                return nil
            }
            return .procedure(CaseLambda(name: name, clauses: closures))
        }
    }
}

/// A procedure that picks the first clause accepting the argument count.
package final class CaseLambda: Procedure {
    let clauses: [Closure]

    init(name: String?, clauses: [Closure]) {
        self.clauses = clauses
        super.init(name: name)
    }

    package override func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        for clause in clauses {
            let t = clause.template
            if arguments.count == t.required || (t.hasRest && arguments.count >= t.required) {
                return try runtime.run(clause, clause.makeFrame(arguments))
            }
        }
        let accepted = clauses.map(\.template.arityDescription).joined(separator: ", ")
        throw SchemeError.wrongArgumentCount(procedure: name ?? "case-lambda procedure", expected: "one of \(accepted)", given: arguments.count)
    }
}
