/// A core syntactic form (`if`, `lambda`, `define`…) compiled by Swift code.
/// Special forms are module bindings like any other, so a local variable named
/// `if` shadows the form, as in Guile.
package final class SpecialForm: SchemeObject {
    package let name: String
    package let compile: (Compiler, Value, Scope, Bool) throws -> Code

    package init(_ name: String, _ compile: @escaping (Compiler, Value, Scope, Bool) throws -> Code) {
        self.name = name
        self.compile = compile
    }

    package override var typeName: String { "syntax" }
}

/// A macro: `syntax-rules`, or a transformer written in Swift that rewrites a
/// form into simpler ones (`define-record-type`, `match`, `define*`…).
package final class Macro: SchemeObject {
    package enum Transformer {
        case rules(SyntaxRules)
        /// Receives the whole form and the use-site scope; returns the expansion.
        case native((Compiler, Value, Scope) throws -> Value)
        /// `define-macro`: a Scheme procedure applied to the form's operands.
        case procedure(Value)
    }

    package let name: String
    package let transformer: Transformer
    /// Where the macro was defined: free identifiers of its templates resolve here.
    package let scope: Scope?
    package let module: Module
    /// A native macro that also expands where its name stands alone, as a
    /// variable would (Guix's `this-package`); it then receives the bare identifier.
    package var expandsAsIdentifier = false

    package init(name: String, transformer: Transformer, scope: Scope?, module: Module) {
        self.name = name
        self.transformer = transformer
        self.scope = scope
        self.module = module
    }

    package override var typeName: String { "macro" }
}

/// Helpers to take forms apart with good errors.
extension Compiler {
    /// The elements of a form that must be a proper list.
    package func elements(_ form: Value, _ what: String) throws -> [Value] {
        guard let items = form.listElements else {
            throw SchemeError.syntax("bad \(what) syntax: not a proper list", form: form)
        }
        return items
    }

    /// The plain symbol of a symbol or macro-introduced identifier.
    package static func symbolOf(_ value: Value) -> Symbol? {
        switch value {
        case .symbol(let s): return s
        case .object(let o as Identifier): return o.symbol
        default: return nil
        }
    }

    package static func isIdentifier(_ value: Value) -> Bool {
        switch value {
        case .symbol: return true
        case .object(let o): return o is Identifier
        default: return false
        }
    }

    /// Turns macro-introduced identifiers back into symbols (for `quote`).
    package static func stripSyntax(_ value: Value) -> Value {
        // Most data (every quoted list the reader produced) holds no
        // identifiers: a walk that allocates nothing proves it.
        guard containsSyntax(value) else { return value }
        switch value {
        case .object(let o as Identifier): return .symbol(o.symbol)
        case .pair(let p):
            var items: [Value] = []
            var current: Value = .pair(p)
            var changed = false
            while case .pair(let q) = current {
                let stripped = stripSyntax(q.car)
                if !stripped.isEq(q.car) { changed = true }
                items.append(stripped)
                current = q.cdr
            }
            let tail = stripSyntax(current)
            if !tail.isEq(current) { changed = true }
            guard changed else { return value }
            let result = Value.list(items, tail: tail)
            if case .pair(let r) = result { r.location = p.location }
            return result
        case .vector(let v):
            let stripped = v.elements.map(stripSyntax)
            return .vector(SVector(stripped, mutable: false))
        default: return value
        }
    }

    /// Whether `value` holds an identifier anywhere (cdr chains walked
    /// iteratively; circular data cannot come out of the reader or a macro).
    private static func containsSyntax(_ value: Value) -> Bool {
        var current = value
        while true {
            switch current {
            case .object(let o): return o is Identifier
            case .pair(let p):
                if case .pair = p.car, containsSyntax(p.car) { return true }
                if case .vector = p.car, containsSyntax(p.car) { return true }
                if case .object(let o) = p.car, o is Identifier { return true }
                current = p.cdr
            case .vector(let v): return v.elements.contains(where: containsSyntax)
            default: return false
            }
        }
    }
}
