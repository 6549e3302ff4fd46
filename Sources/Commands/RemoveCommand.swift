import ArgumentParser

/// `cairn remove PACKAGE…`: `cairn package -r PACKAGE…`, as `guix remove`.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove packages from a profile (cairn package -r).",
        discussion: """
            Examples:
              cairn remove hello
              cairn remove zlib:static -p ./dev-profile
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var modules: PackageModuleOptions

    @Option(name: [.customShort("p"), .customLong("profile")], help: ArgumentHelp("Use the profile at PROFILE instead of ~/.cairn-profile.", valueName: "PROFILE"))
    var profile: String?

    @Argument(help: ArgumentHelp("Installed packages to remove (name[:output]).", valueName: "PACKAGE"))
    var packages: [String]

    func run() throws {
        try ProfileOperations(global: global, loadPath: modules.loadPath, profileOption: profile)
            .change(install: [], remove: packages, upgrade: nil, allowCollisions: false)
    }
}
