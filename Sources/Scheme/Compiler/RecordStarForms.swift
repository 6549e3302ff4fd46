/// Guix's `define-record-type*` (`(guix records)`): records built with
/// keyword-style constructor forms, field defaults, `(inherit base)`, thunked
/// and delayed fields, innate fields, sanitizers, and a `this-record`
/// identifier that thunked fields can use:
///
///     (define-record-type* <thing> thing make-thing thing? this-thing
///       (name thing-name)
///       (size thing-size (default 1) (sanitize check-size))
///       (parts thing-parts (default (list this-thing)) (thunked))
///       (location thing-location (default (current-source-location)) (innate)))
///
///     (thing (name "a") (size 2))   (thing (inherit a) (name "b"))
///
/// Checks that need no evaluation (unknown, repeated and missing fields) are
/// syntax errors at the constructor form, with its location.
enum RecordStarForms {
    /// Installs `define-record-type*` and the `<location>` record into `module`.
    static func install(into module: Module, runtime: Runtime) {
        let locationType = SourceLocationRecord.install(into: module)
        module.define(Symbol.intern("define-record-type*"), .object(Macro(
            name: "define-record-type*", transformer: .native { c, form, scope in try expandDefinition(form, c, scope, locationType: locationType) },
            scope: nil, module: module)))
    }

    /// How one field is stored and initialised.
    struct Field {
        let name: Symbol
        let accessor: Value?
        var defaultExpression: Value?
        var sanitizer: Value?
        var thunked = false
        var delayed = false
        var innate = false
    }

    /// What the generated procedures share: filled in when the definition runs.
    final class Descriptor {
        let type: RecordType
        let fields: [Field]
        /// The symbol thunked fields bind to the record: `this-thing` expands to it.
        let selfSymbol: Symbol
        /// `<location>` of the runtime, for innate location fields.
        let locationType: RecordType
        /// Marks a field the constructor form does not set.
        let unset = Unset()
        /// Per field: a procedure computing its default (taking the record for thunked fields), or nil.
        var defaults: [Value?] = []
        var sanitizers: [Value?] = []
        /// What every constructor form expands to use, made once per record
        /// type rather than once per form (a collection has thousands).
        let baseSymbol: Symbol
        let defaultsToFormLocation: [Bool]
        var constructorPrimitive: (runtime: ObjectIdentifier, primitive: Primitive)?

        init(type: RecordType, fields: [Field], locationType: RecordType) {
            self.type = type
            self.fields = fields
            self.locationType = locationType
            // Not readable as one symbol (it holds a space), so no user code names it by accident.
            selfSymbol = Symbol.intern("this-record \(type.name)")
            baseSymbol = Symbol.intern("%record-base \(type.name)")
            defaultsToFormLocation = fields.map { RecordStarForms.isCurrentSourceLocation($0.defaultExpression) }
        }
    }

    /// A thunked or delayed field's stored value: called by the accessor.
    final class FieldThunk: SchemeObject {
        let procedure: Value
        /// Delayed fields compute once; thunked fields on every access, with the record.
        let takesRecord: Bool
        var memo: Value?
        init(procedure: Value, takesRecord: Bool) {
            self.procedure = procedure
            self.takesRecord = takesRecord
        }
        override var typeName: String { "field-thunk" }
    }

    final class Unset: SchemeObject {
        override var typeName: String { "unset-field" }
    }

    // MARK: The definition

