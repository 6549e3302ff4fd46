/// `quasiquote`, nested to any depth, with `unquote` and `unquote-splicing`
/// in lists, dotted tails and vectors. Parts without unquotes stay constants.
extension Compiler {
    func compileQuasiquote(_ form: Value, _ scope: Scope) throws -> Code {
        let items = try elements(form, "quasiquote")
        guard items.count == 2 else { throw SchemeError.syntax("bad quasiquote syntax: expected one template", form: form) }
        return code(try quasi(items[1], depth: 1, scope))
    }

    private enum Part {
        case constant(Value)
        case computed(Code)
    }

    private func code(_ part: Part) -> Code {
        switch part {
        case .constant(let v): return constant(v)
        case .computed(let c): return c
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
        // Most of a typical template (a package's phases, flags) is plain
        // data: one walk that allocates nothing finds it constant.
        if !Self.mayUnquote(template) { return .constant(Compiler.stripSyntax(template)) }
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
            // Constant elements after the last computed one become a
            // constant tail the results share, as Guile's expansion into
            // `(cons … '(…))` does: fewer pairs to build on every run.
            while case .constant(let tailValue) = tail, let last = parts.last, !last.splice, case .constant(let value) = last.part {
                tail = .constant(.pair(Pair(value, tailValue)))
                parts.removeLast()
            }
            return .computed(Code(node: QuasiListNode(
                parts: parts.map { code($0.part).node }, splices: parts.map(\.splice), tail: code(tail).node)))
        case .vector(let vector):
            let listPart = try quasi(Value.list(vector.elements), depth: depth, scope)
            if case .constant = listPart { return .constant(Compiler.stripSyntax(template)) }
            let listCode = code(listPart)
            return .computed(Code { frame in .vector(SVector(try listCode(frame).listElements ?? [])) })
        default:
            return .constant(Compiler.stripSyntax(template))
        }
    }

    /// False when `value` holds no `unquote`, `unquote-splicing` or
    /// `quasiquote` symbol (nor a macro identifier, which might name one).
    private static func mayUnquote(_ value: Value) -> Bool {
        var current = value
        while true {
            switch current {
            case .symbol(let s): return s === unquote || s === unquoteSplicing || s === quasiquote
            case .object(let o): return o is Identifier
            case .vector(let v): return v.elements.contains(where: mayUnquote)
            case .pair(let p):
                switch p.car {
                case .pair, .vector, .object, .symbol: if mayUnquote(p.car) { return true }
                default: break
                }
                current = p.cdr
            default: return false
            }
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

/// A quasiquoted list with computed parts: the parts run left to right, then
/// the list is built from the right onto the tail.
final class QuasiListNode: Node {
    let parts: [Node]
    let splices: [Bool]
    let tail: Node
    let splicesAny: Bool

    init(parts: [Node], splices: [Bool], tail: Node) {
        self.parts = parts
        self.splices = splices
        self.tail = tail
        splicesAny = splices.contains(true)
    }

    override func run(_ frame: Frame) throws -> Value {
        var values: [Value] = []
        values.reserveCapacity(parts.count)
        for part in parts { values.append(try part.run(frame)) }
        var result = try tail.run(frame)
        var index = values.count
        while index > 0 {
            index -= 1
            let value = values[index]
            if splicesAny && splices[index] {
                guard let elements = value.listElements else {
                    throw SchemeError(.wrongType, who: "unquote-splicing", message: "unquote-splicing: \(value.written(limit: 60)) is not a list", irritants: [value])
                }
                result = Value.list(elements, tail: result)
            } else {
                result = .pair(Pair(value, result))
            }
        }
        return result
    }
}
