/// Compiles expanded syntax to Swift closures with every variable reference
/// resolved to a frame slot or a global cell, so running code never looks a
/// name up.
package final class Compiler {
    package unowned(unsafe) let runtime: Runtime
    /// The module top-level definitions go to; `define-module` changes it.
    package var module: Module
    /// `#:re-export` names waiting for the rest of a `define-module` form.
    var pendingReexports: [(Symbol, Symbol)] = []
    /// The file of the top-level form being compiled, for `(current-source-directory)`.
    package var sourceFile: String?
    /// Macro expansions nested inside one another right now: a macro that
    /// keeps expanding into itself is stopped with an error, not run until
    /// memory is gone.
    private var expansionDepth = 0
    static let expansionLimit = 4_000

    package init(runtime: Runtime, module: Module) {
        self.runtime = runtime
        self.module = module
    }

    // MARK: Resolution

    /// What `key` (a symbol or identifier) means in `scope`.
    package func resolve(_ key: Value, in scope: Scope) -> Binding {
        var depth = 0
        var current: Scope? = scope
        let identity = Scope.keyIdentity(key)
        while let s = current {
            if let identity, let entry = s.entry(forIdentity: identity) {
                switch entry {
                case .slot(let index): return .local(depth: depth, index: index, name: Scope.plainSymbol(key))
                case .macro(let macro): return .macro(macro)
                }
            }
            if s.isFrame { depth += 1 }
            current = s.parent
        }
        if case .object(let object) = key, let id = object as? Identifier {
            // Free in the expansion: resolve where the macro was defined.
            if let definition = id.scope, let distance = frameDistance(from: scope, to: definition) {
                let binding = resolve(id.name, in: definition)
                if case .local(let d, let i, let n) = binding { return .local(depth: d + distance, index: i, name: n) }
                return binding
            }
            return resolveGlobal(id.name, in: id.module)
        }
        return resolveGlobal(key, in: scope.module)
    }

    private func resolveGlobal(_ key: Value, in module: Module) -> Binding {
        if case .object(let object) = key, let id = object as? Identifier {
            return resolveGlobal(id.name, in: id.module)
        }
        let symbol = Compiler.symbolOf(key) ?? Symbol.intern("?")
        let cell = module.lookup(symbol) ?? runtime.modules.autoload(symbol, for: module) ?? module.localCell(symbol)
        switch cell.value {
        case .object(let o as SpecialForm): return .special(o)
        case .object(let o as Macro): return .macro(o)
        default: return .global(cell)
        }
    }

    /// Frames crossed going from `scope` up to `ancestor`, or nil if it is not an ancestor.
    private func frameDistance(from scope: Scope, to ancestor: Scope) -> Int? {
        var depth = 0
        var current: Scope? = scope
        while let s = current {
            if s === ancestor { return depth }
            if s.isFrame { depth += 1 }
            current = s.parent
        }
        return nil
    }

    /// The special form or macro `head` names, if any.
    package func syntaxBinding(_ head: Value, in scope: Scope) -> Binding? {
        guard Compiler.isIdentifier(head) else { return nil }
        let binding = resolve(head, in: scope)
        switch binding {
        case .special, .macro: return binding
        default: return nil
        }
    }

    // MARK: Expressions

    package func compile(_ form: Value, _ scope: Scope, tail: Bool) throws -> Code {
        try StackGuard.check()
        switch form {
        case .symbol, .object(is Identifier):
            let binding = resolve(form, in: scope)
            if case .macro(let macro) = binding, macro.expandsAsIdentifier {
                return try compile(try expand(macro, form, scope), scope, tail: tail)
            }
            return try compileReference(form, binding)
        case .pair(let pair):
            // The head is resolved once, here: the application reuses it.
            guard Compiler.isIdentifier(pair.car) else { return try compileApplication(pair, scope, tail: tail, head: nil) }
            let binding = resolve(pair.car, in: scope)
            switch binding {
            case .special(let special):
                return try special.compile(self, form, scope, tail)
            case .macro(let macro):
                let expansion = try expand(macro, form, scope)
                expansionDepth += 1
                defer { expansionDepth -= 1 }
                return try compile(expansion, scope, tail: tail)
            case .local, .global:
                return try compileApplication(pair, scope, tail: tail, head: binding)
            }
        case .null:
            throw SchemeError.syntax("missing procedure expression in ()", form: form, hint: "to write the empty list, quote it: '()")
        case .keyword, .string, .fixnum, .bignum, .rational, .flonum, .char, .boolean, .vector, .bytevector, .unspecified, .eof:
            // Self-evaluating.
            return constant(form)
        default:
            return Code(node: ConstantNode(form))
        }
    }

    /// The code reading a variable `key` resolved to `binding`.
    func compileReference(_ key: Value, _ binding: Binding) throws -> Code {
        switch binding {
        case .local(let depth, let index, let name):
            if depth == 0 { return Code(node: LocalNode(index: index, name: name)) }
            return Code(node: OuterLocalNode(depth: depth, index: index, name: name))
        case .global(let cell):
            return Code(node: GlobalNode(cell))
        case .special(let s):
            throw SchemeError.syntax("syntactic keyword \(s.name) used as a variable", form: key, hint: "\(s.name) is a special form; it cannot be passed around as a value")
        case .macro(let m):
            throw SchemeError.syntax("macro \(m.name) used as a variable", form: key, hint: "\(m.name) is a macro; wrap it in a lambda to pass it as a value")
        }
    }

    /// Code that stores into a variable (for `set!` and definitions).
    package func assignment(_ key: Value, _ scope: Scope, value: Code, form: Value) throws -> Code {
        switch resolve(key, in: scope) {
        case .local(let depth, let index, _):
            return Code { frame in
                let v = try value(frame)
                frame.ancestor(depth)[index] = v
                return .unspecified
            }
        case .global(let cell):
            return Code { frame in
                let v = try value(frame)
                if !cell.isBound { throw UnboundHints.error(for: cell) }
                cell.value = v
                return .unspecified
            }
        case .special, .macro:
            throw SchemeError.syntax("cannot set! the syntactic keyword \(Compiler.symbolOf(key)?.name ?? "?")", form: form)
        }
    }

    // MARK: Macros

    package func expand(_ macro: Macro, _ form: Value, _ scope: Scope) throws -> Value {
        try runtime.consumeFuel()
        guard expansionDepth < Compiler.expansionLimit else {
            throw SchemeError.syntax("macro \(macro.name) expands without end (\(Compiler.expansionLimit) nested expansions)", form: form,
                                     hint: "a rule of \(macro.name) produces another use of \(macro.name) that never reaches a base case")
        }
        switch macro.transformer {
        case .rules(let rules):
            return try rules.expand(form, useScope: scope, macro: macro, compiler: self)
        case .native(let transform):
            return try transform(self, form, scope)
        case .procedure(let procedure):
            let operands = Compiler.stripSyntax(form).asPair?.cdr.listElements ?? []
            return try runtime.apply(procedure, operands)
        }
    }

    /// Expands macro uses at the head of `form` until it is a core form or an application.
    package func expandHead(_ form: Value, _ scope: Scope) throws -> Value {
        var current = form
        var count = 0
        while case .pair(let pair) = current, let binding = syntaxBinding(pair.car, in: scope), case .macro(let macro) = binding {
            try StackGuard.check()
            count += 1
            guard count < Compiler.expansionLimit else {
                throw SchemeError.syntax("macro \(macro.name) expands without end (\(Compiler.expansionLimit) expansions of one form)", form: form,
                                         hint: "a rule of \(macro.name) produces another use of \(macro.name) that never reaches a base case")
            }
            current = try expand(macro, current, scope)
        }
        return current
    }
}
