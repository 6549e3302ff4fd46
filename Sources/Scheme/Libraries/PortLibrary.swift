#if canImport(Glibc)
import Glibc
#endif

/// Ports and textual I/O: R7RS output and input, Guile's string ports and
/// `(ice-9 rdelim)`, file ports, and rebinding the current ports.
extension Libraries {
    /// Installs the standard-stream ports as the runtime's current ports and
    /// defines the port procedures.
    package static func installPorts(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        let standardOutput = FileDescriptorOutputPort(
            descriptor: 1, ownsDescriptor: false, buffering: isatty(1) != 0 ? .line : .block)
        let standardError = FileDescriptorOutputPort(descriptor: 2, ownsDescriptor: false, buffering: .none)
        standardError.flushesFirst = standardOutput
        runtime.currentOutputPort = .object(standardOutput)
        runtime.currentErrorPort = .object(standardError)
        runtime.currentInputPort = .object(FileDescriptorInputPort(descriptor: 0))

        installOutputProcedures(into: &library)
        installInputProcedures(into: &library)
        installPortRebinding(into: &library)
        installFilePorts(into: &library)
    }

    /// Flushes the runtime's current output and error ports, then every other
    /// open file port. The core calls this when a program ends or exits.
    package static func flushPorts(of runtime: Runtime) {
        for value in [runtime.currentOutputPort, runtime.currentErrorPort] {
            if case .object(let port as Port) = value { try? port.flush() }
        }
        OpenPorts.flushAll()
    }

    /// Writes `text` to the runtime's current output port.
    package static func writeToCurrentOutput(_ text: String, runtime: Runtime) throws {
        try currentPort(runtime.currentOutputPort, "display").write(text)
    }

    // MARK: Argument decoding

    static func currentPort(_ value: Value, _ who: String) throws -> Port {
        if case .object(let port as Port) = value { return port }
        throw SchemeError(.misc, who: who, message: "in procedure \(who): no current port is installed")
    }

    /// The output port at `args[index]`, or the current output port when absent.
    static func outputPort(_ args: [Value], _ index: Int, _ who: String, _ runtime: Runtime) throws -> Port {
        guard index < args.count else { return try currentPort(runtime.currentOutputPort, who) }
        guard case .object(let port as Port) = args[index], port.isOutput, !port.isClosed else {
            throw SchemeError.wrongType(procedure: who, position: index + 1, expected: "open output port", got: args[index])
        }
        return port
    }

    static func inputPort(_ args: [Value], _ index: Int, _ who: String, _ runtime: Runtime) throws -> Port {
        guard index < args.count else { return try currentPort(runtime.currentInputPort, who) }
        guard case .object(let port as Port) = args[index], port.isInput, !port.isClosed else {
            throw SchemeError.wrongType(procedure: who, position: index + 1, expected: "open input port", got: args[index])
        }
        return port
    }

    static func anyPort(_ value: Value, _ who: String) throws -> Port {
        if case .object(let port as Port) = value { return port }
        throw SchemeError.wrongType(procedure: who, position: 1, expected: "port", got: value)
    }

    // MARK: Output

