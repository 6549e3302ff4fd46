/// The constructor form of a `define-record-type*` record, `(thing (field
/// expr) … [(inherit base)])`, and the `<location>` records that innate
/// `(current-source-location)` defaults receive.
extension RecordStarForms {
    static func expandConstructor(_ form: Value, _ descriptor: Descriptor, _ c: Compiler, _ scope: Scope) throws -> Value {
        let fields = descriptor.fields
        let formName = Compiler.symbolOf(form.asPair?.car ?? .null)?.name ?? descriptor.type.name
        let items = try c.elements(form, formName)
        var base: Value?
        var given = [Value?](repeating: nil, count: fields.count)
        /// The field name as written in each clause (an identifier a macro
        /// may have renamed): the let* below binds exactly that, for hygiene.
        var written = [Value?](repeating: nil, count: fields.count)
        var order: [Int] = []
        for clause in items.dropFirst() {
            let name: Symbol
            let expression: Value
            let identifier: Value
            if Compiler.isIdentifier(clause), let symbol = Compiler.symbolOf(clause) {
                // A bare field name initialises the field from the variable of that name.
                (name, expression, identifier) = (symbol, clause, clause)
            } else if let parts = clause.listElements, parts.count == 2, let symbol = Compiler.symbolOf(parts[0]) {
                (name, expression, identifier) = (symbol, parts[1], parts[0])
            } else {
                throw SchemeError.syntax("bad field initializer \(clause.written(limit: 40)) in \(formName)", form: form,
                                         hint: "write each field as (FIELD EXPRESSION), for example (\(fields.first?.name.name ?? "name") …)")
            }
            if name.name == "inherit" {
                guard base == nil else { throw SchemeError.syntax("inherit appears twice in \(formName)", form: form) }
                base = expression
                continue
            }
            guard let index = fields.firstIndex(where: { $0.name === name }) else {
                let near = UnboundHints.nearest(to: name.name, among: Set(fields.map(\.name.name)))
                throw SchemeError.syntax("\(formName) has no field \(name.name)", form: form,
                                         hint: near.isEmpty ? "its fields are: " + fields.map(\.name.name).joined(separator: " ")
                                             : "did you mean " + near.map { "`\($0)`" }.joined(separator: " or ") + "?")
            }
            guard given[index] == nil else { throw SchemeError.syntax("field \(name.name) is given twice in \(formName)", form: form) }
            given[index] = expression
            written[index] = identifier
            order.append(index)
        }
        if base == nil {
            let missing = fields.indices.filter { given[$0] == nil && fields[$0].defaultExpression == nil }
            if !missing.isEmpty {
                throw SchemeError.syntax("missing field initializers (\(missing.map { fields[$0].name.name }.joined(separator: " "))) in \(formName)",
                                         form: form, hint: "these fields have no default: give each a value, or start from another record with (inherit …)")
            }
        }
        let runtime = c.runtime
        let core = { Compiler.coreIdentifier($0, runtime) }
        let quote = { (value: Value) in Value.list(core("quote"), value) }
        // As in Guix, each field's expression sees the fields written before
        // it as variables: (package (version "2.10") (source … version …)).
        // The base is evaluated first, outside those bindings.
        let baseSymbol = descriptor.baseSymbol
        var bindings: [Value] = []
        for index in order {
            let field = fields[index], expression = given[index] ?? .false
            let value: Value
            if field.thunked {
                value = Value.list(core("lambda"), .list(.symbol(descriptor.selfSymbol)), expression)
            } else if field.delayed {
                value = Value.list(core("lambda"), .null, expression)
            } else {
                value = expression
            }
            bindings.append(Value.list(written[index] ?? .symbol(field.name), value))
        }
        let make: Primitive
        if let cached = descriptor.constructorPrimitive, cached.runtime == ObjectIdentifier(runtime) {
            make = cached.primitive
        } else {
            make = constructor(descriptor, runtime)
            descriptor.constructorPrimitive = (ObjectIdentifier(runtime), make)
        }
        var arguments: [Value] = [quote(.procedure(make)), base == nil ? .false : .symbol(baseSymbol)]
        for (index, field) in fields.enumerated() {
            if given[index] != nil {
                arguments.append(written[index] ?? .symbol(field.name))
            } else if (base == nil || field.innate), descriptor.defaultsToFormLocation[index] {
                // Guix gives innate location fields the position of the form itself.
                arguments.append(quote(SourceLocationRecord.make(form.asPair?.location, type: descriptor.locationType)))
            } else {
                arguments.append(quote(.object(descriptor.unset)))
            }
        }
        let construction = Value.list(core("let*"), .list(bindings), Value.list(arguments))
        guard let base else { return construction }
        return Value.list(core("let"), .list(Value.list(.symbol(baseSymbol), base)), construction)
    }

