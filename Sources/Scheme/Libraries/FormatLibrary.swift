/// `format` as in Guile's `(ice-9 format)`, and the core `simple-format`.
extension Libraries {
    package static func installFormat(into library: inout LibraryBuilder) {
        let runtime = library.runtime
        library.define("format", arity: 1, nil) { args in
            let destination = try formatDestination(args[0], "format", runtime)
            guard args.count > 1, case .string(let control) = args[1] else {
                throw SchemeError(
                    .misc, who: "format",
                    message: "in procedure format: expected a string for format string: \(args.count > 1 ? args[1].written(limit: 60) : "none")")
            }
            let nodes = try FormatParser.parse(control.string)
            var formatter = Formatter(runtime: runtime, control: control.string, startColumn: destination?.column ?? 0)
            var arguments = FormatArguments(Array(args.dropFirst(2)))
            _ = try formatter.run(nodes, &arguments)
            // Guile's format answers #t after writing to a port.
            let result = try deliver(formatter.output, to: destination)
            return destination == nil ? result : .true
        }
        library.define("simple-format", arity: 2, nil) { args in
            let destination = try formatDestination(args[0], "simple-format", runtime)
            let control = try args[1].expectString("simple-format", 2).scalars
            return try deliver(try simpleFormat(control, Array(args.dropFirst(2))), to: destination)
        }
    }

    /// nil means "return a string"; `#t` is the current output port.
    private static func formatDestination(_ value: Value, _ who: String, _ runtime: Runtime) throws -> Port? {
        switch value {
        case .boolean(false): return nil
        case .boolean(true): return try currentPort(runtime.currentOutputPort, who)
        case .object(let port as Port) where port.isOutput && !port.isClosed: return port
        default: throw SchemeError.wrongType(procedure: who, position: 1, expected: "#f, #t or an open output port", got: value)
        }
    }

    private static func deliver(_ text: String, to destination: Port?) throws -> Value {
        guard let destination else { return .string(text) }
        try destination.write(text)
        return .unspecified
    }

    /// Guile's `simple-format`: only `~a`, `~s`, `~%` and `~~`.
    private static func simpleFormat(_ control: [Unicode.Scalar], _ args: [Value]) throws -> String {
        var output = ""
        var next = 0
        var i = 0
        while i < control.count {
            let c = control[i]
            i += 1
            guard c == "~" else {
                output.unicodeScalars.append(c)
                continue
            }
            guard i < control.count else { throw formatError("simple-format", "control string ends in ~") }
            let directive = control[i]
            i += 1
            switch directive {
            case "a", "A", "s", "S":
                guard next < args.count else { throw formatError("simple-format", "too few arguments") }
                output += directive == "a" || directive == "A" ? args[next].displayed : args[next].written()
                next += 1
            case "%": output += "\n"
            case "~": output += "~"
            default:
                throw formatError("simple-format", "unsupported format option ~\(Character(directive)) - use (ice-9 format) instead")
            }
        }
        guard next == args.count else { throw formatError("simple-format", "too many arguments") }
        return output
    }

    static func formatError(_ who: String, _ detail: String) -> SchemeError {
        SchemeError(.misc, who: who, message: "in procedure \(who): \(detail)")
    }
}

/// The arguments a (sub)format consumes, with the position of the next one.
struct FormatArguments {
    var values: [Value]
    var next = 0
    init(_ values: [Value]) { self.values = values }
    var remaining: Int { values.count - next }
}

/// Runs a parsed control string, appending to `output`.
struct Formatter {
    enum Flow { case normal, escape, escapeAll }

    let runtime: Runtime
    let control: String
    let startColumn: Int
    var output = ""

    init(runtime: Runtime, control: String, startColumn: Int) {
        self.runtime = runtime
        self.control = control
        self.startColumn = startColumn
    }

    func error(_ detail: String) -> SchemeError {
        SchemeError(
            .misc, who: "format",
            message: "in procedure format: \(detail) in control string \(Value.string(control).written(limit: 80))",
            irritants: [.string(control)])
    }

