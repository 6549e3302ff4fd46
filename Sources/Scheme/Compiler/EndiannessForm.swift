/// R6RS `(endianness big)`: syntax, not a procedure, because its operand is a
/// bare name. It expands to the quoted symbol and rejects names other than
/// `big` and `little` when it is expanded, as Guile's `(rnrs bytevectors)` does.
enum EndiannessForm {
    static func install(into module: Module, runtime: Runtime) {
        let transform: (Compiler, Value, Scope) throws -> Value = { c, form, _ in
            let items = try c.elements(form, "endianness")
            guard items.count == 2, let name = Compiler.symbolOf(items[1]) else {
                throw SchemeError.syntax("bad endianness syntax: expected (endianness big) or (endianness little)", form: form)
            }
            guard name.name == "big" || name.name == "little" else {
                throw SchemeError.syntax("unsupported endianness \(name.name)", form: form)
            }
            return Value.list(Compiler.coreIdentifier("quote", runtime), .symbol(name))
        }
        module.define(
            Symbol.intern("endianness"),
            .object(Macro(name: "endianness", transformer: .native(transform), scope: nil, module: module)))
    }
}