    static func isCurrentSourceLocation(_ expression: Value?) -> Bool {
        guard let items = expression?.listElements, items.count == 1 else { return false }
        return Compiler.symbolOf(items[0])?.name == "current-source-location"
    }

    /// The procedure a constructor form calls: the base record (or #f), then
    /// one value per field (`Unset` for fields the form leaves out).
    private static func constructor(_ descriptor: Descriptor, _ runtime: Runtime) -> Primitive {
        unowned(unsafe) let runtime = runtime
        let fields = descriptor.fields
        let type = descriptor.type
        return Primitive(type.name, arity: fields.count + 1, fields.count + 1) { args in
            var base: Record?
            if args[0].isTrue {
                guard case .record(let record) = args[0], record.type === type else {
                    throw SchemeError.wrongType(procedure: type.name, position: 1, expected: "\(type.name) record to inherit from", got: args[0])
                }
                base = record
            }
            var values = [Value](repeating: .false, count: fields.count)
            for (index, field) in fields.enumerated() {
                let argument = args[index + 1]
                let sanitizer = index < descriptor.sanitizers.count ? descriptor.sanitizers[index] : nil
                if case .object(let object) = argument, object === descriptor.unset {
                    if let base, !field.innate {
                        values[index] = base.fields[index]
                    } else if let defaultValue = index < descriptor.defaults.count ? descriptor.defaults[index] : nil {
                        if field.thunked || field.delayed {
                            values[index] = .object(FieldThunk(procedure: defaultValue, takesRecord: field.thunked))
                        } else {
                            let value = try runtime.apply(defaultValue, [])
                            values[index] = try sanitizer.map { try runtime.apply($0, [value]) } ?? value
                        }
                    } else {
                        throw SchemeError(.misc, who: type.name, message: "\(type.name): field \(field.name.name) has no value and no default",
                                          hint: "give (\(field.name.name) …) in the form")
                    }
                } else if field.thunked || field.delayed {
                    values[index] = .object(FieldThunk(procedure: argument, takesRecord: field.thunked))
                } else {
                    values[index] = try sanitizer.map { try runtime.apply($0, [argument]) } ?? argument
                }
            }
            return .record(Record(type: type, fields: values))
        }
    }
}

/// Guix's `<location>`: file, 1-based line, 0-based column.
enum SourceLocationRecord {
    static func make(_ location: SourceLocation?, type: RecordType) -> Value {
        guard let location else { return .false }
        return .record(Record(type: type, fields: [.string(location.file.name), .fixnum(Int(location.line)), .fixnum(Int(location.column) - 1)]))
    }

    /// Defines `<location>` and its procedures; returns the type.
    static func install(into module: Module) -> RecordType {
        let type = RecordType(name: "location", fieldNames: ["file", "line", "column"].map(Symbol.intern))
        module.define(Symbol.intern("<location>"), .object(type))
        module.define(Symbol.intern("location?"), .procedure(Primitive("location?") { v in
            if case .record(let r) = v, r.type === type { return .true }
            return .false
        }))
        for (index, name) in ["location-file", "location-line", "location-column"].enumerated() {
            module.define(Symbol.intern(name), .procedure(Primitive(name) { v in
                guard case .record(let r) = v, r.type === type else { throw SchemeError.wrongType(procedure: name, position: 1, expected: "location", got: v) }
                return r.fields[index]
            }))
        }
        module.define(Symbol.intern("location"), .procedure(Primitive("location", arity: 3, 3) { args in
            .record(Record(type: type, fields: args))
        }))
        return type
    }
}
