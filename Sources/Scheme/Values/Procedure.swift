/// Anything that can be applied. Closures made by the compiler, primitives,
/// parameters, continuations and record accessors are all subclasses.
package class Procedure {
    package var name: String?
    /// Lets call sites pick the fast path with one comparison instead of a dynamic cast.
    package enum Kind: UInt8 { case closure, primitive, other }
    package final let kind: Kind

    package init(name: String?) {
        self.name = name
        kind = .other
    }

    package init(name: String?, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// Applies the procedure. Subclasses override; the compiler's call sites
    /// take faster paths for closures and primitives.
    package func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        throw SchemeError(.wrongType, message: "wrong type to apply: \(name ?? "#<procedure>")")
    }
}

/// A procedure written in Swift. The arity-specialised bodies let calls with one
/// to three arguments skip building an argument array.
package final class Primitive: Procedure {
    package enum Body {
        case arity0(() throws -> Value)
        case arity1((Value) throws -> Value)
        case arity2((Value, Value) throws -> Value)
        case arity3((Value, Value, Value) throws -> Value)
        /// Any count between `minimum` and `maximum` (nil: no maximum).
        case variadic(([Value]) throws -> Value)
    }

    package let body: Body
    package let minimum: Int
    package let maximum: Int?
    /// A variadic primitive's body for exactly two arguments (`+`, `<`…), so
    /// that `(fold + 0 list)` or `(sort list <)` builds no argument arrays.
    /// It must do what `body` does with those two arguments.
    package let binary: ((Value, Value) throws -> Value)?

    package init(_ name: String, minimum: Int, maximum: Int?, body: Body, binary: ((Value, Value) throws -> Value)? = nil) {
        self.body = body
        self.minimum = minimum
        self.maximum = maximum
        self.binary = binary
        super.init(name: name, kind: .primitive)
    }

    package convenience init(_ name: String, _ body: @escaping () throws -> Value) {
        self.init(name, minimum: 0, maximum: 0, body: .arity0(body))
    }
    package convenience init(_ name: String, _ body: @escaping (Value) throws -> Value) {
        self.init(name, minimum: 1, maximum: 1, body: .arity1(body))
    }
    package convenience init(_ name: String, _ body: @escaping (Value, Value) throws -> Value) {
        self.init(name, minimum: 2, maximum: 2, body: .arity2(body))
    }
    package convenience init(_ name: String, _ body: @escaping (Value, Value, Value) throws -> Value) {
        self.init(name, minimum: 3, maximum: 3, body: .arity3(body))
    }
    /// A primitive taking `minimum...maximum` arguments (nil maximum: any number).
    package convenience init(
        _ name: String, arity minimum: Int, _ maximum: Int?, _ body: @escaping ([Value]) throws -> Value,
        binary: ((Value, Value) throws -> Value)? = nil
    ) {
        self.init(name, minimum: minimum, maximum: maximum, body: .variadic(body), binary: binary)
    }

    package override func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        try call(arguments)
    }

    /// Calls the body after checking the argument count.
    package func call(_ arguments: [Value]) throws -> Value {
        let count = arguments.count
        guard count >= minimum, maximum.map({ count <= $0 }) ?? true else {
            throw SchemeError.wrongArgumentCount(procedure: name ?? "#<primitive>", expected: arityDescription, given: count)
        }
        switch body {
        case .arity0(let f): return try f()
        case .arity1(let f): return try f(arguments[0])
        case .arity2(let f): return try f(arguments[0], arguments[1])
        case .arity3(let f): return try f(arguments[0], arguments[1], arguments[2])
        case .variadic(let f): return try f(arguments)
        }
    }

    package var arityDescription: String {
        switch maximum {
        case .some(let m) where m == minimum: return "\(minimum)"
        case .some(let m): return "\(minimum) to \(m)"
        case .none: return "at least \(minimum)"
        }
    }
}
