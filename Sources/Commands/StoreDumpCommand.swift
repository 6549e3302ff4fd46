import ArgumentParser
import Basics
import Store

struct StoreDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Write the NAR serialisation of a file or tree to standard output.",
        discussion: """
            As `nix-store --dump`: the output is byte for byte what Nix writes.

            Example:
              cairn store dump /cairn/store/…-src > src.nar
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The file or directory to serialise.")
    var path: String

    func run() throws {
        global.apply()
        try refuseTerminalOutput(what: "a NAR", example: "cairn store dump \(path) > out.nar")
        let output = StandardStreams.output
        try LocalStore.dump(ProcessEnvironment.absolutePath(path), to: { try output.write($0) })
    }
}
