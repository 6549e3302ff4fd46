/// `define-record-type` (SRFI-9/R7RS). The record type and its procedures are
/// made when the form is expanded and bound by ordinary definitions, so the
/// form works at top level and in bodies alike.
enum RecordForms {
    static func install(into module: Module, runtime: Runtime) {
        let transform: (Compiler, Value, Scope) throws -> Value = { c, form, _ in
            try expandRecordType(form, c)
        }
        module.define(Symbol.intern("define-record-type"), .object(Macro(name: "define-record-type", transformer: .native(transform), scope: nil, module: module)))
        module.define(Symbol.intern("record?"), .procedure(Primitive("record?") { v in
            if case .record = v { return .true }
            return .false
        }))
        module.define(Symbol.intern("record-type-descriptor"), .procedure(Primitive("record-type-descriptor") { v in
            guard case .record(let r) = v else { throw SchemeError.wrongType(procedure: "record-type-descriptor", position: 1, expected: "record", got: v) }
            return .object(r.type)
        }))
        module.define(Symbol.intern("record-type-name"), .procedure(Primitive("record-type-name") { v in
            guard case .object(let t as RecordType) = v else { throw SchemeError.wrongType(procedure: "record-type-name", position: 1, expected: "record type", got: v) }
            return .symbol(t.name)
        }))
    }

    static func expandRecordType(_ form: Value, _ c: Compiler) throws -> Value {
        let items = try c.elements(form, "define-record-type")
        guard items.count >= 3, let typeName = Compiler.symbolOf(items[1]) else {
            throw SchemeError.syntax("bad define-record-type syntax: expected (define-record-type <name> (constructor field …) predicate (field accessor [modifier]) …)", form: form)
        }
        var fieldNames: [Symbol] = []
        var accessors: [(Value, Int)] = []
        var modifiers: [(Value, Int)] = []
        for spec in items.dropFirst(4) {
            let parts = spec.listElements ?? (Compiler.isIdentifier(spec) ? [spec] : [])
            guard let first = parts.first, let field = Compiler.symbolOf(first), parts.count <= 3 else {
                throw SchemeError.syntax("bad field spec \(spec.written(limit: 40)) in define-record-type", form: form)
            }
            let index = fieldNames.count
            fieldNames.append(field)
            if parts.count > 1 { accessors.append((parts[1], index)) }
            if parts.count > 2 { modifiers.append((parts[2], index)) }
        }
        let printed = typeName.name
        let type = RecordType(name: printed, fieldNames: fieldNames)
        let core = { Compiler.coreIdentifier($0, c.runtime) }
        func define(_ name: Value, _ value: Value) -> Value {
            Value.list(core("define"), name, Value.list(core("quote"), value))
        }
        var definitions: [Value] = [define(items[1], .object(type))]
        let fieldCount = fieldNames.count
        // Constructor.
        if items.count > 2, items[2].isTrue {
            let spec = items[2].listElements ?? [items[2]]
            guard let constructorName = spec.first, Compiler.isIdentifier(constructorName) else {
                throw SchemeError.syntax("bad constructor spec in define-record-type", form: form)
            }
            let argumentFields: [Int]
            if items[2].listElements != nil {
                argumentFields = try spec.dropFirst().map { argument in
                    guard let symbol = Compiler.symbolOf(argument), let index = fieldNames.firstIndex(of: symbol) else {
                        throw SchemeError.syntax("constructor argument \(argument.written(limit: 30)) is not a field of \(typeName.name)", form: form)
                    }
                    return index
                }
            } else {
                argumentFields = Array(0..<fieldCount)
            }
            let name = Compiler.symbolOf(constructorName)?.name ?? "constructor"
            let constructor = Primitive(name, arity: argumentFields.count, argumentFields.count) { args in
                var fields = [Value](repeating: .false, count: fieldCount)
                for (position, field) in argumentFields.enumerated() { fields[field] = args[position] }
                return .record(Record(type: type, fields: fields))
            }
            definitions.append(define(constructorName, .procedure(constructor)))
        }
        if items.count > 3, Compiler.isIdentifier(items[3]) {
            let predicate = Primitive(Compiler.symbolOf(items[3])?.name ?? "predicate") { v in
                if case .record(let r) = v, r.type === type { return .true }
                return .false
            }
            definitions.append(define(items[3], .procedure(predicate)))
        }
        for (name, index) in accessors {
            let who = Compiler.symbolOf(name)?.name ?? "accessor"
            let accessor = Primitive(who) { v in
                guard case .record(let r) = v, r.type === type, index < r.fields.count else {
                    throw SchemeError.wrongType(procedure: who, position: 1, expected: printed, got: v)
                }
                return r.fields[index]
            }
            definitions.append(define(name, .procedure(accessor)))
        }
        for (name, index) in modifiers {
            let who = Compiler.symbolOf(name)?.name ?? "modifier"
            let modifier = Primitive(who) { v, newValue in
                guard case .record(let r) = v, r.type === type, index < r.fields.count else {
                    throw SchemeError.wrongType(procedure: who, position: 1, expected: printed, got: v)
                }
                r.fields[index] = newValue
                return .unspecified
            }
            definitions.append(define(name, .procedure(modifier)))
        }
        return Value.list([core("begin")] + definitions)
    }
}
