/// Run-time objects behind the control forms: conditions, parameters,
/// promises and escape continuations.

/// A Cairn error seen as a Scheme object (by `guard`, handlers and `catch`).
package final class Condition: SchemeObject {
    package let error: SchemeError
    package init(_ error: SchemeError) { self.error = error }
    package override var typeName: String { "condition" }

    /// The message without irritants, as `error-object-message` returns it.
    package var messageText: String { error.message }
}

extension SchemeError {
    /// The object a handler receives for this error.
    package var conditionValue: Value {
        if kind == .raise, let payload { return payload }
        return .object(Condition(self))
    }

    /// The error that re-raising `value` produces.
    package static func raising(_ value: Value, continuable: Bool = false) -> SchemeError {
        if case .object(let o as Condition) = value { return o.error }
        var error = SchemeError(.raise, message: "unhandled exception: \(value.written(limit: 80))", irritants: [value], payload: value)
        error.isContinuable = continuable
        return error
    }
}

/// `make-parameter`: a procedure returning the current value, rebound by `parameterize`.
package final class Parameter: Procedure {
    private var storage: Value
    package let converter: Value?
    /// For parameters that stand for runtime state (`current-output-port`).
    private let accessor: (get: () -> Value, set: (Value) -> Void)?

    package var value: Value {
        get { accessor?.get() ?? storage }
        set {
            if let accessor { accessor.set(newValue) } else { storage = newValue }
        }
    }

    package init(value: Value, converter: Value?) {
        storage = value
        self.converter = converter
        accessor = nil
        super.init(name: "parameter")
    }

    package init(name: String, get: @escaping () -> Value, set: @escaping (Value) -> Void) {
        storage = .unspecified
        converter = nil
        accessor = (get, set)
        super.init(name: name)
    }

    package override func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        if arguments.isEmpty { return value }
        // Guile lets a parameter be set by calling it with a value.
        guard arguments.count == 1 else { throw SchemeError.wrongArgumentCount(procedure: "parameter", expected: "0 or 1", given: arguments.count) }
        value = try convert(arguments[0], in: runtime)
        return .unspecified
    }

    package func convert(_ value: Value, in runtime: Runtime) throws -> Value {
        guard let converter else { return value }
        return try runtime.apply(converter, [value])
    }
}

/// `delay`, `delay-force` and `make-promise`.
package final class Promise: SchemeObject {
    package enum State {
        case delayed(Value)
        /// `delay-force`: the thunk yields another promise to force in its place.
        case delayedForce(Value)
        case forced(Value)
    }
    package var state: State
    package init(_ state: State) { self.state = state }
    package override var typeName: String { "promise" }

    /// Forces iteratively so that long `delay-force` chains run in constant stack.
    package func force(_ runtime: Runtime) throws -> Value {
        var current = self
        var chain: [Promise] = []
        while true {
            switch current.state {
            case .forced(let value):
                for p in chain { p.state = .forced(value) }
                return value
            case .delayed(let thunk):
                let value = try runtime.apply(thunk, [])
                // A reentrant force may have finished the promise meanwhile.
                if case .forced(let done) = current.state {
                    for p in chain { p.state = .forced(done) }
                    return done
                }
                current.state = .forced(value)
                for p in chain { p.state = .forced(value) }
                return value
            case .delayedForce(let thunk):
                let next = try runtime.apply(thunk, [])
                if case .forced = current.state { continue }
                guard case .object(let o as Promise) = next else {
                    current.state = .forced(next)
                    continue
                }
                chain.append(current)
                current = o
            }
        }
    }
}

/// Thrown (as a Swift error, not a Scheme one) to unwind to a `call/cc` point.
package struct ContinuationInvoked: Error, @unchecked Sendable {
    let target: EscapeContinuation
    let values: [Value]
}

/// An escape-only continuation: valid while its `call/cc` is on the stack.
package final class EscapeContinuation: Procedure {
    package var isActive = true

    package init() { super.init(name: "continuation") }

    package override func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        guard isActive else {
            throw SchemeError(.misc, who: "continuation", message: "continuation re-entry is not supported: this continuation's call/cc has already returned",
                              hint: "Cairn supports escaping continuations (early exit); use a loop or a closure to resume work")
        }
        throw ContinuationInvoked(target: self, values: arguments)
    }
}

/// `apply`. Call sites recognise it so that `(apply f args)` in tail position
/// is a proper tail call (loops written with apply run in constant space).
package final class ApplyProcedure: Procedure {
    package init() { super.init(name: "apply") }

    /// The procedure and the spread argument list.
    static func spread(_ args: [Value]) throws -> (Value, [Value]) {
        guard let target = args.first else {
            throw SchemeError.wrongArgumentCount(procedure: "apply", expected: "at least 1", given: 0)
        }
        var arguments = Array(args.dropFirst().dropLast())
        if args.count > 1 {
            guard let last = args.last, let list = last.listElements else {
                throw SchemeError.wrongType(procedure: "apply", position: args.count, expected: "list", got: args.last ?? .null)
            }
            arguments.append(contentsOf: list)
        }
        return (target, arguments)
    }

    package override func invoke(_ arguments: [Value], in runtime: Runtime) throws -> Value {
        let (target, spread) = try ApplyProcedure.spread(arguments)
        return try runtime.apply(target, spread)
    }
}
