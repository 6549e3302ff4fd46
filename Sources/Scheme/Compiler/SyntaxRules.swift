/// `syntax-rules` macros. Symbols a template introduces are renamed to fresh
/// `Identifier`s that remember the macro's definition scope, which gives the
/// hygiene package modules need: a macro's temporaries cannot capture user
/// variables and a user's local bindings cannot change what the macro's free
/// names mean.
package final class SyntaxRules {
    let ellipsis: Symbol
    let literals: Set<Symbol>
    let rules: [(pattern: Value, template: Value)]
    let name: String

    init(name: String, ellipsis: Symbol, literals: Set<Symbol>, rules: [(Value, Value)]) {
        self.name = name
        self.ellipsis = ellipsis
        self.literals = literals
        self.rules = rules.map { (pattern: $0.0, template: $0.1) }
    }

    /// Parses `(syntax-rules [ellipsis] (literal …) (pattern template) …)`.
    static func parse(_ spec: Value, name: String) throws -> SyntaxRules {
        guard var items = spec.listElements, items.count >= 2 else {
            throw SchemeError.syntax("bad syntax-rules: expected (syntax-rules (literal …) (pattern template) …)", form: spec)
        }
        items.removeFirst()
        var ellipsis = Symbol.intern("...")
        if let custom = Compiler.symbolOf(items[0]) {
            ellipsis = custom
            items.removeFirst()
        }
        guard let literalList = items.first?.listElements else {
            throw SchemeError.syntax("bad syntax-rules: the literals must be a list", form: spec)
        }
        let literals = Set(literalList.compactMap(Compiler.symbolOf))
        var rules: [(Value, Value)] = []
        for rule in items.dropFirst() {
            guard let parts = rule.listElements, parts.count == 2, case .pair = parts[0] else {
                throw SchemeError.syntax("bad syntax-rules clause \(rule.written(limit: 60)): expected (pattern template)", form: spec)
            }
            rules.append((parts[0], parts[1]))
        }
        return SyntaxRules(name: name, ellipsis: ellipsis, literals: literals, rules: rules)
    }

    /// What a pattern variable matched: one form, or a sequence under an ellipsis.
    indirect enum Match {
        case one(Value)
        case many([Match])
    }

    typealias Bindings = [ObjectIdentifier: Match]

    func expand(_ form: Value, useScope: Scope, macro: Macro, compiler: Compiler) throws -> Value {
        guard case .pair(let formPair) = form else { return form }
        for rule in rules {
            guard case .pair(let patternPair) = rule.pattern else { continue }
            var bindings: Bindings = [:]
            // The keyword position is not matched.
            if try match(patternPair.cdr, formPair.cdr, &bindings) {
                var renames: [ObjectIdentifier: Value] = [:]
                let expansion = try instantiate(rule.template, bindings, macro: macro, renames: &renames, escaped: false)
                if case .pair(let p) = expansion, p.location == nil { p.location = formPair.location }
                return expansion
            }
        }
        throw SchemeError.syntax("no rule of macro \(name) matches \(Compiler.stripSyntax(form).written(limit: 80))", form: form,
                                 hint: "check the number and shape of the arguments to \(name)")
    }

    private func isEllipsis(_ value: Value) -> Bool {
        Compiler.symbolOf(value) === ellipsis
    }

    private func match(_ pattern: Value, _ input: Value, _ bindings: inout Bindings) throws -> Bool {
        try StackGuard.check()
        switch pattern {
        case .symbol, .object(is Identifier):
            guard let symbol = Compiler.symbolOf(pattern) else { return false }
            // A `_` listed among the literals is a literal (R7RS), as Guix's
            // substitute* relies on; otherwise it matches anything.
            if literals.contains(symbol) { return Compiler.symbolOf(input) === symbol }
            if symbol.name == "_" { return true }
            if let key = Scope.keyIdentity(pattern) { bindings[key] = .one(input) }
            return true
        case .pair(let p):
            if case .pair(let next) = p.cdr, isEllipsis(next.car) {
                // (p ... after …) : the ellipsis takes all but what the patterns after it need.
                let after = next.cdr
                var afterCount = 0
                var cursor = after
                while case .pair(let a) = cursor { afterCount += 1; cursor = a.cdr }
                var items: [Value] = []
                var rest = input
                while case .pair(let q) = rest { items.append(q.car); rest = q.cdr }
                guard items.count >= afterCount else { return false }
                let repeated = items.count - afterCount
                var matches: [Bindings] = []
                for item in items.prefix(repeated) {
                    var b: Bindings = [:]
                    guard try match(p.car, item, &b) else { return false }
                    matches.append(b)
                }
                for variable in patternVariables(p.car) {
                    bindings[variable] = .many(matches.map { $0[variable] ?? .many([]) })
                }
                var remaining = Value.list(Array(items.suffix(afterCount)), tail: rest)
                if afterCount == 0 { remaining = rest }
                return try match(after, remaining, &bindings)
            }
            guard case .pair(let q) = input else { return false }
            guard try match(p.car, q.car, &bindings) else { return false }
            return try match(p.cdr, q.cdr, &bindings)
        case .null:
            return input.isNull
        case .vector(let v):
            guard case .vector(let w) = input else { return false }
            return try match(Value.list(v.elements), Value.list(w.elements), &bindings)
        default:
            return Compiler.stripSyntax(input).isEqual(pattern)
        }
    }

    private func patternVariables(_ pattern: Value) -> [ObjectIdentifier] {
        switch pattern {
        case .symbol, .object(is Identifier):
            guard let symbol = Compiler.symbolOf(pattern), symbol.name != "_", symbol !== ellipsis, !literals.contains(symbol),
                  let key = Scope.keyIdentity(pattern) else { return [] }
            return [key]
        case .pair(let p): return patternVariables(p.car) + patternVariables(p.cdr)
        case .vector(let v): return v.elements.flatMap(patternVariables)
        default: return []
        }
    }

    private func instantiate(_ template: Value, _ bindings: Bindings, macro: Macro, renames: inout [ObjectIdentifier: Value], escaped: Bool) throws -> Value {
        try StackGuard.check()
        switch template {
        case .symbol, .object(is Identifier):
            guard let key = Scope.keyIdentity(template) else { return template }
            if let bound = bindings[key] {
                if case .one(let value) = bound { return value }
                throw SchemeError.syntax("in macro \(name): pattern variable \(Compiler.symbolOf(template)?.name ?? "?") is used without an ellipsis", form: template)
            }
            if let renamed = renames[key] { return renamed }
            let renamed = Value.object(Identifier(name: template, scope: macro.scope, module: macro.module))
            renames[key] = renamed
            return renamed
        case .pair(let p):
            // (... ...) escapes the ellipsis.
            if !escaped, isEllipsis(p.car), case .pair(let q) = p.cdr, q.cdr.isNull {
                return try instantiate(q.car, bindings, macro: macro, renames: &renames, escaped: true)
            }
            var result: [Value] = []
            var current: Value = .pair(p)
            while case .pair(let cell) = current {
                var depth = 0
                var next = cell.cdr
                while !escaped, case .pair(let n) = next, isEllipsis(n.car) {
                    depth += 1
                    next = n.cdr
                }
                if depth == 0 {
                    result.append(try instantiate(cell.car, bindings, macro: macro, renames: &renames, escaped: escaped))
                } else {
                    // `x ... ...` iterates the outer sequences and splices the inner ones.
                    result.append(contentsOf: try repeatTemplate(cell.car, bindings, depth: depth, macro: macro, renames: &renames))
                }
                current = next
            }
            let tail = try instantiate(current, bindings, macro: macro, renames: &renames, escaped: escaped)
            let list = Value.list(result, tail: tail)
            if case .pair(let out) = list { out.location = p.location }
            return list
        case .vector(let v):
            let list = try instantiate(Value.list(v.elements), bindings, macro: macro, renames: &renames, escaped: escaped)
            return .vector(SVector(list.listElements ?? [], mutable: false))
        default:
            return template
        }
    }

    /// Instantiates `template` once per element of the sequences its ellipsis variables matched.
    private func repeatTemplate(_ template: Value, _ bindings: Bindings, depth: Int, macro: Macro, renames: inout [ObjectIdentifier: Value]) throws -> [Value] {
        let variables = patternVariables(template).filter { key in
            if case .many = bindings[key] { return true }
            return false
        }
        guard !variables.isEmpty else {
            throw SchemeError.syntax("in macro \(name): no pattern variable before an ellipsis in the template", form: template)
        }
        var count: Int?
        for variable in variables {
            guard case .many(let items) = bindings[variable] else { continue }
            if let existing = count, existing != items.count {
                throw SchemeError.syntax("in macro \(name): ellipsis variables matched sequences of different lengths", form: template)
            }
            count = items.count
        }
        var results: [Value] = []
        for index in 0..<(count ?? 0) {
            var inner = bindings
            for variable in variables {
                if case .many(let items) = bindings[variable], index < items.count { inner[variable] = items[index] }
            }
            if depth > 1 {
                results.append(contentsOf: try repeatTemplate(template, inner, depth: depth - 1, macro: macro, renames: &renames))
            } else {
                results.append(try instantiate(template, inner, macro: macro, renames: &renames, escaped: false))
            }
        }
        return results
    }
}

