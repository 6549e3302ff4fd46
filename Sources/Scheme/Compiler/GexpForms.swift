/// The gexp forms of `(cairn core gexp)`: `gexp` (what `#~` reads as), the
/// `ungexp` family inside it, `with-imported-modules`, `with-extensions`,
/// and the procedures hosts and channels build on (`lower-gexp`,
/// `register-gexp-compiler!`).
enum GexpForms {
    /// What `with-imported-modules` and `with-extensions` set while their body
    /// makes gexps: each gexp records the values current when it is made.
    final class Context {
        var modules: Value = .null
        var extensions: Value = .null
    }

    static let unquoteForms: [String: (native: Bool, splicing: Bool)] = [
        "ungexp": (false, false), "ungexp-splicing": (false, true),
        "ungexp-native": (true, false), "ungexp-native-splicing": (true, true),
    ]

    static func install(into module: Module, runtime: Runtime) {
        unowned(unsafe) let runtime = runtime
        let context = Context()
        module.define(Symbol.intern("gexp"), .object(SpecialForm("gexp") { c, form, scope, _ in
            try compileGexp(form, c, scope, context)
        }))
        for name in unquoteForms.keys {
            module.define(Symbol.intern(name), .object(SpecialForm(name) { _, form, _, _ in
                throw SchemeError.syntax("\(name) (#$) used outside of a gexp", form: form, hint: "#$ and #+ go inside #~(…)")
            }))
        }
        for (name, keyPath) in [("with-imported-modules", \Context.modules), ("with-extensions", \Context.extensions)] {
            // (with-imported-modules MODULES BODY …) ≡ ('%with MODULES (lambda () BODY …))
            let with = Primitive("%" + name) { value, thunk in
                let saved = context[keyPath: keyPath]
                context[keyPath: keyPath] = value
                defer { context[keyPath: keyPath] = saved }
                return try runtime.apply(thunk, [])
            }
            module.define(Symbol.intern(name), .object(Macro(name: name, transformer: .native { c, form, _ in
                let items = try c.elements(form, name)
                guard items.count >= 3 else {
                    throw SchemeError.syntax("bad \(name) syntax: expected (\(name) LIST BODY …)", form: form)
                }
                let core = { Compiler.coreIdentifier($0, c.runtime) }
                let thunk = Value.list([core("lambda"), .null] + items.dropFirst(2))
                return Value.list(Value.list(core("quote"), .procedure(with)), items[1], thunk)
            }, scope: nil, module: module)))
        }
        installProcedures(into: module, runtime: runtime)
    }

    private static func installProcedures(into module: Module, runtime: Runtime) {
        unowned(unsafe) let runtime = runtime
        func define(_ name: String, _ primitive: Primitive) { module.define(Symbol.intern(name), .procedure(primitive)) }
        func gexp(_ value: Value, _ who: String) throws -> Gexp {
            guard case .object(let g as Gexp) = value else { throw SchemeError.wrongType(procedure: who, position: 1, expected: "gexp", got: value) }
            return g
        }
        define("gexp?", Primitive("gexp?") { v in
            if case .object(is Gexp) = v { return .true }
            return .false
        })
        // As Guix's: the modules of the gexp and of the gexps it refers to,
        // so a build system's wrapper keeps those of the package's builder.
        define("gexp-modules", Primitive("gexp-modules") { v in
            guard case .object(let g as Gexp) = v else { return .null }
            return .list(collectModules(g))
        })
        define("gexp-extensions", Primitive("gexp-extensions") { v in try gexp(v, "gexp-extensions").extensions })
        // (register-gexp-compiler! <type> LOWER [EXPAND]): LOWER turns an
        // instance into a derivation, a store file name or another lowerable
        // value; EXPAND (instance, lowered file name, output) gives the text
        // the gexp holds instead (for file-append).
        define("register-gexp-compiler!", Primitive("register-gexp-compiler!", arity: 2, 3) { args in
            guard case .object(let type as RecordType) = args[0] else {
                throw SchemeError.wrongType(procedure: "register-gexp-compiler!", position: 1, expected: "record type", got: args[0])
            }
            type.properties[GexpLowering.lowerProperty] = args[1]
            if args.count > 2, args[2].isTrue { type.properties[GexpLowering.expandProperty] = args[2] }
            return .unspecified
        })
        // (lower-gexp G) => (SEXP INPUTS SOURCES OUTPUTS): the code with file
        // names in, the lowerable inputs as (OBJECT . OUTPUT-or-#f), the store
        // files it names, and the names of the outputs it writes (#$output).
        define("lower-gexp", Primitive("lower-gexp") { v in
            var lowering = GexpLowering(runtime: runtime)
            let sexp = try lowering.lower(try gexp(v, "lower-gexp"))
            let inputs = lowering.inputs.map { Value.pair(Pair(.object($0.object), $0.output.map { .string($0) } ?? .false)) }
            return .list(sexp, .list(inputs), .list(lowering.sources.map { .string($0) }), .list(lowering.outputs.map { .string($0) }))
        })
        define("gexp-output", Primitive("gexp-output", arity: 0, 1) { args in
            .object(GexpOutput(name: try args.first.map { try $0.expectString("gexp-output", 1).string } ?? "out"))
        })
    }

    // MARK: Compiling #~

