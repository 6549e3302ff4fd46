/// Procedures that need the evaluator: application, multiple values,
/// continuations, dynamic-wind, exceptions, parameters and promises.
extension Libraries {
    package static func installControl(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("eq?") { a, b in .boolean(a.isEq(b)) }
        library.define("eqv?") { a, b in .boolean(a.isEqv(b)) }
        library.define("equal?") { a, b in .boolean(a.isEqual(b)) }
        library.define("not") { a in .boolean(a.isFalse) }
        library.define("boolean?") { a in if case .boolean = a { return .true }; return .false }
        library.define("procedure?") { a in .boolean(a.isProcedureLike) }
        library.define("boolean=?", arity: 2, nil) { args in
            let bools = try args.enumerated().map { i, v -> Bool in
                guard case .boolean(let b) = v else { throw SchemeError.wrongType(procedure: "boolean=?", position: i + 1, expected: "boolean", got: v) }
                return b
            }
            return .boolean(bools.allSatisfy { $0 == bools[0] })
        }
        library.define("apply", .procedure(ApplyProcedure()))
        library.define("values", arity: 0, nil) { args in
            args.count == 1 ? args[0] : .values(MultipleValues(args))
        }
        library.define("call-with-values") { producer, consumer in
            let produced = try runtime.apply(producer, [])
            if case .values(let many) = produced { return try runtime.apply(consumer, many.values) }
            return try runtime.apply(consumer, [produced])
        }
        let callCC: (Value) throws -> Value = { receiver in
            let continuation = EscapeContinuation()
            defer { continuation.isActive = false }
            do {
                return try runtime.apply(receiver, [.procedure(continuation)])
            } catch let jump as ContinuationInvoked where jump.target === continuation {
                return jump.values.count == 1 ? jump.values[0] : .values(MultipleValues(jump.values))
            }
        }
        library.define("call-with-current-continuation", callCC)
        library.define("call/cc", callCC)
        library.define("call-with-escape-continuation", callCC)
        library.define("call/ec", callCC)
        library.define("dynamic-wind") { before, thunk, after in
            _ = try runtime.apply(before, [])
            let result: Value
            do {
                result = try runtime.apply(thunk, [])
            } catch {
                _ = try runtime.apply(after, [])
                throw error
            }
            _ = try runtime.apply(after, [])
            return result
        }
        library.define("procedure-name") { p in
            let proc = try p.expectProcedure("procedure-name", 1)
            return proc.name.map { .symbol($0) } ?? .false
        }
        installExceptions(into: &library)
        installDynamicState(into: &library)
    }

    private static func installDynamicState(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("make-parameter", arity: 1, 2) { args in
            let converter = args.count > 1 ? args[1] : nil
            let parameter = Parameter(value: .unspecified, converter: converter)
            parameter.value = try parameter.convert(args[0], in: runtime)
            return .procedure(parameter)
        }
        library.define("force") { value in
            guard case .object(let o as Promise) = value else { return value }
            return try o.force(runtime)
        }
        library.define("make-promise") { value in
            if case .object(let o) = value, o is Promise { return value }
            return .object(Promise(.forced(value)))
        }
        library.define("promise?") { value in
            if case .object(let o) = value, o is Promise { return .true }
            return .false
        }
        // The current ports are parameters, so `parameterize` can rebind them.
        library.define("current-output-port", .procedure(Parameter(name: "current-output-port",
            get: { [unowned runtime] in runtime.currentOutputPort }, set: { [unowned runtime] in runtime.currentOutputPort = $0 })))
        library.define("current-error-port", .procedure(Parameter(name: "current-error-port",
            get: { [unowned runtime] in runtime.currentErrorPort }, set: { [unowned runtime] in runtime.currentErrorPort = $0 })))
        library.define("current-input-port", .procedure(Parameter(name: "current-input-port",
            get: { [unowned runtime] in runtime.currentInputPort }, set: { [unowned runtime] in runtime.currentInputPort = $0 })))
        library.define("command-line") { Value.list(runtime.commandLine.map { .string($0) }) }
        library.define("program-arguments") { Value.list(runtime.commandLine.map { .string($0) }) }
        library.define("exit", arity: 0, 1) { args in
            var code = 0
            if let first = args.first {
                switch first {
                case .fixnum(let n): code = n & 0xff
                case .boolean(let b): code = b ? 0 : 1
                default: code = 0
                }
            }
            throw SchemeError(.exit, message: "exit \(code)", payload: .fixnum(code))
        }
        library.define("identity") { $0 }
        library.define("const") { value in
            .procedure(Primitive("const", arity: 0, nil) { _ in value })
        }
        library.define("noop", arity: 0, nil) { _ in .unspecified }
        library.define("negate") { proc in
            .procedure(Primitive("negated", arity: 0, nil) { args in .boolean(try runtime.apply(proc, args).isFalse) })
        }
        library.define("compose", arity: 1, nil) { procs in
            .procedure(Primitive("composed", arity: 0, nil) { args in
                var result = try runtime.apply(procs[procs.count - 1], args)
                for proc in procs.dropLast().reversed() {
                    if case .values(let many) = result {
                        result = try runtime.apply(proc, many.values)
                    } else {
                        result = try runtime.apply(proc, [result])
                    }
                }
                return result
            })
        }
        library.define("and=>") { value, proc in
            value.isFalse ? .false : try runtime.apply(proc, [value])
        }
        library.define("unspecified?") { value in if case .unspecified = value { return .true }; return .false }
        library.define("symbol-prefix-proc") { prefix in
            let p = try prefix.expectSymbol("symbol-prefix-proc", 1)
            return .procedure(Primitive("symbol-prefix") { name in
                .symbol(p.name + (try name.expectSymbol("symbol-prefix", 1)).name)
            })
        }
    }
}
