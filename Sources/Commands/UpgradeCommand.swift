import ArgumentParser

/// `cairn upgrade [REGEXP]`: `cairn package -u [REGEXP]`, as `guix upgrade`.
struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Upgrade the packages of a profile to the newest the channel has (cairn package -u).",
        discussion: """
            Examples:
              cairn upgrade
              cairn upgrade '^zlib$'
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var modules: PackageModuleOptions

    @Option(name: [.customShort("p"), .customLong("profile")], help: ArgumentHelp("Use the profile at PROFILE instead of ~/.cairn-profile.", valueName: "PROFILE"))
    var profile: String?

    @Argument(help: ArgumentHelp("A regular expression on the names of the installed packages to upgrade (all without one).", valueName: "REGEXP"))
    var pattern: String?

    func run() throws {
        try ProfileOperations(global: global, loadPath: modules.loadPath, profileOption: profile)
            .change(install: [], remove: [], upgrade: pattern ?? "", allowCollisions: false)
    }
}
