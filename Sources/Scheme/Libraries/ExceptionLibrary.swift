/// R7RS and Guile exception procedures. Errors travel as Swift `SchemeError`s;
/// handlers see them as condition objects (`SchemeError.conditionValue`).
extension Libraries {
    static func installExceptions(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("error", arity: 0, nil) { args in
            guard let first = args.first else { throw SchemeError.error("error") }
            let message: String
            if case .string(let s) = first { message = s.string } else { message = first.written() }
            var error = SchemeError.error(message, irritants: Array(args.dropFirst()))
            error.payload = first
            throw error
        }
        library.define("raise") { value in throw SchemeError.raising(value) }
        library.define("raise-continuable") { value in
            // Handlers run where the raise happens, so their value can be returned here.
            guard let (handler, depth) = runtime.innermostHandler() else {
                throw SchemeError.raising(value, continuable: true)
            }
            return try runtime.callHandler(handler, depth: depth, value)
        }
        library.define("with-exception-handler", arity: 2, 4) { args in
            let handler = args[0], thunk = args[1]
            var unwind = false
            if args.count == 4, case .keyword(let k) = args[2], k.name == "unwind?" { unwind = args[3].isTrue }
            let depth = runtime.handlers.count
            runtime.handlers.append(handler)
            defer { runtime.handlers.removeSubrange(depth...) }
            do {
                return try runtime.apply(thunk, [])
            } catch var error as SchemeError where error.kind != .exit && depth < error.handlerBarrier {
                runtime.handlers.removeSubrange(depth...)
                let result = try runtime.callHandler(handler, depth: depth, error.conditionValue)
                if unwind || error.isContinuable { return result }
                error.handlerBarrier = depth
                // R7RS: returning from a handler for `raise` is itself an error.
                throw SchemeError(.misc, message: "exception handler returned from a non-continuable raise", irritants: [error.conditionValue],
                                  hint: "escape from the handler (e.g. with call/cc or guard), or pass #:unwind? #t")
            }
        }
        library.define("error-object?") { value in
            if case .object(let o as Condition) = value { return .boolean(o.error.kind != .raise) }
            return .false
        }
        library.alias("error?", to: "error-object?")
        library.define("condition?") { value in
            if case .object(let o) = value, o is Condition { return .true }
            return .false
        }
        library.alias("exception?", to: "condition?")
        let message: (Value) throws -> Value = { value in
            guard case .object(let o as Condition) = value else {
                throw SchemeError.wrongType(procedure: "error-object-message", position: 1, expected: "error object", got: value)
            }
            if let (format, _) = o.error.guileErrorArguments { return .string(format) }
            return .string(o.error.message)
        }
        library.define("error-object-message", message)
        library.define("condition-message", message)
        library.define("exception-message", message)
        let irritants: (Value) throws -> Value = { value in
            guard case .object(let o as Condition) = value else {
                throw SchemeError.wrongType(procedure: "error-object-irritants", position: 1, expected: "error object", got: value)
            }
            if let (_, arguments) = o.error.guileErrorArguments { return Value.list(arguments) }
            return Value.list(o.error.irritants)
        }
        library.define("error-object-irritants", irritants)
        library.define("condition-irritants", irritants)
        library.define("exception-irritants", irritants)
        library.define("exception-kind") { value in
            guard case .object(let o as Condition) = value else { return .false }
            return Value.symbol(o.error.kind.rawValue)
        }
        library.define("file-error?") { value in
            if case .object(let o as Condition) = value { return .boolean(o.error.kind == .system) }
            return .false
        }
        library.define("read-error?") { value in
            if case .object(let o as Condition) = value { return .boolean(o.error.kind == .read) }
            return .false
        }
        library.define("throw", arity: 1, nil) { args in
            var error = SchemeError(.thrown, message: "throw to key `\(args[0].displayed)' with args \(Value.list(Array(args.dropFirst())).written(limit: 80))",
                                    irritants: Array(args.dropFirst()), payload: Value.list(args))
            error.who = nil
            throw error
        }
        library.define("catch", arity: 3, 4) { args in
            let key = args[0], thunk = args[1], handler = args[2]
            do {
                return try runtime.apply(thunk, [])
            } catch let error as SchemeError where error.kind != .exit {
                let (thrownKey, thrownArgs) = error.keyAndArguments
                guard key.isEq(.true) || key.isEq(thrownKey) else { throw error }
                return try runtime.apply(handler, [thrownKey] + thrownArgs)
            }
        }
        library.define("%reraise") { value in throw SchemeError.raising(value) }
    }
}

extension SchemeError {
    /// The key and arguments Guile's `catch` handlers receive.
    var keyAndArguments: (Value, [Value]) {
        switch kind {
        case .thrown:
            let items = payload?.listElements ?? []
            return (items.first ?? .false, Array(items.dropFirst()))
        case .raise:
            return (.symbol("%exception"), [payload ?? .false])
        default:
            if let (format, arguments) = guileErrorArguments {
                return (.symbol(kind.rawValue), [.false, .string(format), Value.list(arguments), .false])
            }
            let format = ([message] + irritants.map { _ in "~S" }).joined(separator: " ")
            return (.symbol(kind.rawValue), [who.map { .symbol($0) } ?? .false, .string(format), Value.list(irritants), .false])
        }
    }
}

extension Runtime {
    func innermostHandler() -> (Value, Int)? {
        guard let handler = handlers.last else { return nil }
        return (handler, handlers.count - 1)
    }

    /// Calls a handler with the handler stack cut below it, so an error it
    /// raises goes to the outer handlers only.
    func callHandler(_ handler: Value, depth: Int, _ value: Value) throws -> Value {
        let saved = handlers
        handlers = Array(handlers.prefix(depth))
        defer { handlers = saved }
        do {
            return try apply(handler, [value])
        } catch var error as SchemeError {
            error.handlerBarrier = min(error.handlerBarrier, depth)
            throw error
        }
    }
}

extension SchemeError {
    /// Guile's `error` raises a misc-error whose message is the format
    /// "~A ~S …" and whose arguments are the message followed by the
    /// irritants; `error-object-message`, `-irritants` and `catch` handlers see
    /// that, so Cairn reproduces it (the rendered message stays readable).
    var guileErrorArguments: (String, [Value])? {
        guard kind == .misc, who == nil, let first = payload else { return nil }
        let format = (["~A"] + irritants.map { _ in "~S" }).joined(separator: " ")
        return (format, [first] + irritants)
    }
}
