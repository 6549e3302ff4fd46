import ArgumentParser
import Basics
import Packages

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show details about packages.",
        discussion: """
            Prints, for each package PACKAGE (name, name@version) matches, newest first,
            its name, version, outputs, dependencies, location, home page, license,
            synopsis and description, in the recutils format `guix show` uses.

            Examples:
              cairn show hello
              cairn show zlib@1.2
              cairn show -L ./my-packages my-tool
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var modules: PackageModuleOptions

    @Argument(help: ArgumentHelp("Packages to show.", valueName: "PACKAGE"))
    var packages: [String]

    func validate() throws {
        if packages.isEmpty { throw ValidationError("missing PACKAGE argument") }
    }

    func run() throws {
        let text = try PackageQuery.run(global: global, loadPath: modules.loadPath) { query in
            // Every matching version, newest first, as `guix show` lists them.
            try packages.flatMap { spec in
                try query.collection.matches(spec).map { try query.record($0) }
            }.joined(separator: "\n")
        }
        try StandardStreams.output.write(text)
    }
}
