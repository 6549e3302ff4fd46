/// `eval`, `load` and the module procedures hosts and Guix code use
/// (`resolve-module`, `module-ref`, `current-module` …).
extension Libraries {
    package static func installEval(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        func moduleArgument(_ value: Value, _ who: String, _ position: Int) throws -> Module {
            if case .object(let o as Module) = value { return o }
            throw SchemeError.wrongType(procedure: who, position: position, expected: "module", got: value)
        }
        func moduleName(_ value: Value, _ who: String) throws -> [Symbol] {
            guard let parts = value.listElements, !parts.isEmpty else {
                throw SchemeError.wrongType(procedure: who, position: 1, expected: "module name", got: value)
            }
            return try parts.map { try $0.expectSymbol(who, 1) }
        }
        library.define("eval", arity: 1, 2) { args in
            let module = args.count > 1 ? try moduleArgument(args[1], "eval", 2) : (runtime.currentModule ?? runtime.modules.user)
            let compiler = Compiler(runtime: runtime, module: module)
            let saved = runtime.currentModule
            defer { runtime.currentModule = saved }
            return try runtime.evaluateToplevel(args[0], compiler: compiler)
        }
        library.define("primitive-eval") { form in
            let compiler = Compiler(runtime: runtime, module: runtime.currentModule ?? runtime.modules.user)
            return try runtime.evaluateToplevel(form, compiler: compiler)
        }
        library.define("current-module") { .object(runtime.currentModule ?? runtime.modules.user) }
        library.define("interaction-environment") { .object(runtime.modules.user) }
        library.define("scheme-report-environment", arity: 0, 1) { _ in .object(runtime.modules.root) }
        library.define("resolve-module", arity: 1, nil) { args in
            .object(try runtime.modules.resolve(try moduleName(args[0], "resolve-module")))
        }
        library.define("resolve-interface", arity: 1, nil) { args in
            .object(try runtime.modules.resolve(try moduleName(args[0], "resolve-interface")))
        }
        library.define("module-name") { m in
            Value.list(try moduleArgument(m, "module-name", 1).name.map { .symbol($0) })
        }
        library.define("module-ref", arity: 2, 3) { args in
            let module = try moduleArgument(args[0], "module-ref", 1)
            let name = try args[1].expectSymbol("module-ref", 2)
            if let cell = module.exports[name] ?? module.lookup(name), cell.isBound { return cell.value }
            if args.count > 2 { return args[2] }
            throw SchemeError(.unboundVariable, who: "module-ref", message: "unbound variable \(name.name) in module \(module.displayName)", irritants: [.symbol(name)])
        }
        library.define("module-defined?") { m, n in
            let module = try moduleArgument(m, "module-defined?", 1)
            return .boolean(module.lookup(try n.expectSymbol("module-defined?", 2))?.isBound ?? false)
        }
        library.define("module-variable") { m, n in
            let module = try moduleArgument(m, "module-variable", 1)
            return module.lookup(try n.expectSymbol("module-variable", 2)).map { _ in .true } ?? .false
        }
        library.define("module-define!") { m, n, v in
            try moduleArgument(m, "module-define!", 1).define(try n.expectSymbol("module-define!", 2), v)
            return .unspecified
        }
        library.define("module?") { m in
            if case .object(let o) = m, o is Module { return .true }
            return .false
        }
        library.define("defined?", arity: 1, 2) { args in
            let name = try args[0].expectSymbol("defined?", 1)
            let module = args.count > 1 ? try moduleArgument(args[1], "defined?", 2) : (runtime.currentModule ?? runtime.modules.user)
            return .boolean(module.lookup(name)?.isBound ?? false)
        }
        library.define("load", arity: 1, 2) { args in
            let path = try args[0].expectString("load", 1).string
            try runtime.ensureReadable(path)
            let forms = try runtime.modules.readSource(path)
            let compiler = Compiler(runtime: runtime, module: runtime.currentModule ?? runtime.modules.user)
            let saved = runtime.currentModule
            defer { runtime.currentModule = saved }
            var result = Value.unspecified
            try forms.forEach { result = try runtime.evaluateToplevel($0, compiler: compiler) }
            return result
        }
        library.alias("primitive-load", to: "load")
        library.define("add-to-load-path") { directory in
            let path = try directory.expectString("add-to-load-path", 1).string
            // Refused up front: a module file found there would be refused anyway.
            try runtime.ensureReadable(path)
            runtime.modules.loadPath.insert(path, at: 0)
            return .unspecified
        }
        library.define("macroexpand") { form in
            let compiler = Compiler(runtime: runtime, module: runtime.currentModule ?? runtime.modules.user)
            let scope = Scope(parent: nil, isFrame: true, module: compiler.module)
            scope.isToplevel = true
            return Compiler.stripSyntax(try compiler.expandHead(form, scope))
        }
    }
}