    private static func compileGexp(_ form: Value, _ c: Compiler, _ scope: Scope, _ context: Context) throws -> Code {
        let items = try c.elements(form, "gexp")
        guard items.count == 2 else { throw SchemeError.syntax("bad gexp syntax: expected (gexp TEMPLATE), what #~TEMPLATE reads as", form: form) }
        var references: [Reference] = []
        let template = try walk(items[1], c, scope, context, &references)
        let codes = references.map(\.code)
        let shapes = references
        return Code { frame in
            var values: [GexpReference] = []
            values.reserveCapacity(codes.count)
            for (index, code) in codes.enumerated() {
                let shape = shapes[index]
                var output = shape.output
                if let outputCode = shape.outputCode {
                    let named = try outputCode(frame)
                    guard case .string(let text) = named else {
                        throw SchemeError.wrongType(procedure: "ungexp", position: 2, expected: "output name (a string such as \"lib\")", got: named)
                    }
                    output = text.string
                }
                values.append(GexpReference(value: try code(frame), output: output, native: shape.native, splicing: shape.splicing))
            }
            return .object(Gexp(template: template, references: values, modules: context.modules, extensions: context.extensions))
        }
    }

    /// An `ungexp` form's compiled expression; the output is a literal or,
    /// as in `(ungexp pkg output)` with a variable, computed with the value.
    private struct Reference {
        let code: Code
        let output: String?
        let outputCode: Code?
        let native: Bool
        let splicing: Bool
    }

    /// The template with a hole for each `ungexp` form (their expressions compiled into `references`).
    private static func walk(
        _ datum: Value, _ c: Compiler, _ scope: Scope, _ context: Context,
        _ references: inout [Reference]
    ) throws -> Value {
        switch datum {
        case .object(is Identifier):
            return Compiler.stripSyntax(datum)
        case .vector(let vector):
            return .vector(SVector(try vector.elements.map { try walk($0, c, scope, context, &references) }, mutable: false))
        case .pair(let pair):
            if let head = Compiler.symbolOf(pair.car), let shape = unquoteForms[head.name], let operands = pair.cdr.listElements {
                guard operands.count == 1 || operands.count == 2 else {
                    throw SchemeError.syntax("bad \(head.name) syntax: expected (\(head.name) EXPRESSION [OUTPUT])", form: datum)
                }
                var output: String?
                var operand = operands[0]
                if operands.count == 1, let (base, name) = splitOutput(operand, c, scope) {
                    // Guix's shorthand: #$output:doc, #$glib:bin.
                    (operand, output) = (base, name)
                }
                var outputCode: Code?
                if operands.count == 2 {
                    if case .string(let name) = operands[1] {
                        output = name.string
                    } else {
                        outputCode = try c.compile(operands[1], scope, tail: false)
                    }
                }
                if Compiler.symbolOf(operand)?.name == "output", !shape.splicing, !isLexical(operand, c, scope) {
                    guard let outputCode else { return .object(GexpOutput(name: output ?? "out")) }
                    // (ungexp output NAME) with NAME computed: the output is named when the gexp is made.
                    let named = Code { frame in
                        let value = try outputCode(frame)
                        guard case .string(let text) = value else {
                            throw SchemeError.wrongType(procedure: "ungexp", position: 2, expected: "output name (a string such as \"lib\")", got: value)
                        }
                        return .object(GexpOutput(name: text.string))
                    }
                    references.append(Reference(code: named, output: nil, outputCode: nil, native: shape.native, splicing: false))
                    return .object(GexpHole(index: references.count - 1))
                }
                references.append(Reference(code: try c.compile(operand, scope, tail: false), output: output, outputCode: outputCode,
                                            native: shape.native, splicing: shape.splicing))
                return .object(GexpHole(index: references.count - 1))
            }
            if Compiler.symbolOf(pair.car)?.name == "gexp" {
                // A gexp inside a gexp: made along with the outer one, lowered in place.
                references.append(Reference(code: try compileGexp(datum, c, scope, context), output: nil, outputCode: nil, native: false, splicing: false))
                return .object(GexpHole(index: references.count - 1))
            }
            let car = try walk(pair.car, c, scope, context, &references)
            let cdr = try walk(pair.cdr, c, scope, context, &references)
            return .pair(Pair(car, cdr, location: pair.location))
        default:
            return datum
        }
    }

    /// `glib:bin` as (`glib`, "bin") when `glib:bin` itself names nothing.
    private static func splitOutput(_ operand: Value, _ c: Compiler, _ scope: Scope) -> (Value, String)? {
        guard let symbol = Compiler.symbolOf(operand), let colon = symbol.name.lastIndex(of: ":"),
              colon != symbol.name.startIndex, symbol.name.index(after: colon) != symbol.name.endIndex else { return nil }
        switch c.resolve(operand, in: scope) {
        case .local: return nil
        case .global(let cell) where cell.isBound || cell.isDeclared: return nil
        default: break
        }
        let base = Value.symbol(Symbol.intern(String(symbol.name[..<colon])))
        return (base, String(symbol.name[symbol.name.index(after: colon)...]))
    }

    private static func isLexical(_ name: Value, _ c: Compiler, _ scope: Scope) -> Bool {
        if case .local = c.resolve(name, in: scope) { return true }
        return false
    }

    /// The module names of `root` and of the gexps its references hold
    /// (directly or in lists), each once, in first-seen order.
    static func collectModules(_ root: Gexp) -> [Value] {
        var result: [Value] = []
        var visited = Set<ObjectIdentifier>()
        func visit(_ value: Value, depth: Int) {
            guard depth < 10_000 else { return }
            switch value {
            case .object(let g as Gexp):
                guard visited.insert(ObjectIdentifier(g)).inserted else { return }
                for module in g.modules.listElements ?? [] where !result.contains(where: { $0.isEqual(module) }) {
                    result.append(module)
                }
                for reference in g.references { visit(reference.value, depth: depth + 1) }
            case .pair:
                for element in value.listElements ?? [] { visit(element, depth: depth + 1) }
            default:
                return
            }
        }
        visit(.object(root), depth: 0)
        return result
    }
}
