import Testing
@testable import Scheme

/// A runtime with the text libraries installed, and shorthands to call them
/// by name the way Scheme code would.
final class TextHarness {
    let runtime = Runtime()
    private var bindings: [String: Value] = [:]
    /// Captures what procedures print to the current output port.
    let output = StringOutputPort()

    init() {
        var library = LibraryBuilder(runtime: runtime)
        Libraries.installChars(into: &library)
        Libraries.installStrings(into: &library)
        Libraries.installSymbols(into: &library)
        Libraries.installPorts(into: &library)
        Libraries.installFormat(into: &library)
        Libraries.installRegex(into: &library)
        Libraries.installSystem(into: &library)
        Libraries.installReaderAndMisc(into: &library)
        for (symbol, value) in library.bindings { bindings[symbol.name] = value }
        runtime.currentOutputPort = .object(output)
    }

    func value(_ name: String) throws -> Value {
        try #require(bindings[name], "unbound: \(name)")
    }

    func call(_ name: String, _ arguments: Value...) throws -> Value {
        try runtime.apply(try value(name), arguments)
    }

    func call(_ name: String, arguments: [Value]) throws -> Value {
        try runtime.apply(try value(name), arguments)
    }

    /// The `write` form of a call's result, to compare with Guile's output.
    func written(_ name: String, _ arguments: Value...) throws -> String {
        try runtime.apply(try value(name), arguments).written()
    }

    /// The error a call raises, or nil when it succeeds.
    func failure(_ name: String, _ arguments: Value...) -> SchemeError? {
        do {
            _ = try runtime.apply(try value(name), arguments)
            return nil
        } catch let error as SchemeError {
            return error
        } catch {
            return nil
        }
    }

    func procedure(_ name: String = "test", _ body: @escaping (Value) throws -> Value) -> Value {
        .procedure(Primitive(name, body))
    }

    func thunk(_ body: @escaping () throws -> Value) -> Value {
        .procedure(Primitive("thunk", body))
    }
}

extension Value {
    static func str(_ text: String) -> Value { .string(SString(text)) }
    static func int(_ n: Int) -> Value { .fixnum(n) }
    static func chr(_ c: Unicode.Scalar) -> Value { .char(c) }
    static func sym(_ name: String) -> Value { .symbol(Symbol.intern(name)) }
    static func strings(_ items: String...) -> Value { .list(items.map { .string(SString($0)) }) }

    var text: String? {
        if case .string(let s) = self { return s.string }
        return nil
    }
}
