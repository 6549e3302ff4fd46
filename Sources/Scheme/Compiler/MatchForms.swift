/// `(ice-9 match)`: `match`, `match-lambda`, `match-lambda*`, `match-let`,
/// `match-let*`. A match expands into nested tests; every failure path is a
/// call to a small thunk, so the expansion grows linearly with the patterns.
enum MatchForms {
    static func install(into module: Module, runtime: Runtime) {
        func macro(_ name: String, _ transform: @escaping (Compiler, Value, Scope) throws -> Value) {
            module.define(Symbol.intern(name), .object(Macro(name: name, transformer: .native(transform), scope: nil, module: module)))
        }
        macro("match") { c, form, _ in try MatchExpander(compiler: c, module: module).expandMatch(form) }
        macro("match-lambda") { c, form, _ in
            let x = MatchExpander.fresh("x", module)
            let clauses = Array(try c.elements(form, "match-lambda").dropFirst())
            let match = Value.list([Compiler.coreIdentifier("match", runtime), x] + clauses)
            return located(Value.list(Compiler.coreIdentifier("lambda", runtime), Value.list(x), match), form)
        }
        macro("match-lambda*") { c, form, _ in
            let x = MatchExpander.fresh("args", module)
            let clauses = Array(try c.elements(form, "match-lambda*").dropFirst())
            let match = Value.list([Compiler.coreIdentifier("match", runtime), x] + clauses)
            return located(Value.list(Compiler.coreIdentifier("lambda", runtime), x, match), form)
        }
        macro("match-let") { c, form, _ in try MatchExpander(compiler: c, module: module).expandMatchLet(form, sequential: false) }
        macro("match-let*") { c, form, _ in try MatchExpander(compiler: c, module: module).expandMatchLet(form, sequential: true) }
        module.define(Symbol.intern("%match-split"), .procedure(Primitive("%match-split") { list, count in
            // (head . tail) where tail holds the last `count` elements plus any improper end.
            var items: [Value] = []
            var rest = list
            while case .pair(let p) = rest { items.append(p.car); rest = p.cdr }
            guard case .fixnum(let k) = count, k >= 0, items.count >= k else { return .false }
            let head = Value.list(Array(items.prefix(items.count - k)))
            let tail = Value.list(Array(items.suffix(k)), tail: rest)
            return .cons(head, tail)
        }))
        module.define(Symbol.intern("%match-error"), .procedure(Primitive("%match-error") { value in
            var error = SchemeError(.thrown, who: "match", message: "no matching pattern for \(value.written(limit: 80))",
                                    irritants: [value], payload: Value.list(.symbol("match-error"), .string("match"), .string("no matching pattern"), value))
            error.hint = "add a clause for this value, or a catch-all clause (_ …)"
            throw error
        }))
        module.define(Symbol.intern("%record-ref"), .procedure(Primitive("%record-ref") { record, index in
            guard case .record(let r) = record, case .fixnum(let i) = index, i >= 0, i < r.fields.count else { return .false }
            return r.fields[i]
        }))
        module.define(Symbol.intern("%record-of?"), .procedure(Primitive("%record-of?") { record, type in
            guard case .record(let r) = record, case .object(let t as RecordType) = type else { return .false }
            return .boolean(r.type === t)
        }))
    }

    static func located(_ value: Value, _ form: Value) -> Value {
        if case .pair(let p) = value, p.location == nil { p.location = form.asPair?.location }
        return value
    }
}

struct MatchExpander {
    let compiler: Compiler
    let module: Module

    static func fresh(_ name: String, _ module: Module) -> Value {
        .object(Identifier(name: .symbol(Symbol.uninterned(name)), scope: nil, module: module))
    }
    func fresh(_ name: String) -> Value { MatchExpander.fresh(name, module) }
    func core(_ name: String) -> Value { Compiler.coreIdentifier(name, compiler.runtime) }
    func list(_ items: Value...) -> Value { Value.list(items) }
    func letOne(_ name: Value, _ value: Value, _ body: Value) -> Value {
        list(core("let"), list(list(name, value)), body)
    }
    func thunk(_ body: Value) -> Value { list(core("lambda"), .null, body) }

