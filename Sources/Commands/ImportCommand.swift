import ArgumentParser

/// `cairn import`: generators of package data, as `guix import` is.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Generate package data from other distributions.",
        discussion: """
            Examples:
              cairn import debian-seed --index Packages.xz > debian-seed.scm
            """,
        subcommands: [ImportDebianSeedCommand.self])
}
