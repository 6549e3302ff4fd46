/// `define-module`, `use-modules`, `@`, `@@`, `define-public`, `export` and
/// `re-export`. Imports happen when the form is compiled, so the forms after
/// it already see the imported names.
enum ModuleForms {
    static func install(into module: Module) {
        func special(_ name: String, _ compile: @escaping (Compiler, Value, Scope, Bool) throws -> Code) {
            module.define(Symbol.intern(name), .object(SpecialForm(name, compile)))
        }
        special("define-module") { c, form, _, _ in
            try c.defineModule(form)
            return Code { _ in .unspecified }
        }
        special("use-modules") { c, form, scope, _ in
            for spec in try c.elements(form, "use-modules").dropFirst() {
                c.module.imports.append(try c.interface(for: spec, form: form, scope: scope))
            }
            return Code { _ in .unspecified }
        }
        special("@") { c, form, _, _ in try c.compileModuleReference(form, privateAccess: false) }
        special("@@") { c, form, _, _ in try c.compileModuleReference(form, privateAccess: true) }
        special("export") { c, form, _, _ in
            for name in try c.elements(form, "export").dropFirst() {
                guard let symbol = Compiler.symbolOf(name) else { throw SchemeError.syntax("bad export: \(name.written(limit: 40)) is not a name", form: form) }
                c.module.export(symbol)
            }
            return Code { _ in .unspecified }
        }
        // (re-export-public-interface (a b) …): what Guix's (gnu) does; also how
        // Guix module names such as (guix gexp) resolve to Cairn's modules.
        special("re-export-public-interface") { c, form, _, _ in
            for name in try c.elements(form, "re-export-public-interface").dropFirst() {
                guard let parts = name.listElements?.compactMap(Compiler.symbolOf), !parts.isEmpty, parts.count == name.listElements?.count else {
                    throw SchemeError.syntax("bad re-export-public-interface: \(name.written(limit: 40)) is not a module name", form: form)
                }
                c.module.reexportInterface(of: try c.runtime.modules.resolve(parts))
            }
            return Code { _ in .unspecified }
        }
        special("re-export") { c, form, _, _ in
            for name in try c.elements(form, "re-export").dropFirst() {
                guard let symbol = Compiler.symbolOf(name) else { throw SchemeError.syntax("bad re-export: \(name.written(limit: 40)) is not a name", form: form) }
                c.module.reexport(symbol)
            }
            return Code { _ in .unspecified }
        }
    }
}

extension Compiler {
    private func moduleName(_ value: Value, form: Value) throws -> [Symbol] {
        guard let parts = value.listElements, !parts.isEmpty else {
            throw SchemeError.syntax("bad module name \(value.written(limit: 40)): expected a list of symbols such as (gnu packages base)", form: form)
        }
        return try parts.map { part in
            if let symbol = Compiler.symbolOf(part) { return symbol }
            // `#:version (…)` and numbers in names are not module name parts.
            throw SchemeError.syntax("bad module name \(value.written(limit: 40)): \(part.written(limit: 20)) is not a symbol", form: form)
        }
    }

    func defineModule(_ form: Value) throws {
        let items = try elements(form, "define-module")
        guard items.count >= 2 else { throw SchemeError.syntax("bad define-module syntax: missing module name", form: form) }
        let name = try moduleName(items[1], form: form)
        let defined = runtime.modules.define(name)
        if let file = form.asPair?.location?.file.name { defined.file = file }
        module = defined
        runtime.currentModule = defined
        var index = 2
        let scope = Scope(parent: nil, isFrame: true, module: defined)
        scope.isToplevel = true
        func names(_ value: Value) throws -> [(Symbol, Symbol)] {
            guard let list = value.listElements else { throw SchemeError.syntax("bad define-module option: expected a list of names", form: form) }
            return try list.map { entry in
                if let symbol = Compiler.symbolOf(entry) { return (symbol, symbol) }
                if case .pair(let p) = entry, let a = Compiler.symbolOf(p.car), let b = Compiler.symbolOf(p.cdr) { return (a, b) }
                throw SchemeError.syntax("bad name \(entry.written(limit: 40)) in define-module", form: form)
            }
        }
        while index < items.count {
            guard case .keyword(let option) = items[index] else {
                throw SchemeError.syntax("bad define-module syntax: expected a keyword option, got \(items[index].written(limit: 40))", form: form)
            }
            index += 1
            func argument() throws -> Value {
                guard index < items.count else { throw SchemeError.syntax("define-module option #:\(option.name) lacks its argument", form: form) }
                defer { index += 1 }
                return items[index]
            }
            switch option.name {
            case "use-module":
                defined.imports.append(try interface(for: try argument(), form: form, scope: scope))
            case "export", "export-syntax", "replace":
                for (local, exported) in try names(try argument()) { defined.export(local, as: exported) }
            case "re-export", "re-export-syntax":
                // The re-exported names come from imports listed anywhere in the form;
                // resolve them after all options are processed.
                let list = try names(try argument())
                pendingReexports.append(contentsOf: list)
            case "autoload":
                let target = try moduleName(try argument(), form: form)
                let list = try names(try argument()).map(\.0)
                defined.autoloads.append((target, Set(list)))
            case "pure":
                defined.imports.removeAll { $0.module === runtime.modules.root }
            case "no-backtrace", "declarative?", "version", "duplicates", "use-syntax", "export-all":
                if option.name != "no-backtrace" && option.name != "pure" { _ = try argument() }
            default:
                throw SchemeError.syntax("unknown define-module option #:\(option.name)", form: form,
                                         hint: "known options: #:use-module #:export #:re-export #:autoload #:replace #:pure")
            }
        }
        for (local, exported) in pendingReexports { defined.reexport(local, as: exported) }
        pendingReexports.removeAll()
    }