    func expandMatch(_ form: Value) throws -> Value {
        let items = try compiler.elements(form, "match")
        guard items.count >= 2 else { throw SchemeError.syntax("bad match syntax: expected (match expression clause …)", form: form) }
        let subject = fresh("v")
        var body = list(core("%match-error"), subject)
        for clause in items.dropFirst(2).reversed() {
            guard case .pair(let p) = clause, let rest = p.cdr.listElements, !rest.isEmpty else {
                throw SchemeError.syntax("bad match clause \(clause.written(limit: 60)): expected (pattern body …)", form: form)
            }
            let failName = fresh("fail")
            var bodyForms = rest
            var success: Value
            // (pattern (=> k) body …) lets the body give up and try the next clause.
            if let first = rest.first?.listElements, first.count == 2, Compiler.symbolOf(first[0])?.name == "=>", rest.count > 1 {
                bodyForms = Array(rest.dropFirst())
                success = letOne(first[1], failName, Value.list([core("let"), .null] + bodyForms))
            } else {
                success = Value.list([core("let"), .null] + bodyForms)
            }
            // A variable used twice in a pattern must match equal values: later
            // uses become fresh variables checked once the whole pattern matched.
            var seen = Set<ObjectIdentifier>()
            var constraints: [(Value, Value)] = []
            let pattern = renameRepeats(p.car, &seen, &constraints)
            if !constraints.isEmpty {
                let checks = constraints.map { list(core("equal?"), $0.0, $0.1) }
                success = list(core("if"), Value.list([core("and")] + checks), success, list(failName))
            }
            let test = try generate(pattern, subject, success: success, fail: list(failName))
            body = letOne(failName, thunk(body), test)
        }
        return MatchForms.located(letOne(subject, items[1], body), form)
    }

    func expandMatchLet(_ form: Value, sequential: Bool) throws -> Value {
        let items = try compiler.elements(form, sequential ? "match-let*" : "match-let")
        guard items.count >= 3, let bindings = items[1].listElements else {
            throw SchemeError.syntax("bad match-let syntax: expected (match-let ((pattern expression) …) body …)", form: form)
        }
        let body = Value.list([core("let"), .null] + items.dropFirst(2))
        let pairs = try bindings.map { b -> (Value, Value) in
            guard let parts = b.listElements, parts.count == 2 else { throw SchemeError.syntax("bad match-let binding \(b.written(limit: 40))", form: form) }
            return (parts[0], parts[1])
        }
        if sequential {
            var result = body
            for (pattern, expression) in pairs.reversed() {
                result = list(core("match"), expression, list(pattern, result))
            }
            return MatchForms.located(result, form)
        }
        let clause = list(Value.list(pairs.map(\.0)), body)
        return MatchForms.located(list(core("match"), Value.list([core("list")] + pairs.map(\.1)), clause), form)
    }

    private func isNamed(_ value: Value, _ names: Set<String>) -> Bool {
        guard let symbol = Compiler.symbolOf(value) else { return false }
        return names.contains(symbol.name)
    }

    /// Code that matches `pattern` against the variable `subject`, running
    /// `success` with the pattern variables bound, or `fail` (a thunk call).
    func generate(_ pattern: Value, _ subject: Value, success: Value, fail: Value) throws -> Value {
        try StackGuard.check()
        switch pattern {
        case .symbol, .object(is Identifier):
            if isNamed(pattern, ["_"]) { return success }
            return letOne(pattern, subject, success)
        case .null:
            return list(core("if"), list(core("null?"), subject), success, fail)
        case .pair(let p):
            if let head = Compiler.symbolOf(p.car)?.name, let args = p.cdr.listElements {
                switch head {
                case "quote":
                    return list(core("if"), list(core("equal?"), subject, pattern), success, fail)
                case "quasiquote" where args.count == 1:
                    return try generate(try quasiPattern(args[0]), subject, success: success, fail: fail)
                case "?" where !args.isEmpty:
                    let rest = try generateAll(Array(args.dropFirst()), subject, success: success, fail: fail)
                    return list(core("if"), list(args[0], subject), rest, fail)
                case "=" where args.count == 2:
                    let t = fresh("t")
                    return letOne(t, list(args[0], subject), try generate(args[1], t, success: success, fail: fail))
                case "and":
                    return try generateAll(args, subject, success: success, fail: fail)
                case "or":
                    return try generateOr(args, subject, success: success, fail: fail)
                case "not" where args.count == 1:
                    let ok = fresh("ok")
                    return letOne(ok, thunk(success), try generate(args[0], subject, success: fail, fail: list(ok)))
                case "$" where !args.isEmpty:
                    var body = success
                    for (index, field) in args.dropFirst().enumerated().reversed() {
                        let t = fresh("f")
                        body = letOne(t, list(core("%record-ref"), subject, .fixnum(index)), try generate(field, t, success: body, fail: fail))
                    }
                    return list(core("if"), list(core("%record-of?"), subject, args[0]), body, fail)
                default: break
                }
            }
            return try generateList(pattern, subject, success: success, fail: fail)
        case .vector(let v):
            let l = fresh("l")
            let inner = try generate(Value.list(v.elements), l, success: success, fail: fail)
            return list(core("if"), list(core("vector?"), subject), letOne(l, list(core("vector->list"), subject), inner), fail)
        default:
            return list(core("if"), list(core("equal?"), subject, list(core("quote"), pattern)), success, fail)
        }
    }

