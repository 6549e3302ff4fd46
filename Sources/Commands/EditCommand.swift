import ArgumentParser
import Basics
import Glibc
import Packages

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Open the definition of packages in an editor.",
        discussion: """
            Starts $VISUAL, else $EDITOR, at the line where each PACKAGE is defined
            (`EDITOR +LINE FILE`). With neither set, prints FILE:LINE instead.

            Examples:
              cairn edit hello
              EDITOR=nano cairn edit zlib
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var modules: PackageModuleOptions

    @Argument(help: ArgumentHelp("Packages whose definitions to open.", valueName: "PACKAGE"))
    var packages: [String]

    func validate() throws {
        if packages.isEmpty { throw ValidationError("missing PACKAGE argument") }
    }

    func run() throws {
        let locations: [(file: String, line: Int)] = try PackageQuery.run(global: global, loadPath: modules.loadPath) { query in
            try packages.map { spec in
                let (entry, _) = try query.collection.resolve(spec)
                guard let file = entry.file else { throw EditError.noLocation(entry.fullName) }
                return (file, entry.line ?? 1)
            }
        }
        let editor = [ProcessEnvironment.value("VISUAL"), ProcessEnvironment.value("EDITOR")].compactMap { $0 }.first { !$0.isEmpty }
        guard let editor else {
            for location in locations { try StandardStreams.output.write("\(location.file):\(location.line)\n") }
            return
        }
        // Through the shell, as Guix does, so EDITOR may hold options ("emacs -nw").
        var arguments = ["/bin/sh", "-c", editor + " \"$@\"", "cairn-edit"]
        for location in locations { arguments += ["+\(location.line)", location.file] }
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        execv("/bin/sh", &argv)
        throw EditError.cannotStart(editor, String(cString: strerror(errno)))
    }
}

enum EditError: UserFacingError {
    case noLocation(String)
    case cannotStart(String, String)

    var message: String {
        switch self {
        case .noLocation(let package): "the definition of \(package) has no known location"
        case .cannotStart(let editor, let reason): "cannot start the editor '\(editor)': \(reason)"
        }
    }

    var hint: String? {
        switch self {
        case .noLocation: nil
        case .cannotStart: "set VISUAL or EDITOR to an editor on your PATH"
        }
    }

    var description: String { message }
}
