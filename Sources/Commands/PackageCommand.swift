import ArgumentParser
import Basics
import Packages

struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Install, remove and upgrade packages in a profile; manage its generations; list the available packages.",
        discussion: """
            A profile is a symlink tree of the installed packages, with a `manifest` file
            and an `etc/profile` that sets their search paths. Each change makes a new
            generation; earlier ones stay until deleted, so a change can be undone with
            --roll-back. The default profile is ~/.cairn-profile. The shorthands
            `cairn install`, `cairn remove` and `cairn upgrade` are `cairn package -i`,
            `-r` and `-u`.

            -l, -d and -I take an optional PATTERN: for -l and -d, generations (N, N..M,
            N.., ..M, comma-separated lists, or an age such as 2d, 3w, 1m); for -I, a
            regular expression on package names. -u takes an optional regular expression
            on the names of the installed packages to upgrade (all without one).

            -A lists the packages whose name matches REGEXP (all without one): name,
            version, outputs and location, separated by tabs, as `guix package -A`.

            Examples:
              cairn package -i hello zlib:static
              source ~/.cairn-profile/etc/profile
              cairn package -r zlib
              cairn package -m manifest.scm
              cairn package --export-manifest > manifest.scm
              cairn package -u
              cairn package --roll-back
              cairn package -l
              cairn package -S 2
              cairn package -d 1..3
              cairn package -I
              cairn package --search-paths=prefix
              cairn package -p ./project-profile -i hello
              cairn package -A '^zlib$'
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var modules: PackageModuleOptions

    @Option(name: [.customShort("i"), .customLong("install")], parsing: .upToNextOption, help: ArgumentHelp(
        "Install PACKAGEs (name[@version][:output]).", valueName: "PACKAGE"))
    var install: [String] = []

    @Option(name: [.customShort("r"), .customLong("remove")], parsing: .upToNextOption, help: ArgumentHelp(
        "Remove the installed PACKAGEs (name[:output]).", valueName: "PACKAGE"))
    var remove: [String] = []

    @Option(name: [.customShort("m"), .customLong("manifest")], help: ArgumentHelp(
        "Make the profile hold exactly what the manifest FILE describes.", valueName: "FILE"))
    var manifest: String?

    @Flag(name: .customLong("export-manifest"), help: "Print a manifest file that gives the profile's packages back.")
    var exportManifest = false

    @Flag(name: .customLong("export-channels"), help: "Print a channels file naming the channels the profile's packages came from.")
    var exportChannels = false

    @Flag(name: [.customShort("u"), .customLong("upgrade")], help: "Upgrade the installed packages matching PATTERN (all without one).")
    var upgrade = false

    @Option(name: [.customShort("p"), .customLong("profile")], help: ArgumentHelp(
        "Use the profile at PROFILE instead of ~/.cairn-profile.", valueName: "PROFILE"))
    var profile: String?

    @Flag(name: .customLong("allow-collisions"), help: "Allow two packages of one name and output; the first given wins.")
    var allowCollisions = false

    @Flag(name: .customLong("roll-back"), help: "Switch to the previous generation.")
    var rollBack = false

    @Option(name: [.customShort("S"), .customLong("switch-generation")], parsing: .unconditional, help: ArgumentHelp(
        "Switch to generation N, or +N/-N relative to the current one.", valueName: "N"))
    var switchGeneration: String?

    @Flag(name: [.customShort("l"), .customLong("list-generations")], help: "List the generations matching PATTERN (all without one).")
    var listGenerations = false

    @Flag(name: [.customShort("d"), .customLong("delete-generations")], help: "Delete the generations matching PATTERN (all but the current one without one).")
    var deleteGenerations = false

    @Flag(name: [.customShort("I"), .customLong("list-installed")], help: "List the installed packages matching PATTERN.")
    var listInstalled = false

    @Option(name: .customLong("search-paths"), help: ArgumentHelp(
        "Print the environment variables the profile needs: exact (default), prefix or suffix.", valueName: "KIND"))
    var searchPaths: String?

    @Flag(name: [.customShort("A"), .customLong("list-available")], help: "List the available packages whose name matches PATTERN.")
    var listAvailable = false

    @Flag(name: .customLong("list-profiles"), help: "List the user's profiles.")
    var listProfiles = false

    @Argument(help: ArgumentHelp("With -l, -d, -I, -u or -A: which generations or packages.", valueName: "PATTERN"))
    var pattern: String?

    func validate() throws {
        let change = !install.isEmpty || !remove.isEmpty || upgrade
        let actions = [change, manifest != nil, exportManifest, exportChannels, rollBack, switchGeneration != nil, listGenerations, deleteGenerations,
                       listInstalled, searchPaths != nil, listAvailable, listProfiles].filter { $0 }.count
        if actions == 0 {
            throw ValidationError("give an operation: -i, -r, -u, -m, --export-manifest, --export-channels, --roll-back, -S, -l, -d, -I, --search-paths, -A or --list-profiles")
        }
        if actions > 1 { throw ValidationError("give one operation at a time (-i, -r and -u may be combined)") }
        if let kind = searchPaths, !["exact", "prefix", "suffix"].contains(kind) {
            throw ValidationError("--search-paths takes exact, prefix or suffix, not '\(kind)'")
        }
        if pattern != nil, change, !upgrade { throw ValidationError("unexpected argument '\(pattern ?? "")'; did you mean -i \(pattern ?? "")?") }
    }

    func run() throws {
        if listAvailable { return try listAvailablePackages() }
        let operations = ProfileOperations(global: global, loadPath: modules.loadPath, profileOption: profile)
        if !install.isEmpty || !remove.isEmpty || upgrade {
            try operations.change(install: install, remove: remove, upgrade: upgrade ? (pattern ?? "") : nil, allowCollisions: allowCollisions)
        } else if let manifest {
            try operations.apply(manifestFile: manifest, allowCollisions: allowCollisions)
        } else if exportManifest {
            try operations.exportManifest()
        } else if exportChannels {
            try StandardStreams.output.write(try operations.exportChannels())
        } else if rollBack {
            try operations.rollBack()
        } else if let switchGeneration {
            try operations.switchGeneration(switchGeneration)
        } else if listGenerations {
            try operations.listGenerations(pattern)
        } else if deleteGenerations {
            try operations.deleteGenerations(pattern)
        } else if listInstalled {
            try operations.listInstalled(pattern)
        } else if let searchPaths {
            try operations.printSearchPaths(kind: searchPaths)
        } else if listProfiles {
            try operations.listProfiles()
        }
    }

    private func listAvailablePackages() throws {
        let regex: Regex<AnyRegexOutput>?
        do { regex = try pattern.map { try Regex($0).ignoresCase() } } catch {
            throw ValidationError("invalid regular expression '\(pattern ?? "")': \(error)")
        }
        let lines = try PackageQuery.run(global: global, loadPath: modules.loadPath) { query in
            try query.collection.entries
                .filter { entry in regex.map { entry.name.contains($0) } ?? true }
                .sorted { ($0.name, $0.version) < ($1.name, $1.version) }
                .map { entry in
                    let outputs = try query.info(entry).outputs.joined(separator: ",")
                    return "\(entry.name)\t\(entry.version)\t\(outputs)\t\(PackageQuery.displayLocation(entry))\n"
                }
        }
        try StandardStreams.output.write(lines.joined())
    }
}