    /// The column the next character lands in, counting from the port's column.
    var column: Int {
        let utf8 = output.utf8
        guard let newline = utf8.lastIndex(of: 0x0A) else {
            return startColumn + utf8.count(where: { $0 & 0xC0 != 0x80 })
        }
        return utf8[utf8.index(after: newline)...].count(where: { $0 & 0xC0 != 0x80 })
    }

    mutating func run(_ nodes: [FormatNode], _ args: inout FormatArguments) throws -> Flow {
        for node in nodes {
            switch node {
            case .literal(let text): output += text
            case .simple(let directive): try simple(directive, &args)
            case .escape(let directive):
                let params = try parameters(directive, &args)
                let escape = params.isEmpty ? args.remaining == 0 : params.first.map { ($0 ?? 0) == 0 } ?? false
                if escape { return directive.colon ? .escapeAll : .escape }
            case .iteration(let directive, let body):
                try iterate(directive, body, &args)
            case .selection(let directive, let clauses, let defaultClause):
                let flow = try select(directive, clauses, defaultClause, &args)
                if flow != .normal { return flow }
            case .caseConversion(let directive, let body):
                let saved = output
                output = ""
                let flow = try run(body, &args)
                output = saved + convertCase(output, directive)
                if flow != .normal { return flow }
            }
        }
        return .normal
    }

    // MARK: Arguments and parameters

    func take(_ args: inout FormatArguments) throws -> Value {
        guard args.next < args.values.count else { throw error("too few arguments") }
        defer { args.next += 1 }
        return args.values[args.next]
    }

    /// Parameter values as integers (characters become their code points).
    func parameters(_ directive: FormatDirective, _ args: inout FormatArguments) throws -> [Int?] {
        try directive.parameters.map { parameter in
            switch parameter {
            case .absent: return nil
            case .number(let n): return Formatter.clamp(n)
            case .char(let c): return Int(c.value)
            case .remainingCount: return args.remaining
            case .nextArgument:
                let value = try take(&args)
                if case .char(let c) = value { return Int(c.value) }
                if case .boolean(false) = value { return nil }
                guard case .fixnum(let n) = value else { throw error("~v parameter is not an integer: \(value.written(limit: 40))") }
                return Formatter.clamp(n)
            }
        }
    }

    /// Parameters are column counts and repetitions: bounding them keeps the
    /// arithmetic on them from overflowing.
    static func clamp(_ n: Int) -> Int { max(-1_000_000_000, min(n, 1_000_000_000)) }

    static func character(_ code: Int?, default fallback: Unicode.Scalar) -> Unicode.Scalar {
        guard let code, let value = UInt32(exactly: code), let scalar = Unicode.Scalar(value) else { return fallback }
        return scalar
    }

    // MARK: Simple directives

