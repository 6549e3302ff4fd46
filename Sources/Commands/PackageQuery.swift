import ArgumentParser
import Basics
import Packages
import Scheme
import Store

/// What the package commands (show, search, package -A, edit, graph) share:
/// the collection of the channel and the user's `-L` directories, loaded on
/// the Scheme thread with a large stack.
struct PackageQuery {
    let store: LocalStore
    let evaluator: Evaluator
    let collection: PackageCollection

    /// Runs `body` with the collection loaded; errors from either are thrown.
    static func run<T>(global: GlobalOptions, loadPath: [String], _ body: @escaping (PackageQuery) throws -> T) throws -> T {
        let store = try global.openStore()
        let interpreter = SchemeHost.makeInterpreter(loadPath: loadPath, withChannel: true)
        let evaluator = Evaluator(interpreter: interpreter, session: SchemeHost.session(store))
        let result: Result<T, any Error> = StackGuard.withLargeStack {
            Result {
                try SchemeExecution.exclusively {
                    let collection = try PackageCollection(
                        runtime: interpreter.runtime, channel: SchemeHost.defaultChannel(),
                        userDirectories: SchemeHost.userDirectories(loadPath))
                    return try body(PackageQuery(store: store, evaluator: evaluator, collection: collection))
                }
            }
        }
        return try result.get()
    }

    var runtime: Runtime { evaluator.interpreter.runtime }

    func info(_ entry: PackageCollection.Entry) throws -> PackageInfo {
        try PackageInfo(entry, runtime: runtime)
    }

    /// A location relative to the channel when it is inside it, as Guix
    /// prints `gnu/packages/base.scm:94`.
    static func displayLocation(_ entry: PackageCollection.Entry) -> String {
        guard var location = entry.location else { return "unknown" }
        if let channel = SchemeHost.defaultChannel(), location.hasPrefix(channel + "/") {
            location = String(location.dropFirst(channel.count + 1))
        }
        return location
    }

    /// Text in recutils style: continuation lines start with "+ ".
    static func recutils(_ field: String, _ value: String) -> String {
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
        return field + ": " + lines.joined(separator: "\n+ ") + "\n"
    }

    /// Paragraph text filled to `width` columns, as `guix show` prints descriptions.
    static func fill(_ text: String, width: Int = 72) -> String {
        var lines: [String] = []
        for paragraph in text.components(separatedBy: "\n\n") {
            var line = ""
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                if !line.isEmpty && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            if !line.isEmpty { lines.append(line) }
            lines.append("")
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The record of one package as `guix show` prints it.
    func record(_ entry: PackageCollection.Entry, relevance: Int? = nil) throws -> String {
        let info = try info(entry)
        var text = ""
        text += Self.recutils("name", entry.name)
        text += Self.recutils("version", entry.version)
        text += "outputs:\n" + info.outputs.map { "+ \($0): " + ($0 == "out" ? "everything" : "the '\($0)' output") }.joined(separator: "\n") + "\n"
        text += Self.recutils("systems", "x86_64-linux")
        text += Self.recutils("dependencies", try info.dependencies(in: collection).joined(separator: " "))
        text += Self.recutils("location", Self.displayLocation(entry))
        text += Self.recutils("homepage", info.homePage ?? "")
        text += Self.recutils("license", info.licenses.joined(separator: ", "))
        if case .pair = info.properties, info.properties.written().contains("debian-binaries") {
            text += Self.recutils("built-from", "pinned Debian binary packages (not built from source)")
        }
        text += Self.recutils("synopsis", info.synopsis)
        text += Self.recutils("description", Self.fill(info.description))
        if let relevance { text += Self.recutils("relevance", String(relevance)) }
        return text
    }
}

/// `-L DIR`: the user's own package modules, for the package commands.
struct PackageModuleOptions: ParsableArguments {
    @Option(name: [.customShort("L"), .customLong("load-path")], help: ArgumentHelp(
        "Add DIR to the front of the package module search path (also CAIRN_LOAD_PATH).", valueName: "DIR"))
    var loadPath: [String] = []
}
