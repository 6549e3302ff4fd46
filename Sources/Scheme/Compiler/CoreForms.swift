/// The core special forms every other form expands into.
enum CoreForms {
    static func install(into module: Module) {
        func special(_ name: String, _ compile: @escaping (Compiler, Value, Scope, Bool) throws -> Code) {
            module.define(Symbol.intern(name), .object(SpecialForm(name, compile)))
        }
        special("quote") { c, form, _, _ in
            let items = try c.elements(form, "quote")
            guard items.count == 2 else { throw SchemeError.syntax("bad quote syntax: expected exactly one datum", form: form) }
            return c.constant(Compiler.stripSyntax(items[1]))
        }
        special("if") { c, form, scope, tail in
            let items = try c.elements(form, "if")
            guard items.count == 3 || items.count == 4 else {
                throw SchemeError.syntax("bad if syntax: expected (if test then [else])", form: form)
            }
            let test = try c.compile(items[1], scope, tail: false)
            let then = try c.compile(items[2], scope, tail: tail)
            let otherwise = items.count == 4 ? try c.compile(items[3], scope, tail: tail).node : nil
            if let negation = test.node as? InlineUnaryNode, negation.cell.name.name == "not" {
                return Code(node: IfNotNode(negation: negation, then: then.node, otherwise: otherwise))
            }
            return Code(node: IfNode(test: test.node, then: then.node, otherwise: otherwise))
        }
        special("define") { c, form, scope, _ in
            guard scope.isToplevel else {
                throw SchemeError.syntax("definition in expression context, where definitions are not allowed", form: form,
                                         hint: "put definitions at the start of a body, or wrap them in (let () …)")
            }
            let (key, valueForm) = try c.parseDefinition(form)
            guard let symbol = Compiler.symbolOf(key) else { throw SchemeError.syntax("bad define syntax", form: form) }
            let cell = c.module.localCell(symbol)
            cell.isDeclared = true
            let value = try c.compileNamed(valueForm, scope, name: symbol.name)
            return Code { frame in
                cell.value = try value(frame)
                return .unspecified
            }
        }
        special("set!") { c, form, scope, _ in
            let items = try c.elements(form, "set!")
            guard items.count == 3, Compiler.isIdentifier(items[1]) else {
                throw SchemeError.syntax("bad set! syntax: expected (set! variable expression)", form: form)
            }
            let value = try c.compile(items[2], scope, tail: false)
            return try c.assignment(items[1], scope, value: value, form: form)
        }
        special("lambda") { c, form, scope, _ in try c.compileLambdaForm(form, scope, name: nil) }
        special("begin") { c, form, scope, tail in
            let items = try c.elements(form, "begin").dropFirst()
            if items.isEmpty { return Code { _ in .unspecified } }
            if scope.isToplevel {
                // Top-level begin splices: definitions inside are global.
                var codes: [Code] = []
                for item in items { codes.append(try c.compile(item, scope, tail: false)) }
                return Compiler.sequence(codes)
            }
            var codes: [Code] = []
            for (i, item) in items.enumerated() { codes.append(try c.compile(item, scope, tail: tail && i == items.count - 1)) }
            return Compiler.sequence(codes)
        }
        special("let") { c, form, scope, tail in try c.compileLet(form, scope, tail: tail) }
        special("let*") { c, form, scope, tail in try c.compileLetStar(form, scope, tail: tail) }
        special("letrec") { c, form, scope, tail in try c.compileLetrec(form, scope, tail: tail) }
        special("letrec*") { c, form, scope, tail in try c.compileLetrec(form, scope, tail: tail) }
        special("and") { c, form, scope, tail in
            let items = Array(try c.elements(form, "and").dropFirst())
            if items.isEmpty { return Code { _ in .true } }
            let codes = try items.enumerated().map { try c.compile($1, scope, tail: tail && $0 == items.count - 1) }
            let leading = codes.dropLast(), last = codes[codes.count - 1]
            return Code { frame in
                for code in leading where try code(frame).isFalse { return .false }
                return try last(frame)
            }
        }
        special("or") { c, form, scope, tail in
            let items = Array(try c.elements(form, "or").dropFirst())
            if items.isEmpty { return Code { _ in .false } }
            let codes = try items.enumerated().map { try c.compile($1, scope, tail: tail && $0 == items.count - 1) }
            let leading = codes.dropLast(), last = codes[codes.count - 1]
            return Code { frame in
                for code in leading {
                    let v = try code(frame)
                    if v.isTrue { return v }
                }
                return try last(frame)
            }
        }
        special("when") { c, form, scope, tail in try c.compileWhen(form, scope, tail: tail, negate: false) }
        special("unless") { c, form, scope, tail in try c.compileWhen(form, scope, tail: tail, negate: true) }
        special("cond") { c, form, scope, tail in try c.compileCond(form, scope, tail: tail) }
        special("case") { c, form, scope, tail in try c.compileCase(form, scope, tail: tail) }
        special("do") { c, form, scope, tail in try c.compileDo(form, scope, tail: tail) }
        // Guix's (current-source-directory): the directory of the file whose
        // top-level form is being compiled, even from inside a macro's expansion
        // (`local-file` resolves names against it); #f for code not read from a file.
        special("current-source-directory") { c, _, _, _ in
            guard let file = c.sourceFile, file.hasPrefix("/") else { return c.constant(.false) }
            let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            return c.constant(.string(directory.isEmpty ? "/" : directory))
        }
        special("define-syntax") { c, form, scope, _ in
            try c.defineSyntax(form, scope)
            return Code { _ in .unspecified }
        }
        special("let-syntax") { c, form, scope, tail in try c.compileLetSyntax(form, scope, tail: tail) }
        special("letrec-syntax") { c, form, scope, tail in try c.compileLetSyntax(form, scope, tail: tail) }
        special("quasiquote") { c, form, scope, _ in try c.compileQuasiquote(form, scope) }
        special("lambda*") { c, form, scope, _ in try c.compileLambdaStar(form, scope, name: nil) }
        special("case-lambda") { c, form, scope, _ in try c.compileCaseLambda(form, scope, name: nil) }
    }
}

