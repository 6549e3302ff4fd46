import ArgumentParser
import Basics
import Store
import StoreFormats

struct StoreAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add files or trees to the store and print their store paths.",
        discussion: """
            Without --flat a path is addressed by the NAR hash of its tree, exactly as
            `nix-store --add` does; with --flat a single regular file is addressed by the
            SHA-256 of its bytes, as `nix-store --add-fixed sha256`.

            Examples:
              cairn store add ./src ./patches
              cairn store add --flat ./hello-2.12.tar.gz
            """)

    @Flag(help: "Address a single regular file by the hash of its bytes.")
    var flat = false

    @Option(help: "Name of the store item (default: the file's base name).")
    var name: String?

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Files or directories to add.")
    var paths: [String]

    func validate() throws {
        if paths.isEmpty { throw ValidationError("missing PATH argument") }
        if name != nil && paths.count > 1 { throw ValidationError("--name takes a single PATH") }
    }

    func run() throws {
        let store = try global.openStore()
        for path in paths {
            let added = try store.add(
                ProcessEnvironment.absolutePath(path), name: name, method: flat ? .flat : .recursive)
            try StandardStreams.output.write(store.absolute(added) + "\n")
        }
    }
}

extension StoreAddCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { paths += operands }
}
