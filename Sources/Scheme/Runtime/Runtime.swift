/// One interpreter: its modules, dynamic state and the ports `display` writes to.
/// Not thread-safe: a runtime runs on one thread at a time.
package final class Runtime {
    /// Ports are `.object(Port)` values installed by the ports library.
    package var currentOutputPort: Value = .unspecified
    package var currentErrorPort: Value = .unspecified
    package var currentInputPort: Value = .unspecified
    /// What `(command-line)` returns: the script name then its arguments.
    package var commandLine: [String] = []

    package init() {}

    /// Applies `procedure` to `arguments`; errors if it is not applicable.
    package func apply(_ procedure: Value, _ arguments: [Value]) throws -> Value {
        guard case .procedure(let proc) = procedure else {
            throw SchemeError(.wrongType, message: "wrong type to apply: \(procedure.written(limit: 60))", irritants: [procedure])
        }
        return try proc.invoke(arguments, in: self)
    }
}