    private func renameRepeats(_ pattern: Value, _ seen: inout Set<ObjectIdentifier>, _ constraints: inout [(Value, Value)]) -> Value {
        switch pattern {
        case .symbol, .object(is Identifier):
            guard !isNamed(pattern, ["_", "...", "___", "..1"]), let key = Scope.keyIdentity(pattern) else { return pattern }
            if seen.insert(key).inserted { return pattern }
            let copy = fresh("same")
            constraints.append((copy, pattern))
            return copy
        case .pair(let p):
            if let head = Compiler.symbolOf(p.car)?.name, ["quote", "quasiquote", "not", "or"].contains(head) { return pattern }
            if let head = Compiler.symbolOf(p.car)?.name, ["?", "=", "$"].contains(head), case .pair(let args) = p.cdr {
                // The first argument is an expression, not a pattern.
                let rest = renameRepeats(args.cdr, &seen, &constraints)
                return .pair(Pair(p.car, .pair(Pair(args.car, rest)), location: p.location))
            }
            if Compiler.symbolOf(p.car)?.name == "and" {
                return .pair(Pair(p.car, renameRepeats(p.cdr, &seen, &constraints), location: p.location))
            }
            if case .pair(let next) = p.cdr, isNamed(next.car, ["...", "___", "..1"]) {
                // Repeated sub-patterns bind lists; leave them and what follows alone.
                return pattern
            }
            let car = renameRepeats(p.car, &seen, &constraints)
            let cdr = renameRepeats(p.cdr, &seen, &constraints)
            return .pair(Pair(car, cdr, location: p.location))
        default:
            return pattern
        }
    }

    private func generateAll(_ patterns: [Value], _ subject: Value, success: Value, fail: Value) throws -> Value {
        var result = success
        for pattern in patterns.reversed() { result = try generate(pattern, subject, success: result, fail: fail) }
        return result
    }

    private func generateOr(_ alternatives: [Value], _ subject: Value, success: Value, fail: Value) throws -> Value {
        guard let first = alternatives.first else { return fail }
        let variables = patternVariables(first)
        let body = fresh("body")
        let call = Value.list([body] + variables)
        var chain = fail
        for alternative in alternatives.reversed() {
            let next = fresh("alt")
            chain = letOne(next, thunk(chain), try generate(alternative, subject, success: call, fail: list(next)))
        }
        return letOne(body, Value.list([core("lambda"), Value.list(variables), success]), chain)
    }

