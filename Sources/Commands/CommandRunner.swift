import ArgumentParser
import Basics
import Glibc

/// Parses the command line, runs the command and turns every failure into the
/// message format of ARCHITECTURE.md §6: `cairn: error: …` and `hint: …`,
/// exit 1 for failures and 2 for usage errors.
package enum CommandRunner {
    package static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // Guix spells optional option values as `--verify` or `--verify=contents`;
        // ArgumentParser needs a value, so the bare form gets its default here.
        let arguments = arguments.first == "gc"
            ? arguments.map { $0 == "--verify" ? "--verify=integrity" : $0 }
            : arguments
        let words = arguments.first == "store" ? 2 : 1
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