extension Compiler {
    /// `(define-syntax name transformer)` at top level or in a body.
    func defineSyntax(_ form: Value, _ scope: Scope) throws {
        let items = try elements(form, "define-syntax")
        guard items.count == 3, let name = Compiler.symbolOf(items[1]) else {
            throw SchemeError.syntax("bad define-syntax syntax: expected (define-syntax name transformer)", form: form)
        }
        let macro = try makeMacro(items[2], name: name.name, scope: scope)
        if scope.isToplevel {
            module.define(name, .object(macro))
        } else {
            scope.bindMacro(items[1], macro)
        }
    }

    func makeMacro(_ spec: Value, name: String, scope: Scope) throws -> Macro {
        let expanded = try expandHead(spec, scope)
        guard case .pair(let p) = expanded, let head = Compiler.symbolOf(p.car) else {
            throw SchemeError.syntax("unsupported macro transformer for \(name)", form: spec, hint: "use syntax-rules; syntax-case is not supported")
        }
        let definitionScope = scope.isToplevel ? nil : scope
        switch head.name {
        case "syntax-rules":
            return Macro(name: name, transformer: .rules(try SyntaxRules.parse(expanded, name: name)), scope: definitionScope, module: scope.module)
        default:
            // A procedure transformer (e.g. from `define-macro`-style code): evaluate it now.
            let code = try compile(expanded, scope, tail: false)
            let value = try code(Frame.make(parent: nil, count: scope.frameSize))
            return Macro(name: name, transformer: .procedure(value), scope: definitionScope, module: scope.module)
        }
    }

    func compileLetSyntax(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        let items = try elements(form, "let-syntax")
        guard items.count >= 3, let bindings = items[1].listElements else {
            throw SchemeError.syntax("bad let-syntax syntax: expected (let-syntax ((name transformer) …) body …)", form: form)
        }
        let inner = Scope(parent: scope, isFrame: false, module: scope.module)
        for binding in bindings {
            guard let parts = binding.listElements, parts.count == 2, let name = Compiler.symbolOf(parts[0]) else {
                throw SchemeError.syntax("bad let-syntax binding \(binding.written(limit: 40))", form: form)
            }
            inner.bindMacro(parts[0], try makeMacro(parts[1], name: name.name, scope: inner))
        }
        return try compileBody(Array(items.dropFirst(2)), inner, tail: tail, form: form)
    }
}
