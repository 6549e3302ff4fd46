import ArgumentParser
import Basics
import Packages

struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "List the available packages (profiles come later).",
        discussion: """
            -A lists the packages whose name matches REGEXP (all without one), one per
            line: name, version, outputs (comma-separated) and location, separated by
            tabs, sorted by name, as `guix package -A` prints them.

            Examples:
              cairn package -A
              cairn package -A '^zlib$'
              cairn package -A -L ./my-packages
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var modules: PackageModuleOptions

    @Flag(name: [.customShort("A"), .customLong("list-available")], help: "List the available packages whose name matches REGEXP.")
    var listAvailable = false

    @Argument(help: ArgumentHelp("With -A: a regular expression on package names.", valueName: "REGEXP"))
    var pattern: String?

    func validate() throws {
        if !listAvailable { throw ValidationError("give -A/--list-available (installing into profiles is not supported yet)") }
    }

    func run() throws {
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
