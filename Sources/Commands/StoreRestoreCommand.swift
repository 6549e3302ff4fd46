import ArgumentParser
import Basics
import Store

struct StoreRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Unpack a NAR read from standard input into a new directory.",
        discussion: """
            As `nix-store --restore`. DIR must not exist yet. The archive is checked as it
            is read (sorted, unique and safe entry names, exact padding, no trailing data);
            if it is malformed nothing is left behind.

            Example:
              cairn store restore ./copy < src.nar
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The directory (or file) to create.")
    var directory: String

    func run() throws {
        global.apply()
        try refuseTerminalInput(what: "a NAR", example: "cairn store restore \(directory) < file.nar")
        try LocalStore.restore(
            from: FileByteSource(StandardStreams.input), to: ProcessEnvironment.absolutePath(directory))
    }
}
