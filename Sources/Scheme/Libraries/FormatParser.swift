/// Parses `(ice-9 format)` control strings into a tree, so that nested
/// constructs (`~{…~}`, `~[…~;…~]`, `~(…~)`) are matched once and errors in
/// the control string are reported before any output is produced.
struct FormatDirective {
    enum Parameter {
        case absent
        case number(Int)
        case char(Unicode.Scalar)
        /// `v`: the value comes from the next argument.
        case nextArgument
        /// `#`: the number of arguments left.
        case remainingCount
    }

    var parameters: [Parameter] = []
    var colon = false
    var at = false
    /// The directive character, lower-cased.
    var char: Unicode.Scalar = "a"
}

indirect enum FormatNode {
    case literal(String)
    case simple(FormatDirective)
    /// `~{body~}`; a nil body means the control string is taken from the arguments.
    /// (Guile ignores the "at least once" meaning of `~:}`, and so does Cairn.)
    case iteration(FormatDirective, body: [FormatNode]?)
    /// `~[clause~;clause~:;default~]`.
    case selection(FormatDirective, clauses: [[FormatNode]], defaultClause: [FormatNode]?)
    case caseConversion(FormatDirective, body: [FormatNode])
    /// `~^`: leave the enclosing iteration (or the whole format) when no arguments remain.
    case escape(FormatDirective)
}

struct FormatParser {
    private let text: [Unicode.Scalar]
    private var index = 0
    private let control: String

    init(_ control: String) {
        self.control = control
        text = Array(control.unicodeScalars)
    }

    static func parse(_ control: String) throws -> [FormatNode] {
        var parser = FormatParser(control)
        let (nodes, terminator) = try parser.sequence(closers: [])
        if let terminator { throw parser.error("unexpected ~\(Character(terminator.char))") }
        return nodes
    }

    func error(_ detail: String) -> SchemeError {
        SchemeError(
            .misc, who: "format",
            message: "in procedure format: \(detail) in control string \(Value.string(control).written(limit: 80))",
            irritants: [.string(control)])
    }

    /// Nodes up to one of the `closers` directives (returned) or the end (nil).
    private mutating func sequence(closers: Set<Unicode.Scalar>) throws -> ([FormatNode], FormatDirective?) {
        var nodes: [FormatNode] = []
        var literal = ""
        func flush() {
            if !literal.isEmpty { nodes.append(.literal(literal)) }
            literal = ""
        }
        while index < text.count {
            let c = text[index]
            guard c == "~" else {
                literal.unicodeScalars.append(c)
                index += 1
                continue
            }
            index += 1
            let directive = try parseDirective()
            switch directive.char {
            case "\n":
                // Tilde-newline continues a long control string on the next line.
                if directive.at { literal += "\n" }
                if !directive.colon {
                    while index < text.count, text[index] == " " || text[index] == "\t" { index += 1 }
                }
            case let closer where closers.contains(closer):
                flush()
                return (nodes, directive)
            case "{":
                flush()
                let (body, end) = try sequence(closers: ["}"])
                guard end != nil else { throw error("missing ~}") }
                nodes.append(.iteration(directive, body: body.isEmpty ? nil : body))
            case "[":
                flush()
                nodes.append(try selection(directive))
            case "(":
                flush()
                let (body, end) = try sequence(closers: [")"])
                guard end != nil else { throw error("missing ~)") }
                nodes.append(.caseConversion(directive, body: body))
            case "^":
                flush()
                nodes.append(.escape(directive))
            case "}", "]", ")", ";":
                throw error("unexpected ~\(Character(directive.char))")
            default:
                flush()
                nodes.append(.simple(directive))
            }
        }
        flush()
        return (nodes, nil)
    }

    private mutating func selection(_ directive: FormatDirective) throws -> FormatNode {
        var clauses: [[FormatNode]] = []
        var defaultClause: [FormatNode]?
        var nextIsDefault = false
        while true {
            let (clause, end) = try sequence(closers: [";", "]"])
            guard let end else { throw error("missing ~]") }
            if nextIsDefault { defaultClause = clause } else { clauses.append(clause) }
            if end.char == "]" { break }
            nextIsDefault = end.colon
        }
        return .selection(directive, clauses: clauses, defaultClause: defaultClause)
    }

    /// Parameters, modifiers and the directive character after a `~`.
    private mutating func parseDirective() throws -> FormatDirective {
        var directive = FormatDirective()
        // Parameters are separated by commas; any of them may be empty.
        while true {
            let parameter = try parseParameter()
            if index < text.count, text[index] == "," {
                directive.parameters.append(parameter ?? .absent)
                index += 1
                continue
            }
            if let parameter { directive.parameters.append(parameter) }
            break
        }
        while index < text.count, text[index] == ":" || text[index] == "@" {
            if text[index] == ":" { directive.colon = true } else { directive.at = true }
            index += 1
        }
        guard index < text.count else { throw error("missing directive after ~") }
        directive.char = UnicodeText.downcase(text[index])
        index += 1
        return directive
    }

    private mutating func parseParameter() throws -> FormatDirective.Parameter? {
        guard index < text.count else { return nil }
        switch text[index] {
        case "'":
            guard index + 1 < text.count else { throw error("missing character after '") }
            index += 2
            return .char(text[index - 1])
        case "v", "V":
            index += 1
            return .nextArgument
        case "#":
            index += 1
            return .remainingCount
        case "+", "-", "0"..."9":
            let start = index
            index += 1
            while index < text.count, ("0"..."9").contains(text[index]) { index += 1 }
            var digits = String.UnicodeScalarView()
            digits.append(contentsOf: text[start..<index])
            guard let n = Int(String(digits)) else { throw error("bad numeric parameter") }
            return .number(n)
        default:
            return nil
        }
    }
}