    /// The interface a `use-modules` / `#:use-module` spec describes.
    func interface(for spec: Value, form: Value, scope: Scope) throws -> Interface {
        guard case .pair(let p) = spec else { throw SchemeError.syntax("bad module spec \(spec.written(limit: 40))", form: form) }
        if Compiler.isIdentifier(p.car) {
            return Interface(module: try runtime.modules.resolve(try moduleName(spec, form: form)))
        }
        let target = try runtime.modules.resolve(try moduleName(p.car, form: form))
        let options = p.cdr.listElements ?? []
        var selection: [Symbol: Symbol]?
        var prefix: String?
        var hidden = Set<Symbol>()
        var renamer: Value?
        var i = 0
        while i + 1 < options.count {
            guard case .keyword(let option) = options[i] else {
                throw SchemeError.syntax("bad module spec \(spec.written(limit: 60)): expected #:select, #:prefix, #:renamer or #:hide", form: form)
            }
            let argument = options[i + 1]
            i += 2
            switch option.name {
            case "select":
                var map: [Symbol: Symbol] = [:]
                for entry in argument.listElements ?? [] {
                    if let symbol = Compiler.symbolOf(entry) {
                        map[symbol] = symbol
                    } else if case .pair(let rename) = entry, let original = Compiler.symbolOf(rename.car), let local = Compiler.symbolOf(rename.cdr) {
                        map[local] = original
                    } else {
                        throw SchemeError.syntax("bad #:select entry \(entry.written(limit: 40))", form: form)
                    }
                }
                for original in map.values where target.exports[original] == nil {
                    throw SchemeError(.module, message: "module \(target.displayName) does not export \(original.name)",
                                      location: form.asPair?.location, expression: form)
                }
                selection = map
            case "prefix":
                guard let symbol = Compiler.symbolOf(argument) ?? (argument.isKeyword ? nil : nil) else {
                    throw SchemeError.syntax("bad #:prefix: expected a symbol", form: form)
                }
                prefix = symbol.name
            case "renamer":
                let code = try compile(argument, scope, tail: false)
                renamer = try code(Frame.make(parent: nil, count: scope.frameSize))
            case "hide":
                hidden = Set((argument.listElements ?? []).compactMap(Compiler.symbolOf))
            case "version":
                break
            default:
                throw SchemeError.syntax("unknown module spec option #:\(option.name)", form: form)
            }
        }
        if let renamer {
            var map: [Symbol: Symbol] = [:]
            for name in (selection.map { Array($0.values) } ?? Array(target.exports.keys)) where !hidden.contains(name) {
                let renamed = try runtime.apply(renamer, [.symbol(name)])
                guard case .symbol(let local) = renamed else {
                    throw SchemeError.syntax("the #:renamer of \(target.displayName) returned \(renamed.written(limit: 40)), not a symbol", form: form)
                }
                map[local] = name
            }
            return Interface(module: target, selection: map)
        }
        return Interface(module: target, selection: selection, prefix: prefix, hidden: hidden)
    }

    /// `(@ (module name) variable)` and `(@@ …)`: a reference to a variable of
    /// another module, resolved to its cell when compiled.
    func compileModuleReference(_ form: Value, privateAccess: Bool) throws -> Code {
        let items = try elements(form, privateAccess ? "@@" : "@")
        guard items.count == 3, let name = Compiler.symbolOf(items[2]) else {
            throw SchemeError.syntax("bad \(privateAccess ? "@@" : "@") syntax: expected (@ (module name) variable)", form: form)
        }
        let target = try runtime.modules.resolve(try moduleName(items[1], form: form))
        let found = privateAccess ? target.lookup(name) : target.exports[name]
        guard let cell = found else {
            throw SchemeError(.unboundVariable, message: "module \(target.displayName) \(privateAccess ? "has no variable" : "does not export") \(name.name)",
                              location: form.asPair?.location, expression: form)
        }
        return Code { _ in
            let value = cell.value
            if case .undefined = value { throw UnboundHints.error(for: cell) }
            return value
        }
    }
}