    private func generateList(_ pattern: Value, _ subject: Value, success: Value, fail: Value) throws -> Value {
        guard case .pair(let p) = pattern else { return try generate(pattern, subject, success: success, fail: fail) }
        if case .pair(let next) = p.cdr, isNamed(next.car, ["...", "___", "..1"]) {
            var after = 0
            var cursor = next.cdr
            while case .pair(let q) = cursor { after += 1; cursor = q.cdr }
            let split = fresh("split"), head = fresh("head"), rest = fresh("rest")
            let restMatch = try generate(next.cdr, rest, success: success, fail: fail)
            var loop = try repetition(p.car, head, then: restMatch, fail: fail)
            if isNamed(next.car, ["..1"]) { loop = list(core("if"), list(core("pair?"), head), loop, fail) }
            let bound = list(core("let"), list(list(head, list(core("car"), split)), list(rest, list(core("cdr"), split))), loop)
            return letOne(split, list(core("%match-split"), subject, .fixnum(after)), list(core("if"), split, bound, fail))
        }
        let carVar = fresh("a"), cdrVar = fresh("d")
        let cdrMatch = try generate(p.cdr, cdrVar, success: success, fail: fail)
        let carMatch = try generate(p.car, carVar, success: cdrMatch, fail: fail)
        let bound = list(core("let"), list(list(carVar, list(core("car"), subject)), list(cdrVar, list(core("cdr"), subject))), carMatch)
        return list(core("if"), list(core("pair?"), subject), bound, fail)
    }

    /// Matches every element of the list `head` against `pattern`, binding each
    /// pattern variable to the list of its matches, then runs `then`.
    private func repetition(_ pattern: Value, _ head: Value, then: Value, fail: Value) throws -> Value {
        if Compiler.isIdentifier(pattern) && !isNamed(pattern, ["_"]) {
            return list(core("if"), list(core("list?"), head), letOne(pattern, head, then), fail)
        }
        let variables = patternVariables(pattern)
        let accumulators = variables.map { _ in fresh("acc") }
        let loop = fresh("loop"), l = fresh("l"), element = fresh("e")
        let finish = Value.list([core("let"), Value.list(zip(variables, accumulators).map { list($0.0, list(core("reverse"), $0.1)) }), then])
        let recur = Value.list([loop, list(core("cdr"), l)] + zip(variables, accumulators).map { list(core("cons"), $0.0, $0.1) })
        let step = letOne(element, list(core("car"), l), try generate(pattern, element, success: recur, fail: fail))
        let body = list(core("cond"), list(list(core("null?"), l), finish), list(list(core("pair?"), l), step), list(.symbol("else"), fail))
        let inits = [list(l, head)] + accumulators.map { list($0, list(core("quote"), .null)) }
        return list(core("let"), loop, Value.list(inits), body)
    }

    private func patternVariables(_ pattern: Value) -> [Value] {
        switch pattern {
        case .symbol, .object(is Identifier):
            return isNamed(pattern, ["_", "...", "___", "..1"]) ? [] : [pattern]
        case .pair(let p):
            if let head = Compiler.symbolOf(p.car)?.name {
                switch head {
                case "quote": return []
                case "?", "=", "$": return (p.cdr.listElements ?? []).dropFirst().flatMap(patternVariables)
                case "and", "or": return (p.cdr.listElements ?? []).flatMap(patternVariables).uniqued()
                case "not": return []
                case "quasiquote": return (try? quasiPattern(p.cdr.asPair?.car ?? .null)).map(patternVariables) ?? []
                default: break
                }
            }
            return (patternVariables(p.car) + patternVariables(p.cdr)).uniqued()
        case .vector(let v): return v.elements.flatMap(patternVariables).uniqued()
        default: return []
        }
    }

    /// Turns a quasi-pattern into a plain pattern: constants are quoted, `,p` is p.
    private func quasiPattern(_ template: Value) throws -> Value {
        switch template {
        case .pair(let p):
            if let head = Compiler.symbolOf(p.car)?.name, head == "unquote", case .pair(let arg) = p.cdr { return arg.car }
            if case .pair(let first) = p.car, Compiler.symbolOf(first.car)?.name == "unquote-splicing", case .pair(let arg) = first.cdr, p.cdr.isNull {
                return arg.car
            }
            return .pair(Pair(try quasiPattern(p.car), try quasiPattern(p.cdr)))
        case .symbol, .object(is Identifier):
            return list(core("quote"), template)
        case .null:
            return .null
        case .vector(let v):
            return .vector(SVector(try v.elements.map(quasiPattern)))
        default:
            return template
        }
    }
}

extension Array where Element == Value {
    func uniqued() -> [Value] {
        var seen = Set<ObjectIdentifier>()
        return filter { value in
            guard let key = Scope.keyIdentity(value) else { return true }
            return seen.insert(key).inserted
        }
    }
}