    static func expandDefinition(_ form: Value, _ c: Compiler, _ scope: Scope, locationType: RecordType) throws -> Value {
        let usage = "(define-record-type* <type> constructor-form make-procedure predicate [this-identifier] (field accessor option …) …)"
        let items = try c.elements(form, "define-record-type*")
        guard items.count >= 5, let typeName = Compiler.symbolOf(items[1]), let formName = Compiler.symbolOf(items[2]) else {
            throw SchemeError.syntax("bad define-record-type* syntax: expected \(usage)", form: form)
        }
        var rest = Array(items.dropFirst(5))
        var thisIdentifier: Value?
        if let candidate = rest.first, Compiler.isIdentifier(candidate) {
            thisIdentifier = candidate
            rest.removeFirst()
        }
        let fields = try rest.map { try parseField($0, form: form) }
        var seen = Set<Symbol>()
        for field in fields where !seen.insert(field.name).inserted {
            throw SchemeError.syntax("field \(field.name.name) appears twice in define-record-type* \(typeName.name)", form: form)
        }
        let type = RecordType(name: typeName.name.trimmingCharacters(in: ["<", ">"]), fieldNames: fields.map(\.name))
        let descriptor = Descriptor(type: type, fields: fields, locationType: locationType)
        let runtime = c.runtime
        let core = { Compiler.coreIdentifier($0, runtime) }
        let quote = { (value: Value) in Value.list(core("quote"), value) }
        func define(_ name: Value, _ value: Value) -> Value { Value.list(core("define"), name, quote(value)) }

        var definitions: [Value] = [define(items[1], .object(type))]
        let count = fields.count
        let rawName = Compiler.symbolOf(items[3])?.name ?? "make-record"
        definitions.append(define(items[3], .procedure(Primitive(rawName, arity: count, count) { args in
            .record(Record(type: type, fields: args))
        })))
        definitions.append(define(items[4], .procedure(Primitive(Compiler.symbolOf(items[4])?.name ?? "predicate") { v in
            if case .record(let r) = v, r.type === type { return .true }
            return .false
        })))
        for (index, field) in fields.enumerated() {
            guard let accessor = field.accessor else { continue }
            definitions.append(define(accessor, .procedure(makeAccessor(descriptor, index, runtime))))
        }
        // Defaults and sanitizers are expressions of the defining module: they
        // are evaluated here, once, as procedures the constructor calls.
        let defaults = fields.map { field -> Value in
            guard let expression = field.defaultExpression else { return .false }
            let parameters: Value = field.thunked ? .list(.symbol(descriptor.selfSymbol)) : .null
            return Value.list(core("lambda"), parameters, expression)
        }
        let sanitizers = fields.map { $0.sanitizer ?? .false }
        let install = Primitive("define-record-type*") { defaultList, sanitizerList in
            let defaultValues = defaultList.listElements ?? []
            descriptor.defaults = fields.indices.map { fields[$0].defaultExpression == nil ? nil : defaultValues[$0] }
            descriptor.sanitizers = (sanitizerList.listElements ?? []).map { $0.isTrue ? $0 : nil }
            return .unspecified
        }
        definitions.append(Value.list(quote(.procedure(install)), Value.list([core("list")] + defaults), Value.list([core("list")] + sanitizers)))

        // The constructor form and `this-thing` are macros, bound as the form is expanded.
        let constructor = Macro(name: formName.name, transformer: .native { c, use, useScope in
            try expandConstructor(use, descriptor, c, useScope)
        }, scope: nil, module: c.module)
        bindMacro(items[2], constructor, c, scope)
        if let thisIdentifier, let thisName = Compiler.symbolOf(thisIdentifier) {
            let this = Macro(name: thisName.name, transformer: .native { c, use, useScope in
                let hidden = Value.symbol(descriptor.selfSymbol)
                guard case .local = c.resolve(hidden, in: useScope) else {
                    throw SchemeError.syntax("\(thisName.name) used outside of a thunked field of \(formName.name)", form: use,
                                             hint: "\(thisName.name) refers to the record being built; mark the field (thunked) to use it")
                }
                return hidden
            }, scope: nil, module: c.module)
            this.expandsAsIdentifier = true
            bindMacro(thisIdentifier, this, c, scope)
        }
        return Value.list([core("begin")] + definitions)
    }

    private static func bindMacro(_ name: Value, _ macro: Macro, _ c: Compiler, _ scope: Scope) {
        if scope.isToplevel, let symbol = Compiler.symbolOf(name) {
            c.module.define(symbol, .object(macro))
        } else {
            scope.bindMacro(name, macro)
        }
    }

    private static func parseField(_ spec: Value, form: Value) throws -> Field {
        guard let parts = spec.listElements, let first = parts.first, let name = Compiler.symbolOf(first) else {
            throw SchemeError.syntax("bad field spec \(spec.written(limit: 40)) in define-record-type*: expected (name accessor option …)", form: form)
        }
        var options = parts.dropFirst()
        var accessor: Value?
        if let next = options.first, Compiler.isIdentifier(next) {
            accessor = next
            options.removeFirst()
        }
        var field = Field(name: name, accessor: accessor)
        for option in options {
            let words = option.listElements ?? []
            switch (words.first.flatMap(Compiler.symbolOf)?.name, words.count) {
            case ("default", 2): field.defaultExpression = words[1]
            case ("sanitize", 2): field.sanitizer = words[1]
            case ("thunked", 1): field.thunked = true
            case ("delayed", 1): field.delayed = true
            case ("innate", 1): field.innate = true
            default:
                throw SchemeError.syntax("bad option \(option.written(limit: 40)) of field \(name.name)", form: form,
                                         hint: "field options are (default EXPR), (thunked), (delayed), (innate) and (sanitize PROC)")
            }
        }
        return field
    }

    private static func makeAccessor(_ descriptor: Descriptor, _ index: Int, _ runtime: Runtime) -> Primitive {
        let field = descriptor.fields[index]
        let who = field.accessor.flatMap(Compiler.symbolOf)?.name ?? field.name.name
        let type = descriptor.type
        unowned(unsafe) let runtime = runtime
        return Primitive(who) { v in
            guard case .record(let r) = v, r.type === type, index < r.fields.count else {
                throw SchemeError.wrongType(procedure: who, position: 1, expected: type.name, got: v)
            }
            let stored = r.fields[index]
            guard case .object(let thunk as FieldThunk) = stored else { return stored }
            if let memo = thunk.memo { return memo }
            var value = try runtime.apply(thunk.procedure, thunk.takesRecord ? [v] : [])
            if let sanitizer = index < descriptor.sanitizers.count ? descriptor.sanitizers[index] : nil {
                value = try runtime.apply(sanitizer, [value])
            }
            if !thunk.takesRecord { thunk.memo = value }
            return value
        }
    }
}