    private mutating func simple(_ directive: FormatDirective, _ args: inout FormatArguments) throws {
        let params = try parameters(directive, &args)
        func param(_ i: Int) -> Int? { i < params.count ? params[i] : nil }
        let count = max(0, min(param(0) ?? 1, 1 << 20))
        switch directive.char {
        case "a", "s":
            let value = try take(&args)
            let text = directive.char == "a" ? value.displayed : value.written()
            output += Formatter.pad(text, minimumColumns: param(0) ?? 0, columnIncrement: param(1) ?? 1,
                                    minimumPadding: param(2) ?? 0, padChar: Formatter.character(param(3), default: " "),
                                    left: directive.at)
        case "y": output += try take(&args).written() + "\n"
        case "d": output += try integer(try take(&args), radix: 10, directive, params)
        case "x": output += try integer(try take(&args), radix: 16, directive, params)
        case "o": output += try integer(try take(&args), radix: 8, directive, params)
        case "b": output += try integer(try take(&args), radix: 2, directive, params)
        case "r":
            guard let radix = param(0), (2...36).contains(radix) else { throw error("~r needs a radix between 2 and 36") }
            output += try integer(try take(&args), radix: radix, directive, Array(params.dropFirst()))
        case "c":
            let value = try take(&args)
            guard case .char = value else { throw error("~c expects a character, got \(value.written(limit: 40))") }
            output += directive.at ? value.written() : value.displayed
        case "f", "$":
            let value = try take(&args)
            guard let number = FixedFormat.double(value) else { throw error("~f expects a number, got \(value.written(limit: 40))") }
            if directive.char == "$" {
                output += FixedFormat.monetary(number, digits: param(0) ?? 2, integerDigits: param(1) ?? 1,
                                               width: param(2) ?? 0, padChar: Formatter.character(param(3), default: " "),
                                               sign: directive.at)
            } else {
                output += FixedFormat.fixed(number, width: param(0), digits: param(1), scale: param(2) ?? 0,
                                            overflowChar: param(3).map { Formatter.character($0, default: "*") },
                                            padChar: Formatter.character(param(4), default: " "), sign: directive.at)
            }
        case "%": output += String(repeating: "\n", count: count)
        case "&":
            guard count > 0 else { return }
            if column != 0 { output += "\n" }
            output += String(repeating: "\n", count: count - 1)
        case "~": output += String(repeating: "~", count: count)
        case "|": output += String(repeating: "\u{0C}", count: count)
        case "t": tabulate(param(0), param(1), relative: directive.at)
        case "*": try moveArgument(directive, param(0), &args)
        case "?":
            let control = try take(&args)
            guard case .string(let text) = control else { throw error("~? expects a control string") }
            let nodes = try FormatParser.parse(text.string)
            if directive.at {
                _ = try run(nodes, &args)
            } else {
                let list = try take(&args)
                guard let elements = list.listElements else { throw error("~? expects a list of arguments") }
                var inner = FormatArguments(elements)
                _ = try run(nodes, &inner)
            }
        default:
            throw error("unsupported directive ~\(Character(directive.char))")
        }
    }

    private func integer(_ value: Value, radix: Int, _ directive: FormatDirective, _ params: [Int?]) throws -> String {
        switch value {
        case .fixnum, .bignum: break
        default: throw error("argument not an integer: \(value.written(limit: 40))")
        }
        func param(_ i: Int) -> Int? { i < params.count ? params[i] : nil }
        var digits = NumberSyntax.format(value, radix: radix)
        var sign = ""
        if digits.hasPrefix("-") {
            sign = "-"
            digits.removeFirst()
        } else if directive.at {
            sign = "+"
        }
        if directive.colon {
            let separator = Formatter.character(param(2), default: ",")
            let group = max(1, param(3) ?? 3)
            var grouped = ""
            for (i, digit) in digits.enumerated() {
                if i > 0, (digits.count - i) % group == 0 { grouped.unicodeScalars.append(separator) }
                grouped.append(digit)
            }
            digits = grouped
        }
        return Formatter.pad(sign + digits, minimumColumns: param(0) ?? 0, columnIncrement: 1, minimumPadding: 0,
                             padChar: Formatter.character(param(1), default: " "), left: true)
    }

    /// Common Lisp padding: `minimumPadding` characters, then more in steps
    /// of `columnIncrement` until the text is at least `minimumColumns` wide.
    static func pad(_ text: String, minimumColumns: Int, columnIncrement: Int, minimumPadding: Int, padChar: Unicode.Scalar, left: Bool) -> String {
        let length = text.unicodeScalars.count
        var padding = max(0, min(minimumPadding, 1 << 20))
        let step = max(1, columnIncrement)
        let target = min(minimumColumns, 1 << 20)
        while length + padding < target { padding += step }
        guard padding > 0 else { return text }
        let fill = String(repeating: String(Character(padChar)), count: padding)
        return left ? fill + text : text + fill
    }

    private mutating func tabulate(_ first: Int?, _ second: Int?, relative: Bool) {
        let current = column
        var spaces: Int
        if relative {
            let increment = max(1, second ?? 1)
            let target = current + max(0, first ?? 1)
            spaces = target - current + (increment - target % increment) % increment
        } else {
            let target = max(0, first ?? 1)
            let increment = second ?? 1
            if current < target {
                spaces = target - current
            } else if increment > 0 {
                spaces = increment - (current - target) % increment
            } else {
                spaces = 0
            }
        }
        output += String(repeating: " ", count: max(0, min(spaces, 1 << 20)))
    }