    private static func installOutputProcedures(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("display", arity: 1, 2) { args in
            try outputPort(args, 1, "display", runtime).write(args[0].displayed)
            return .unspecified
        }
        library.define("write", arity: 1, 2) { args in
            try outputPort(args, 1, "write", runtime).write(args[0].written())
            return .unspecified
        }
        library.define("newline", arity: 0, 1) { args in
            try outputPort(args, 0, "newline", runtime).write("\n")
            return .unspecified
        }
        library.define("write-char", arity: 1, 2) { args in
            let c = try args[0].expectChar("write-char", 1)
            try outputPort(args, 1, "write-char", runtime).write(c)
            return .unspecified
        }
        library.define("write-string", arity: 1, 4) { args in
            let s = try args[0].expectString("write-string", 1)
            let port = try outputPort(args, 1, "write-string", runtime)
            let range = try TextArguments.range(args, at: 2, length: s.scalars.count, who: "write-string")
            var view = String.UnicodeScalarView()
            view.append(contentsOf: s.scalars[range])
            try port.write(String(view))
            return .unspecified
        }
        library.define("write-line", arity: 1, 2) { args in
            try outputPort(args, 1, "write-line", runtime).write(args[0].displayed + "\n")
            return .unspecified
        }
        library.define("fresh-line", arity: 0, 1) { args in
            let port = try outputPort(args, 0, "fresh-line", runtime)
            if port.column != 0 { try port.write("\n") }
            return .unspecified
        }
        library.define("force-output", arity: 0, 1) { args in
            try outputPort(args, 0, "force-output", runtime).flush()
            return .unspecified
        }
        library.alias("flush-output-port", to: "force-output")
        library.define("flush-all-ports") {
            flushPorts(of: runtime)
            return .unspecified
        }
        // Guile's `pk`: shows its arguments on the current output port and
        // returns the last one, for debugging inside expressions.
        library.define("pk", arity: 0, nil) { args in
            let port = try currentPort(runtime.currentOutputPort, "pk")
            try port.write("\n;;; " + Value.list(args).written() + "\n")
            try port.flush()
            return args.last ?? .unspecified
        }
        library.alias("peek", to: "pk")
        library.define("open-output-string") { .object(StringOutputPort()) }
        library.define("get-output-string") { v in
            guard case .object(let port as StringOutputPort) = v, !port.isClosed else {
                throw SchemeError.wrongType(procedure: "get-output-string", position: 1, expected: "open output string port", got: v)
            }
            return .string(port.contents)
        }
    }

    // MARK: Input

    private static func installInputProcedures(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("eof-object") { .eof }
        library.define("eof-object?") { v in
            if case .eof = v { return .true }
            return .false
        }
        library.define("read-char", arity: 0, 1) { args in
            try inputPort(args, 0, "read-char", runtime).readChar().map { .char($0) } ?? .eof
        }
        library.define("peek-char", arity: 0, 1) { args in
            try inputPort(args, 0, "peek-char", runtime).peekChar().map { .char($0) } ?? .eof
        }
        library.define("unread-char", arity: 1, 2) { args in
            let c = try args[0].expectChar("unread-char", 1)
            try inputPort(args, 1, "unread-char", runtime).unread(c)
            return args[0]
        }
        library.define("char-ready?", arity: 0, 1) { args in .boolean(try inputPort(args, 0, "char-ready?", runtime).isReady) }
        library.define("read-line", arity: 0, 2) { args in
            let port = try inputPort(args, 0, "read-line", runtime)
            let mode = args.count > 1 ? try delimiterMode(args[1], "read-line", 2) : "trim"
            return try readDelimited(port, mode: mode) { $0 == "\n" }
        }
        library.define("read-delimited", arity: 1, 3) { args in
            let delimiters = Set(try args[0].expectString("read-delimited", 1).scalars)
            let port = try inputPort(args, 1, "read-delimited", runtime)
            let mode = args.count > 2 ? try delimiterMode(args[2], "read-delimited", 3) : "trim"
            return try readDelimited(port, mode: mode) { delimiters.contains($0) }
        }
        // Guile's (read-string [port [count]]) and R7RS's (read-string k [port]).
        library.define("read-string", arity: 0, 2) { args in
            var port: Port
            var count: Int?
            if let first = args.first, case .fixnum = first {
                count = try first.expectIndex("read-string", 1)
                port = try inputPort(args, 1, "read-string", runtime)
            } else {
                port = try inputPort(args, 0, "read-string", runtime)
                if args.count > 1 { count = try args[1].expectIndex("read-string", 2) }
            }
            return TextArguments.make(try port.read(count: count))
        }
        library.define("open-input-string") { v in
            .object(TextInputPort(try v.expectString("open-input-string", 1).scalars))
        }
    }

