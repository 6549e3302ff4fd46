/// `quasiquote`, nested to any depth, with `unquote` and `unquote-splicing`
/// in lists, dotted tails and vectors. Parts without unquotes stay constants.
extension Compiler {
    func compileQuasiquote(_ form: Value, _ scope: Scope) throws -> Code {
        let items = try elements(form, "quasiquote")
        guard items.count == 2 else { throw SchemeError.syntax("bad quasiquote syntax: expected one template", form: form) }
        return try quasi(items[1], depth: 1, scope).code
    }

    private enum Part {
        case constant(Value)
        case computed(Code)

        var code: Code {
            switch self {
            case .constant(let v): return Code { _ in v }
            case .computed(let c): return c
            }
        }
    }

    private static let unquote = Symbol.intern("unquote")
    private static let unquoteSplicing = Symbol.intern("unquote-splicing")
    private static let quasiquote = Symbol.intern("quasiquote")

    /// The operand of `(name operand)`; symbols are interned, so identity
    /// compares names.
    private func tagged(_ value: Value, _ name: Symbol) -> Value? {
        guard case .pair(let p) = value, let symbol = Compiler.symbolOf(p.car), symbol === name,
              case .pair(let rest) = p.cdr, rest.cdr.isNull else { return nil }
        return rest.car
    }

    private func quasi(_ template: Value, depth: Int, _ scope: Scope) throws -> Part {
        try StackGuard.check()
        if let inner = tagged(template, Self.unquote) {
            if depth == 1 { return .computed(try compile(inner, scope, tail: false)) }
            return wrap("unquote", try quasi(inner, depth: depth - 1, scope))
        }
        if let inner = tagged(template, Self.quasiquote) {
            return wrap("quasiquote", try quasi(inner, depth: depth + 1, scope))
        }
        switch template {
        case .pair(let pair):
            // Walk the spine iteratively: long quasiquoted lists must not recurse per element.
            var parts: [(splice: Bool, part: Part)] = []
            var current: Value = .pair(pair)
            var tail: Part = .constant(.null)
            while true {
                guard case .pair(let p) = current else {
                    tail = try quasi(current, depth: depth, scope)
                    break
                }
                // `(a . ,b)` reads as (a unquote b): the unquote is the tail.
                if tagged(current, Self.unquote) != nil || tagged(current, Self.quasiquote) != nil {
                    tail = try quasi(current, depth: depth, scope)
                    break
                }
                if depth == 1, let spliced = tagged(p.car, Self.unquoteSplicing) {
                    parts.append((true, .computed(try compile(spliced, scope, tail: false))))
                } else if let spliced = tagged(p.car, Self.unquoteSplicing) {
                    parts.append((false, wrap("unquote-splicing", try quasi(spliced, depth: depth - 1, scope))))
                } else {
                    parts.append((false, try quasi(p.car, depth: depth, scope)))
                }
                current = p.cdr
            }
            let allConstant = parts.allSatisfy { if case .constant = $0.part { return !$0.splice }; return false }
            if allConstant, case .constant = tail {
                return .constant(Compiler.stripSyntax(template))
            }
            let codes = parts.map { ($0.splice, $0.part.code) }
            let tailCode = tail.code
            return .computed(Code { frame in
                var result = try tailCode(frame)
                var values: [(Bool, Value)] = []
                values.reserveCapacity(codes.count)
                for (splice, code) in codes { values.append((splice, try code(frame))) }
                for (splice, value) in values.reversed() {
                    if splice {
                        guard let elements = value.listElements else {
                            throw SchemeError(.wrongType, who: "unquote-splicing", message: "unquote-splicing: \(value.written(limit: 60)) is not a list", irritants: [value])
                        }
                        result = Value.list(elements, tail: result)
                    } else {
                        result = .pair(Pair(value, result))
                    }
                }
                return result
            })
        case .vector(let vector):
            let listPart = try quasi(Value.list(vector.elements), depth: depth, scope)
            if case .constant = listPart { return .constant(Compiler.stripSyntax(template)) }
            let code = listPart.code
            return .computed(Code { frame in .vector(SVector(try code(frame).listElements ?? [])) })
        default:
            return .constant(Compiler.stripSyntax(template))
        }
    }

    private func wrap(_ name: String, _ part: Part) -> Part {
        let head = Value.symbol(name)
        switch part {
        case .constant(let v): return .constant(Value.list(head, v))
        case .computed(let c): return .computed(Code { frame in Value.list(head, try c(frame)) })
        }
    }
}
