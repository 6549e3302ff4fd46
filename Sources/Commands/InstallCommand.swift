import ArgumentParser

/// `cairn install PACKAGE…`: `cairn package -i PACKAGE…`, as `guix install`.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install packages in a profile (cairn package -i).",
        discussion: """
            Examples:
              cairn install hello
              cairn install zlib:static -p ./dev-profile
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var modules: PackageModuleOptions

    @Option(name: [.customShort("p"), .customLong("profile")], help: ArgumentHelp("Use the profile at PROFILE instead of ~/.cairn-profile.", valueName: "PROFILE"))
    var profile: String?

    @Flag(name: .customLong("allow-collisions"), help: "Allow two packages of one name and output; the first given wins.")
    var allowCollisions = false

    @Argument(help: ArgumentHelp("Packages to install (name[@version][:output]).", valueName: "PACKAGE"))
    var packages: [String]

    func run() throws {
        try ProfileOperations(global: global, loadPath: modules.loadPath, profileOption: profile)
            .change(install: packages, remove: [], upgrade: nil, allowCollisions: allowCollisions)
    }
}