extension Compiler {
    func compileLambdaForm(_ form: Value, _ scope: Scope, name: String?) throws -> Code {
        let items = try elements(form, "lambda")
        guard items.count >= 3 else {
            throw SchemeError.syntax("bad lambda syntax: expected (lambda formals body …)", form: form)
        }
        let inner = Scope(parent: scope, isFrame: true, module: scope.module)
        var formals = items[1]
        var required = 0
        var seen = Set<ObjectIdentifier>()
        func bindParameter(_ key: Value) throws {
            guard Compiler.isIdentifier(key), let id = Scope.keyIdentity(key) else {
                throw SchemeError.syntax("bad lambda syntax: parameter \(key.written(limit: 40)) is not an identifier", form: form)
            }
            guard seen.insert(id).inserted else {
                throw SchemeError.syntax("duplicate parameter \(key.written(limit: 40)) in lambda", form: form)
            }
            inner.bind(key)
        }
        while case .pair(let p) = formals {
            try bindParameter(p.car)
            required += 1
            formals = p.cdr
        }
        var hasRest = false
        if !formals.isNull {
            try bindParameter(formals)
            hasRest = true
        }
        let template = LambdaTemplate(
            name: name, location: form.asPair?.location, required: required, optionals: [], hasRest: hasRest)
        template.body = try compileBody(Array(items.dropFirst(2)), inner, tail: true, form: form)
        template.frameSize = inner.frameSize
        return Code { frame in .procedure(Closure(template: template, captured: frame)) }
    }

    /// `(let ((v e) …) body)`: the values are computed in the outer scope and
    /// stored into new slots of the current frame.
    func compileLet(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let items = try elements(form, "let")
        guard items.count >= 3 else { throw SchemeError.syntax("bad let syntax: expected (let ((var expr) …) body …)", form: form) }
        if Compiler.isIdentifier(items[1]) { return try compileNamedLet(form, items, scope, tail: tail) }
        let bindings = try parseBindings(items[1], form: form, what: "let")
        let inits = try bindings.map { try compileNamed($0.1, scope, name: Compiler.symbolOf($0.0)?.name ?? "") }
        let inner = Scope(parent: scope, isFrame: false, module: scope.module)
        let slots = bindings.map { inner.bind($0.0) }
        let body = try compileBody(Array(items.dropFirst(2)), inner, tail: tail, form: form)
        if slots.count >= 1 {
            return Code(node: LetNode(slots: slots, inits: inits.map(\.node), body: body.node))
        }
        // The inits are compiled in the outer scope, so storing each value as it
        // is computed cannot be observed by a later init.
        return Code { frame in
            for i in 0..<slots.count { frame[slots[i]] = try inits[i](frame) }
            return try body(frame)
        }
    }

