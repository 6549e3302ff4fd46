/// Collects the bindings a library file provides. Each library file adds an
/// `install…(into:)` function on `Libraries`; the root module gets them all.
package struct LibraryBuilder {
    package unowned let runtime: Runtime
    package private(set) var bindings: [(Symbol, Value)] = []

    package init(runtime: Runtime) { self.runtime = runtime }

    package mutating func define(_ name: String, _ value: Value) {
        bindings.append((Symbol.intern(name), value))
    }

    package mutating func define(_ name: String, _ body: @escaping () throws -> Value) {
        define(name, .procedure(Primitive(name, body)))
    }
    package mutating func define(_ name: String, _ body: @escaping (Value) throws -> Value) {
        define(name, .procedure(Primitive(name, body)))
    }
    package mutating func define(_ name: String, _ body: @escaping (Value, Value) throws -> Value) {
        define(name, .procedure(Primitive(name, body)))
    }
    package mutating func define(_ name: String, _ body: @escaping (Value, Value, Value) throws -> Value) {
        define(name, .procedure(Primitive(name, body)))
    }
    /// `minimum...maximum` arguments; nil maximum means any number.
    package mutating func define(_ name: String, arity minimum: Int, _ maximum: Int?, _ body: @escaping ([Value]) throws -> Value) {
        define(name, .procedure(Primitive(name, arity: minimum, maximum, body)))
    }
    /// A variadic primitive with a separate body for the two-argument calls
    /// that `fold` and `sort` make; it must agree with `body` on two arguments.
    package mutating func define(
        _ name: String, arity minimum: Int, _ maximum: Int?, _ body: @escaping ([Value]) throws -> Value,
        binary: @escaping (Value, Value) throws -> Value
    ) {
        define(name, .procedure(Primitive(name, arity: minimum, maximum, body, binary: binary)))
    }

    /// Another name for an already defined binding (`call/cc` for `call-with-current-continuation`).
    package mutating func alias(_ name: String, to existing: String) {
        let key = Symbol.intern(existing)
        if let found = bindings.last(where: { $0.0 === key }) { bindings.append((Symbol.intern(name), found.1)) }
    }
}

/// Namespace for the library installers (`Libraries.installLists(into:)` …).
package enum Libraries {}
