/// One interpreter: its modules, dynamic state and the ports `display` writes to.
/// Not thread-safe: a runtime runs on one thread at a time.
package final class Runtime {
    /// Ports are `.object(Port)` values installed by the ports library.
    package var currentOutputPort: Value = .unspecified
    package var currentErrorPort: Value = .unspecified
    package var currentInputPort: Value = .unspecified
    /// What `(command-line)` returns: the script name then its arguments.
    package var commandLine: [String] = []

    /// Tail-call registers: set by code in tail position, consumed by `run`.
    package var pendingClosure: Closure?
    package var pendingFrame: Frame?
    package let tailMarker = TailCallMarker()
    package var tailMarkerValue: Value { .object(tailMarker) }

    /// Procedure calls left before evaluation stops (see `consumeFuel`).
    package var fuel = Int.max
    /// Installed exception handlers, innermost last (`with-exception-handler`).
    package var handlers: [Value] = []
    /// Every module; the root holds the primitives once an `Interpreter` installed them.
    package private(set) var modules: ModuleRegistry!
    /// The module the running top-level form was compiled in.
    package var currentModule: Module?
    /// One node per keyword, symbol and small immediate constant, shared by
    /// all code (see `Compiler.constant`).
    var sharedConstants: [SharedConstantKey: ConstantNode] = [:]
    /// What host-side code may read, write and run (see `Confinement`); nil,
    /// the default, confines nothing. Set it before evaluating anything.
    package var confinement: Confinement? {
        didSet { applyConfinement(confinement) }
    }
    /// The resolved form of `confinement`, which file primitives consult.
    var confinedPaths: ConfinedPaths?
    var confinementStubsInstalled = false

    package init() {
        modules = ModuleRegistry(runtime: self)
    }

    /// Applies `procedure` to `arguments`; errors if it is not applicable.
    package func apply(_ procedure: Value, _ arguments: [Value]) throws -> Value {
        guard case .procedure(let proc) = procedure else {
            throw SchemeError(.wrongType, message: "wrong type to apply: \(procedure.written(limit: 60))", irritants: [procedure])
        }
        return try call(proc, arguments)
    }
}


extension Runtime {
    /// Evaluates one top-level form: `begin` splices, so definitions and
    /// macros inside take effect before the next form is compiled.
    package func evaluateToplevel(_ form: Value, compiler: Compiler) throws -> Value {
        // Forms a macro made carry its definition's positions; the file of
        // the outermost form is the one being evaluated.
        let outermost = compiler.sourceFile == nil
        if outermost, let file = form.asPair?.location?.file.name { compiler.sourceFile = file }
        defer { if outermost { compiler.sourceFile = nil } }
        do {
            return try evaluateToplevelForm(form, compiler: compiler)
        } catch var error as SchemeError where error.location == nil && error.kind != .exit {
            // Errors found while compiling (an unknown module, a bad special
            // form deep inside) point at the top-level form at least.
            if let location = form.asPair?.location {
                error.location = location
                error.expression = form
            }
            throw error
        } catch var error as SchemeError where error.reportsAtToplevelForm {
            if let location = form.asPair?.location, !error.mentions(location.file.name) {
                // The innermost position stays in the backtrace, which this
                // outermost frame makes long enough to be shown.
                error.backtrace.append(SchemeError.Frame(procedure: nil, location: location, expression: form))
                error.location = location
                error.expression = form
            }
            throw error
        }
    }

    private func evaluateToplevelForm(_ form: Value, compiler: Compiler) throws -> Value {
        let scope = Scope(parent: nil, isFrame: true, module: compiler.module)
        scope.isToplevel = true
        let expanded = try compiler.expandHead(form, scope)
        if case .pair(let pair) = expanded, let binding = compiler.syntaxBinding(pair.car, in: scope),
           case .special(let special) = binding, special.name == "begin" {
            var result = Value.unspecified
            var rest = pair.cdr
            while case .pair(let p) = rest {
                result = try evaluateToplevel(p.car, compiler: compiler)
                rest = p.cdr
            }
            return result
        }
        currentModule = compiler.module
        let code = try compiler.compile(expanded, scope, tail: false)
        return try code(Frame.make(parent: nil, count: scope.frameSize))
    }
}
