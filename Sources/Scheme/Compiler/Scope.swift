/// An identifier introduced by a macro expansion: the template's symbol plus
/// where the macro was defined. A binding form that binds it binds only this
/// identifier (so a macro's `tmp` cannot capture the user's `tmp`), and a free
/// reference resolves in the macro's definition environment (so a user's local
/// `if` or `list` cannot hijack the macro's).
package final class Identifier: SchemeObject {
    /// A symbol, or another Identifier when a macro expands into a macro use.
    package let name: Value
    package let scope: Scope?
    package let module: Module

    package init(name: Value, scope: Scope?, module: Module) {
        self.name = name
        self.scope = scope
        self.module = module
    }

    package override var typeName: String { "identifier" }

    /// The plain symbol under all renamings.
    package var symbol: Symbol {
        var current = name
        while true {
            switch current {
            case .symbol(let s): return s
            case .object(let o as Identifier): current = o.name
            default: return Symbol.intern("?")
            }
        }
    }
}

/// What a name means at compile time.
package enum Binding {
    /// A slot in a frame `depth` levels out from the current one.
    case local(depth: Int, index: Int, name: Symbol)
    case global(GlobalCell)
    case special(SpecialForm)
    case macro(Macro)
}

/// A lexical contour. Scopes that start a new runtime frame (lambda bodies)
/// own a slot counter; the others (`let`, internal definitions) allocate slots
/// in the enclosing frame, which is safe because re-entering such a scope
/// always goes through a call that makes a new frame.
package final class Scope {
    package let parent: Scope?
    package let isFrame: Bool
    /// Keys are the identities of the binding Symbol or Identifier. Most
    /// scopes bind a few names (each `let*` binding has its own scope, and
    /// every reference is looked up through them all), so they are kept in a
    /// short array searched in order; a table is built past `tableThreshold`.
    private var few: [(key: ObjectIdentifier, entry: Entry)] = []
    private var names: [ObjectIdentifier: Entry] = [:]
    private static let tableThreshold = 8
    /// Names in insertion order, for "did you mean" hints.
    private(set) var orderedNames: [Symbol] = []
    /// Slots used by the frame this scope belongs to (only on frame scopes).
    private var slotCount = 0
    package let module: Module
    /// Definitions here are module-level (the scope of one top-level form).
    package var isToplevel = false

    package enum Entry {
        case slot(Int)
        case macro(Macro)
    }

    package init(parent: Scope?, isFrame: Bool, module: Module) {
        self.parent = parent
        self.isFrame = isFrame
        self.module = module
    }

    package var frameScope: Scope {
        var scope = self
        while !scope.isFrame, let parent = scope.parent { scope = parent }
        return scope
    }

    /// Allocates a new slot in the current frame and binds `key` to it.
    @discardableResult
    package func bind(_ key: Value) -> Int {
        let frame = frameScope
        let index = frame.slotCount
        frame.slotCount += 1
        if let id = Scope.keyIdentity(key) {
            store(.slot(index), for: id)
            orderedNames.append(Scope.plainSymbol(key))
        }
        return index
    }

    package func bindMacro(_ key: Value, _ macro: Macro) {
        if let id = Scope.keyIdentity(key) {
            store(.macro(macro), for: id)
            orderedNames.append(Scope.plainSymbol(key))
        }
    }

    /// A later binding of the same name replaces the earlier one.
    private func store(_ entry: Entry, for id: ObjectIdentifier) {
        if names.isEmpty {
            if let index = few.firstIndex(where: { $0.key == id }) {
                few[index].entry = entry
                return
            }
            if few.count < Scope.tableThreshold {
                few.append((id, entry))
                return
            }
            for (key, existing) in few { names[key] = existing }
            few = []
        }
        names[id] = entry
    }

    package var frameSize: Int { frameScope.slotCount }

    package func entry(for key: Value) -> Entry? {
        guard let id = Scope.keyIdentity(key) else { return nil }
        return entry(forIdentity: id)
    }

    @inline(__always) package func entry(forIdentity id: ObjectIdentifier) -> Entry? {
        if names.isEmpty {
            for item in few where item.key == id { return item.entry }
            return nil
        }
        return names[id]
    }

    static func keyIdentity(_ key: Value) -> ObjectIdentifier? {
        switch key {
        case .symbol(let s): return ObjectIdentifier(s)
        case .object(let o as Identifier): return ObjectIdentifier(o)
        default: return nil
        }
    }

    static func plainSymbol(_ key: Value) -> Symbol {
        switch key {
        case .symbol(let s): return s
        case .object(let o as Identifier): return o.symbol
        default: return Symbol.intern("?")
        }
    }
}