    func compileLetStar(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let items = try elements(form, "let*")
        guard items.count >= 3 else { throw SchemeError.syntax("bad let* syntax: expected (let* ((var expr) …) body …)", form: form) }
        let bindings = try parseBindings(items[1], form: form, what: "let*")
        var current = scope
        var steps: [(Int, Code)] = []
        for (key, valueForm) in bindings {
            let initial = try compileNamed(valueForm, current, name: Compiler.symbolOf(key)?.name ?? "")
            let inner = Scope(parent: current, isFrame: false, module: scope.module)
            steps.append((inner.bind(key), initial))
            current = inner
        }
        let bodyScope = Scope(parent: current, isFrame: false, module: scope.module)
        let body = try compileBody(Array(items.dropFirst(2)), bodyScope, tail: tail, form: form)
        return Code { frame in
            for (slot, initial) in steps { frame[slot] = try initial(frame) }
            return try body(frame)
        }
    }

    func compileLetrec(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let items = try elements(form, "letrec")
        guard items.count >= 3 else { throw SchemeError.syntax("bad letrec syntax: expected (letrec ((var expr) …) body …)", form: form) }
        let bindings = try parseBindings(items[1], form: form, what: "letrec")
        let inner = Scope(parent: scope, isFrame: false, module: scope.module)
        let slots = bindings.map { inner.bind($0.0) }
        let inits = try bindings.map { try compileNamed($0.1, inner, name: Compiler.symbolOf($0.0)?.name ?? "") }
        let body = try compileBody(Array(items.dropFirst(2)), inner, tail: tail, form: form)
        return Code { frame in
            for slot in slots { frame[slot] = .undefined }
            for i in 0..<slots.count { frame[slots[i]] = try inits[i](frame) }
            return try body(frame)
        }
    }

    /// `(let loop ((v e) …) body)` is a local recursive procedure called at once.
    private func compileNamedLet(_ form: Value, _ items: [Value], _ scope: Scope, tail: Bool) throws -> Code {
        guard items.count >= 4 else { throw SchemeError.syntax("bad named let syntax: expected (let name ((var expr) …) body …)", form: form) }
        let name = items[1]
        let bindings = try parseBindings(items[2], form: form, what: "let")
        let inits = try bindings.map { try compile($0.1, scope, tail: false) }
        let inner = Scope(parent: scope, isFrame: false, module: scope.module)
        let slot = inner.bind(name)
        let lambda = Value.list([Compiler.coreIdentifier("lambda", runtime), Value.list(bindings.map(\.0))] + items.dropFirst(3))
        if case .pair(let p) = lambda { p.location = form.asPair?.location }
        let makeClosure = try compileLambdaForm(lambda, inner, name: Compiler.symbolOf(name)?.name)
        let rt = runtime
        let site = CallSite(form: form)
        return Code { frame in
            let procedure = try makeClosure(frame)
            frame[slot] = procedure
            guard case .procedure(let p) = procedure, let closure = p as? Closure else { return .unspecified }
            let newFrame = Frame.make(parent: closure.captured, count: closure.template.frameSize)
            for i in 0..<inits.count { newFrame[i] = try inits[i](frame) }
            do { return try rt.enter(closure, newFrame, tail: tail) } catch let e as SchemeError { throw site.annotate(e, procedure) }
        }
    }

    func parseBindings(_ list: Value, form: Value, what: String) throws -> [(Value, Value)] {
        guard let entries = list.listElements else {
            throw SchemeError.syntax("bad \(what) syntax: bindings are not a list", form: form)
        }
        var seen = Set<ObjectIdentifier>()
        return try entries.map { entry in
            guard let parts = entry.listElements, parts.count == 2, Compiler.isIdentifier(parts[0]) else {
                throw SchemeError.syntax("bad \(what) binding \(entry.written(limit: 40)): expected (name expression)", form: form)
            }
            if what != "let*", let id = Scope.keyIdentity(parts[0]), !seen.insert(id).inserted {
                throw SchemeError.syntax("duplicate binding \(parts[0].written(limit: 40)) in \(what)", form: form)
            }
            return (parts[0], parts[1])
        }
    }
}
