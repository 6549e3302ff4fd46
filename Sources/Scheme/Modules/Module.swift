/// A top-level variable. Compiled code holds the cell itself, so a global
/// reference costs one load and an unbound check, never a name lookup.
package final class GlobalCell {
    /// `.undefined` while unbound.
    package var value: Value
    package let name: Symbol
    package unowned let module: Module

    package init(name: Symbol, module: Module, value: Value = .undefined) {
        self.name = name
        self.module = module
        self.value = value
    }

    /// Set once a top-level `define` of this name has been compiled: from then
    /// on the module's own variable hides an imported one, even before the
    /// definition has run (so a recursive procedure calls itself, not an
    /// imported procedure of the same name).
    package var isDeclared = false

    package var isBound: Bool {
        if case .undefined = value { return false }
        return true
    }

    /// Whether the variable still holds exactly `procedure`, checked in place.
    @inline(__always) func holds(_ procedure: Procedure) -> Bool {
        withUnsafeMutablePointer(to: &value) { InPlaceList.holds(procedure, in: $0) }
    }
}

/// A Guile-style module: its own variables, the interfaces it imports, and the
/// names it exports.
package final class Module: SchemeObject {
    package let name: [Symbol]
    package private(set) var table: [Symbol: GlobalCell] = [:]
    /// Imported interfaces, searched in order after the module's own table.
    package var imports: [Interface] = [] {
        didSet { importedCells.removeAll(keepingCapacity: true) }
    }
    /// Names found among the imports, so compiling a module that imports
    /// many others (a package collection) does not search them all for every
    /// identifier. Only hits are kept: a later import cannot come before an
    /// earlier one, and a change of imports starts afresh, as Guile's import
    /// obarray does.
    private var importedCells: [Symbol: GlobalCell] = [:]
    /// Exported names mapped to the cells they export (`#:re-export` points at
    /// imported cells; a renamed export maps a new name to an existing cell).
    package private(set) var exports: [Symbol: GlobalCell] = [:]
    /// Where the module was loaded from, for messages.
    package var file: String?
    /// Names of modules still to load on first use of one of their names (`#:autoload`).
    package var autoloads: [(module: [Symbol], names: Set<Symbol>?)] = []

    package init(name: [Symbol]) {
        self.name = name
    }

    package override var typeName: String { "module" }

    package var displayName: String { "(" + name.map(\.name).joined(separator: " ") + ")" }

    /// The module's own cell for `name`, created (unbound) if missing.
    package func localCell(_ name: Symbol) -> GlobalCell {
        if let cell = table[name] { return cell }
        let cell = GlobalCell(name: name, module: self)
        table[name] = cell
        return cell
    }

    package func define(_ name: Symbol, _ value: Value) {
        localCell(name).value = value
    }

    /// Finds `name` among the module's own bound variables, then its imports.
    /// Unbound own cells (forward references) do not hide an import.
    package func lookup(_ name: Symbol) -> GlobalCell? {
        let own = table[name]
        if let own, own.isBound || own.isDeclared { return own }
        if let cell = importedCells[name] { return cell }
        for interface in imports {
            if let cell = interface.lookup(name) {
                importedCells[name] = cell
                return cell
            }
        }
        return own
    }

    package func export(_ name: Symbol, as exported: Symbol? = nil) {
        exports[exported ?? name] = localCell(name)
    }

    package func reexport(_ name: Symbol, as exported: Symbol? = nil) {
        exports[exported ?? name] = lookup(name) ?? localCell(name)
    }

    /// Re-exports everything `other` exports, as Guix's `(gnu)` module does
    /// for the modules it gathers.
    package func reexportInterface(of other: Module) {
        imports.append(Interface(module: other))
        for (name, cell) in other.exports where exports[name] == nil { exports[name] = cell }
    }

    /// Drops every binding: primitives hold their runtime strongly, so the
    /// tables must be emptied for a discarded runtime to be freed.
    package func clear() {
        table.removeAll()
        importedCells.removeAll()
        exports.removeAll()
        imports.removeAll()
        autoloads.removeAll()
    }

    /// Exports every binding of the module (the root module's public interface).
    package func exportAll() {
        for (name, cell) in table { exports[name] = cell }
    }
}

/// A view of a module's exports as one importer sees them: `#:select`,
/// `#:prefix`, `#:renamer` and `#:hide` applied.
package struct Interface {
    package let module: Module
    /// Importer's name → exporter's name; nil means all exports under their own names.
    package let selection: [Symbol: Symbol]?
    package let prefix: String?
    package let hidden: Set<Symbol>

    package init(module: Module, selection: [Symbol: Symbol]? = nil, prefix: String? = nil, hidden: Set<Symbol> = []) {
        self.module = module
        self.selection = selection
        self.prefix = prefix
        self.hidden = hidden
    }

    package func lookup(_ name: Symbol) -> GlobalCell? {
        if let selection {
            guard let original = selection[name] else { return nil }
            return module.exports[original]
        }
        var original = name
        if let prefix {
            guard name.name.hasPrefix(prefix) else { return nil }
            original = Symbol.intern(String(name.name.dropFirst(prefix.count)))
        }
        if hidden.contains(original) { return nil }
        return module.exports[original]
    }

    /// The names this interface makes visible, for hints.
    package var visibleNames: [Symbol] {
        if let selection { return Array(selection.keys) }
        return module.exports.keys.filter { !hidden.contains($0) }.map { name in prefix.map { Symbol.intern($0 + name.name) } ?? name }
    }
}
