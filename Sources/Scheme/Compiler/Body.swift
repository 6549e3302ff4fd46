/// Bodies (of `lambda`, `let`, …): internal definitions become slots of the
/// enclosing frame with `letrec*` semantics; expressions run in order and the
/// last one is in tail position.
extension Compiler {
    enum BodyItem {
        case definition(slot: Int, value: Value, name: Symbol)
        case expression(Value)
    }

    package func compileBody(_ forms: [Value], _ scope: Scope, tail: Bool, form: Value) throws -> Code {
        guard !forms.isEmpty else {
            throw SchemeError.syntax("empty body", form: form, hint: "a body needs at least one expression")
        }
        var queue = forms
        var index = 0
        var items: [BodyItem] = []
        while index < queue.count {
            let expanded = try expandHead(queue[index], scope)
            index += 1
            guard case .pair(let pair) = expanded, let binding = syntaxBinding(pair.car, in: scope), case .special(let special) = binding else {
                items.append(.expression(expanded))
                continue
            }
            switch special.name {
            case "begin":
                let inner = try elements(expanded, "begin").dropFirst()
                queue.insert(contentsOf: inner, at: index)
            case "define":
                let (key, value) = try parseDefinition(expanded)
                let slot = scope.bind(key)
                items.append(.definition(slot: slot, value: value, name: Compiler.symbolOf(key) ?? Symbol.intern("?")))
            case "define-syntax":
                try defineSyntax(expanded, scope)
            default:
                items.append(.expression(expanded))
            }
        }
        if items.isEmpty { return Code { _ in .unspecified } }
        var codes: [Code] = []
        for (position, item) in items.enumerated() {
            let isLast = position == items.count - 1
            switch item {
            case .expression(let expression):
                codes.append(try compile(expression, scope, tail: tail && isLast))
            case .definition(let slot, let valueForm, let name):
                let valueCode = try compileNamed(valueForm, scope, name: name.name)
                codes.append(Code { frame in
                    frame[slot] = try valueCode(frame)
                    return .unspecified
                })
            }
        }
        return Compiler.sequence(codes)
    }

    /// `(define name expr)` or `(define (name . formals) body…)` (curried
    /// `(define ((f a) b) …)` too) as the bound key and the value expression.
    package func parseDefinition(_ form: Value) throws -> (key: Value, value: Value) {
        let items = try elements(form, "define")
        guard items.count >= 2 else { throw SchemeError.syntax("bad define syntax: missing name", form: form) }
        var target = items[1]
        var body = Array(items.dropFirst(2))
        // Curried definitions nest lambdas from the inside out.
        while case .pair(let signature) = target {
            let lambda = Value.pair(Pair(Compiler.coreIdentifier("lambda", runtime), .pair(Pair(signature.cdr, Value.list(body))), location: signature.location))
            target = signature.car
            body = [lambda]
            if Compiler.isIdentifier(target) {
                return (target, lambda)
            }
        }
        guard Compiler.isIdentifier(target) else {
            throw SchemeError.syntax("bad define syntax: \(target.written(limit: 40)) is not a name", form: form)
        }
        switch body.count {
        case 0: return (target, .unspecified)
        case 1: return (target, body[0])
        default: throw SchemeError.syntax("bad define syntax: more than one value expression", form: form, hint: "use (define (name args …) body …) to define a procedure")
        }
    }

    /// Compiles a value expression; a `lambda` gets `name` for messages and backtraces.
    package func compileNamed(_ form: Value, _ scope: Scope, name: String) throws -> Code {
        let expanded = try expandHead(form, scope)
        if case .pair(let pair) = expanded, let binding = syntaxBinding(pair.car, in: scope), case .special(let special) = binding {
            if special.name == "lambda" { return try compileLambdaForm(expanded, scope, name: name) }
            if special.name == "lambda*" { return try compileLambdaStar(expanded, scope, name: name) }
            if special.name == "case-lambda" { return try compileCaseLambda(expanded, scope, name: name) }
        }
        return try compile(expanded, scope, tail: false)
    }

    package static func sequence(_ codes: [Code]) -> Code {
        switch codes.count {
        case 0: return Code { _ in .unspecified }
        case 1: return codes[0]
        default:
            return Code(node: SequenceNode(leading: codes.dropLast().map(\.node), last: codes[codes.count - 1].node))
        }
    }

    /// An identifier that always means the root module's binding of `name`,
    /// for forms that Swift-written macros produce.
    package static func coreIdentifier(_ name: String, _ runtime: Runtime) -> Value {
        .object(Identifier(name: .symbol(Symbol.intern(name)), scope: nil, module: runtime.modules.root))
    }
}
