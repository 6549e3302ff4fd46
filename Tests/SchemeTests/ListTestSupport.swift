@testable import Scheme

/// A root binding table with the list, vector, hash-table and sort libraries,
/// plus a few stand-in primitives (`<`, `+`, `equal?`, …) for higher-order
/// tests, since those belong to other libraries.
final class ListTestEnvironment {
    let runtime = Runtime()
    private(set) var bindings: [String: Value] = [:]

    init() {
        var library = LibraryBuilder(runtime: runtime)
        Libraries.installDataStructures(into: &library)
        for (symbol, value) in library.bindings { bindings[symbol.name] = value }
    }

    subscript(name: String) -> Value {
        guard let value = bindings[name] else { return .unspecified }
        return value
    }

    func call(_ name: String, _ arguments: Value...) throws -> Value {
        try runtime.apply(self[name], arguments)
    }

    /// `call` then the `write` form of the result, to compare with Guile's output.
    func written(_ name: String, _ arguments: Value...) throws -> String {
        try runtime.apply(self[name], arguments).written()
    }
}

/// Builds Swift-side Scheme values tersely.
enum S {
    static func int(_ value: Value) -> Int {
        if case .fixnum(let n) = value { return n }
        return 0
    }

    static func list(_ numbers: Int...) -> Value { Value.list(numbers.map { .fixnum($0) }) }
    static func list(_ values: [Value]) -> Value { Value.list(values) }
    static func ints(_ numbers: [Int]) -> Value { Value.list(numbers.map { .fixnum($0) }) }
    static func vector(_ numbers: Int...) -> Value { .vector(SVector(numbers.map { .fixnum($0) })) }
    static func sym(_ name: String) -> Value { .symbol(name) }
    static func str(_ text: String) -> Value { .string(text) }
    static func syms(_ names: String...) -> Value { Value.list(names.map { .symbol($0) }) }

    nonisolated(unsafe) static let less = Value.procedure(Primitive("<") { a, b in .boolean(int(a) < int(b)) })
    nonisolated(unsafe) static let greater = Value.procedure(Primitive(">") { a, b in .boolean(int(a) > int(b)) })
    nonisolated(unsafe) static let plus = Value.procedure(Primitive("+", arity: 0, nil) { args in .fixnum(args.reduce(0) { $0 &+ int($1) }) })
    nonisolated(unsafe) static let minus = Value.procedure(Primitive("-", arity: 1, nil) { args in
        guard let first = args.first else { return .fixnum(0) }
        if args.count == 1 { return .fixnum(0 &- int(first)) }
        return .fixnum(args.dropFirst().reduce(int(first)) { $0 &- int($1) })
    })
    nonisolated(unsafe) static let even = Value.procedure(Primitive("even?") { a in .boolean(int(a) % 2 == 0) })
    nonisolated(unsafe) static let square = Value.procedure(Primitive("square") { a in .fixnum(int(a) &* int(a)) })
    nonisolated(unsafe) static let increment = Value.procedure(Primitive("1+") { a in .fixnum(int(a) &+ 1) })
    nonisolated(unsafe) static let numberEqual = Value.procedure(Primitive("=") { a, b in .boolean(int(a) == int(b)) })
    nonisolated(unsafe) static let isEq = Value.procedure(Primitive("eq?") { a, b in .boolean(a.isEq(b)) })
    nonisolated(unsafe) static let isEqv = Value.procedure(Primitive("eqv?") { a, b in .boolean(a.isEqv(b)) })
    nonisolated(unsafe) static let isEqual = Value.procedure(Primitive("equal?") { a, b in .boolean(a.isEqual(b)) })
    nonisolated(unsafe) static let cons = Value.procedure(Primitive("cons") { a, b in .cons(a, b) })
    nonisolated(unsafe) static let consStar = Value.procedure(Primitive("cons*", arity: 1, nil) { args in
        Value.list(Array(args.dropLast()), tail: args.last ?? .null)
    })
    nonisolated(unsafe) static let list = Value.procedure(Primitive("list", arity: 0, nil) { args in Value.list(args) })
    nonisolated(unsafe) static let boom = Value.procedure(Primitive("boom", arity: 0, nil) { _ in throw SchemeError.error("boom") })

    /// A thunk returning `value`.
    static func constant(_ value: Value) -> Value { .procedure(Primitive("constant", arity: 0, nil) { _ in value }) }
}

/// The kind of error a call raised, or nil if it returned.
func errorKind(_ body: () throws -> Value) -> SchemeError.Kind? {
    do {
        _ = try body()
        return nil
    } catch let error as SchemeError {
        return error.kind
    } catch {
        return .misc
    }
}

/// Runs `body` on a thread with a 1 GiB stack: freeing a million-element list
/// releases its pairs recursively in Swift.
func withBigStack(_ body: @escaping () -> Void) {
    StackGuard.withLargeStack { body() }
}