    private static func delimiterMode(_ value: Value, _ who: String, _ position: Int) throws -> String {
        guard case .symbol(let s) = value, ["trim", "concat", "peek", "split"].contains(s.name) else {
            throw SchemeError.wrongType(procedure: who, position: position, expected: "trim, concat, peek or split", got: value)
        }
        return s.name
    }

    /// `read-line`/`read-delimited` with Guile's `handle-delim` modes.
    private static func readDelimited(_ port: Port, mode: String, isDelimiter: (Unicode.Scalar) -> Bool) throws -> Value {
        guard let (text, delimiter) = try port.read(until: isDelimiter) else {
            return mode == "split" ? .cons(.eof, .eof) : .eof
        }
        if delimiter != nil, mode != "peek" { _ = try port.readChar() }
        switch mode {
        case "concat": return TextArguments.make(text + (delimiter.map { [$0] } ?? []))
        case "split": return .cons(TextArguments.make(text), delimiter.map { .char($0) } ?? .eof)
        default: return TextArguments.make(text)
        }
    }

    // MARK: Current ports

    private static func installPortRebinding(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("current-output-port") { runtime.currentOutputPort }
        library.define("current-error-port") { runtime.currentErrorPort }
        library.define("current-input-port") { runtime.currentInputPort }
        library.define("set-current-output-port") { v in
            _ = try outputPort([v], 0, "set-current-output-port", runtime)
            runtime.currentOutputPort = v
            return .unspecified
        }
        library.define("set-current-error-port") { v in
            _ = try outputPort([v], 0, "set-current-error-port", runtime)
            runtime.currentErrorPort = v
            return .unspecified
        }
        library.define("set-current-input-port") { v in
            _ = try inputPort([v], 0, "set-current-input-port", runtime)
            runtime.currentInputPort = v
            return .unspecified
        }

        library.define("call-with-output-string") { proc in
            let port = StringOutputPort()
            _ = try runtime.apply(proc, [.object(port)])
            return .string(port.contents)
        }
        library.define("with-output-to-string") { thunk in
            let port = StringOutputPort()
            try withPort(\.currentOutputPort, .object(port), runtime) { _ = try runtime.apply(thunk, []) }
            return .string(port.contents)
        }
        library.define("with-error-to-string") { thunk in
            let port = StringOutputPort()
            try withPort(\.currentErrorPort, .object(port), runtime) { _ = try runtime.apply(thunk, []) }
            return .string(port.contents)
        }
        library.define("with-input-from-string") { string, thunk in
            let port = TextInputPort(try string.expectString("with-input-from-string", 1).scalars)
            return try withPort(\.currentInputPort, .object(port), runtime) { try runtime.apply(thunk, []) }
        }
        library.define("call-with-input-string") { string, proc in
            let port = TextInputPort(try string.expectString("call-with-input-string", 1).scalars)
            return try runtime.apply(proc, [.object(port)])
        }
        library.define("with-output-to-port") { port, thunk in
            _ = try outputPort([port], 0, "with-output-to-port", runtime)
            return try withPort(\.currentOutputPort, port, runtime) { try runtime.apply(thunk, []) }
        }
        library.define("with-error-to-port") { port, thunk in
            _ = try outputPort([port], 0, "with-error-to-port", runtime)
            return try withPort(\.currentErrorPort, port, runtime) { try runtime.apply(thunk, []) }
        }
        library.define("with-input-from-port") { port, thunk in
            _ = try inputPort([port], 0, "with-input-from-port", runtime)
            return try withPort(\.currentInputPort, port, runtime) { try runtime.apply(thunk, []) }
        }
    }

    /// Runs `body` with one of the runtime's current ports rebound, restoring
    /// it however `body` exits.
    static func withPort<T>(
        _ slot: ReferenceWritableKeyPath<Runtime, Value>, _ port: Value, _ runtime: Runtime, _ body: () throws -> T
    ) throws -> T {
        let saved = runtime[keyPath: slot]
        runtime[keyPath: slot] = port
        defer { runtime[keyPath: slot] = saved }
        return try body()
    }
}
