import ArgumentParser
import Basics
import Scheme
import Glibc

/// Parses the command line, runs the command and turns every failure into the
/// message format of ARCHITECTURE.md §6: `cairn: error: …` and `hint: …`,
/// exit 1 for failures and 2 for usage errors.
package enum CommandRunner {
    /// Guix spells some option values as optional: `--verify` or
    /// `--verify=contents`, `-C` or `-C 500M`. ArgumentParser needs a value,
    /// so the bare forms get theirs here: `--verify` checks integrity, and a
    /// bare `-C` (at the end or before another option) collects everything.
    static func optionalValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            if argument == "--verify" {
                result.append("--verify=integrity")
            } else if argument == "-C" || argument == "--collect-garbage" {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                if let next, !next.hasPrefix("-") { result.append(argument) }
            } else {
                result.append(argument)
            }
        }
        return result
    }

    package static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        var arguments = arguments.first == "gc" ? Self.optionalValues(arguments) : arguments
        // `cairn package --search-paths` alone means `--search-paths=exact`, as in Guix.
        if arguments.first == "package" { arguments = arguments.map { $0 == "--search-paths" ? "--search-paths=exact" : $0 } }
        // `cairn shell … -- COMMAND ARGS`: the command is not parsed as options.
        if arguments.first == "shell" {
            if let terminator = arguments.firstIndex(of: "--") {
                ShellCommand.command = Array(arguments[(terminator + 1)...])
                arguments = Array(arguments[..<terminator])
            }
            ShellFastPath.run(Array(arguments.dropFirst()), command: ShellCommand.command)
        }
        // `cairn time-machine … -- COMMAND ARGS`: the command is cairn's, run later.
        if arguments.first == "time-machine", let terminator = arguments.firstIndex(of: "--") {
            TimeMachineCommand.command = Array(arguments[(terminator + 1)...])
            arguments = Array(arguments[..<terminator])
        }
        // Command groups take two words before their operands.
        let words = ["store", "derivation"].contains(arguments.first) ? 2 : 1
        let (head, operands) = OperandSplitter.split(arguments, subcommandWords: words)
        do {
            var command = try Cairn.parseAsRoot(head)
            if !operands.isEmpty {
                guard var many = command as? any AcceptsManyOperands & ParsableCommand else {
                    command = try Cairn.parseAsRoot(arguments)
                    try command.run()
                    exit(0)
                }
                many.appendOperands(operands)
                // Checks that depend on the operands (such as "--name takes a
                // single PATH") run again on the whole list.
                try many.validate()
                command = many
            }
            try command.run()
            exit(0)
        } catch let error as any UserFacingError {
            Diagnostics.error(error)
            exit(1)
        } catch let error as SchemeError {
            Diagnostics.writeStandardError(ErrorReport.render(error, prefix: "cairn: error: "))
            exit(1)
        } catch {
            let code = Cairn.exitCode(for: error)
            if code == .success {
                print(Cairn.fullMessage(for: error))
                exit(0)
            }
            if let exitCode = error as? ExitCode {
                exit(exitCode.rawValue)
            }
            let message = Cairn.fullMessage(for: error)
            let isUsage = code == .validationFailure
            var text = message.hasPrefix("Error: ") ? "cairn: error: " + message.dropFirst(7) : "cairn: error: " + message
            if isUsage && !text.contains("--help") { text += "\nhint: see 'cairn --help'" }
            Diagnostics.writeStandardError(text + "\n")
            exit(isUsage ? 2 : 1)
        }
    }
}