    private func moveArgument(_ directive: FormatDirective, _ n: Int?, _ args: inout FormatArguments) throws {
        let target: Int
        if directive.at {
            target = n ?? 0
        } else if directive.colon {
            target = args.next - (n ?? 1)
        } else {
            target = args.next + (n ?? 1)
        }
        guard target >= 0, target <= args.values.count else { throw error("~* moves past the arguments") }
        args.next = target
    }

    // MARK: Compound directives

    private mutating func iterate(_ directive: FormatDirective, _ body: [FormatNode]?, _ args: inout FormatArguments) throws {
        let nodes: [FormatNode]
        if let body {
            nodes = body
        } else {
            let control = try take(&args)
            guard case .string(let text) = control else { throw error("~{~} expects a control string argument") }
            nodes = try FormatParser.parse(text.string)
        }
        let maximum = try parameters(directive, &args).first.flatMap { $0 } ?? Int.max
        var iterations = 0
        func shouldContinue(_ remaining: Int) -> Bool {
            iterations < maximum && remaining > 0
        }
        if directive.at {
            // ~@{ iterates over the remaining arguments themselves.
            while shouldContinue(args.remaining) {
                iterations += 1
                if directive.colon {
                    var inner = FormatArguments(try sublist(try take(&args)))
                    if try run(nodes, &inner) == .escapeAll { break }
                } else if try run(nodes, &args) != .normal {
                    break
                }
            }
            return
        }
        let list = try take(&args)
        guard let elements = list.listElements else { throw error("~{ expects a list, got \(list.written(limit: 40))") }
        var items = FormatArguments(elements)
        while shouldContinue(items.remaining) {
            iterations += 1
            if directive.colon {
                var inner = FormatArguments(try sublist(try take(&items)))
                if try run(nodes, &inner) == .escapeAll { break }
            } else if try run(nodes, &items) != .normal {
                break
            }
        }
    }

    private func sublist(_ value: Value) throws -> [Value] {
        guard let elements = value.listElements else { throw error("~:{ expects a list of lists, got \(value.written(limit: 40))") }
        return elements
    }

    private mutating func select(
        _ directive: FormatDirective, _ clauses: [[FormatNode]], _ defaultClause: [FormatNode]?, _ args: inout FormatArguments
    ) throws -> Flow {
        if directive.at {
            // ~@[ runs its clause, with the argument still unread, only when the argument is true.
            guard args.next < args.values.count else { throw error("too few arguments") }
            if args.values[args.next].isFalse {
                args.next += 1
                return .normal
            }
            return try clauses.first.map { try run($0, &args) } ?? .normal
        }
        let chosen: [FormatNode]?
        if directive.colon {
            chosen = clauses.count > 1 ? clauses[try take(&args).isTrue ? 1 : 0] : nil
        } else {
            let index: Int
            if let given = try parameters(directive, &args).first.flatMap({ $0 }) {
                index = given
            } else {
                let value = try take(&args)
                guard case .fixnum(let n) = value else { throw error("~[ expects an integer, got \(value.written(limit: 40))") }
                index = n
            }
            chosen = clauses.indices.contains(index) ? clauses[index] : defaultClause
        }
        return try chosen.map { try run($0, &args) } ?? .normal
    }

    private func convertCase(_ text: String, _ directive: FormatDirective) -> String {
        var scalars = Array(text.unicodeScalars)
        switch (directive.colon, directive.at) {
        case (true, true): scalars = scalars.map(UnicodeText.upcase)
        case (false, false): scalars = scalars.map(UnicodeText.downcase)
        case (true, false), (false, true):
            // ~:( capitalises every word, ~@( only the first.
            var inWord = false
            var seenWord = false
            for i in scalars.indices {
                let c = scalars[i]
                let isWordChar = UnicodeText.isLetter(c) || UnicodeText.isDigit(c)
                if isWordChar {
                    let capitalise = !inWord && (directive.colon || !seenWord)
                    scalars[i] = capitalise ? UnicodeText.upcase(c) : UnicodeText.downcase(c)
                    seenWord = true
                }
                inWord = isWordChar
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
