import ArgumentParser
import Basics
import Store

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Export store items to a bundle, or import a bundle.",
        discussion: """
            Bundles use the format of `nix-store --export`, so they travel between Cairn
            and Nix both ways. An import registers all of a bundle's items at once, after
            checking that every reference is in the store or in the bundle.

            Examples:
              cairn archive --export -r /cairn/store/…-results > results.bundle
              cairn archive --import < results.bundle
              ssh cluster cairn archive --export -r PATH | cairn archive --import
            """)

    @Flag(help: "Write the given items to standard output as a bundle.")
    var export = false

    @Flag(name: .customLong("import"), help: "Read a bundle from standard input into the store.")
    var importBundle = false

    @Flag(name: [.customShort("r"), .customLong("recursive")], help: "With --export, include the whole closure.")
    var recursive = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Store items to export.")
    var paths: [String] = []

    func validate() throws {
        if export == importBundle { throw ValidationError("give exactly one of --export and --import") }
        if export && paths.isEmpty { throw ValidationError("--export needs at least one store path") }
        if importBundle && !paths.isEmpty { throw ValidationError("--import reads standard input and takes no PATH") }
        if recursive && !export { throw ValidationError("-r goes with --export") }
    }

    func run() throws {
        let store = try global.openStore()
        if export {
            try refuseTerminalOutput(what: "a bundle", example: "cairn archive --export PATH > bundle")
            let items = try paths.map { try store.storePath(forUserPath: $0) }
            let output = StandardStreams.output
            try store.export(items, recursive: recursive, to: { try output.write($0) })
        } else {
            try refuseTerminalInput(what: "a bundle", example: "cairn archive --import < bundle")
            let imported = try store.importBundle(from: FileByteSource(StandardStreams.input))
            var seen: Set<String> = []
            var output = ""
            for path in imported.map(store.absolute) where seen.insert(path).inserted { output += path + "\n" }
            try StandardStreams.output.write(output)
        }
    }
}

extension ArchiveCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { paths += operands }
}
