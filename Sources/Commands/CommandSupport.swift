import Basics

/// Errors of the command layer itself (not of the store or formats).
enum CommandError: UserFacingError {
    case binaryToTerminal(what: String, example: String)
    case binaryFromTerminal(what: String, example: String)

    var message: String {
        switch self {
        case .binaryToTerminal(let what, _): "refusing to write \(what) to a terminal"
        case .binaryFromTerminal(let what, _): "expected \(what) on standard input, which is a terminal"
        }
    }

    var hint: String? {
        switch self {
        case .binaryToTerminal(_, let example): "redirect the output to a file: \(example)"
        case .binaryFromTerminal(_, let example): "redirect the input from a file: \(example)"
        }
    }
}

/// Binary archives on a terminal only garble it; say what to do instead.
func refuseTerminalOutput(what: String, example: String) throws {
    if ProcessEnvironment.isTerminal(1) { throw CommandError.binaryToTerminal(what: what, example: example) }
}

func refuseTerminalInput(what: String, example: String) throws {
    if ProcessEnvironment.isTerminal(0) { throw CommandError.binaryFromTerminal(what: what, example: example) }
}
