import ArgumentParser
import Basics
import Packages

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the package collection.",
        discussion: """
            Lists the packages whose name, synopsis or description match every REGEXP
            (extended regular expressions, case-insensitive), most relevant first, in the
            recutils format of `cairn show` with a relevance field. As in `guix search`,
            a match in the name counts most, then the synopsis, then the description.

            Examples:
              cairn search compression
              cairn search '^hello$'
              cairn search gnu example | recsel -p name
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var modules: PackageModuleOptions

    @Argument(help: ArgumentHelp("Regular expressions all of which must match.", valueName: "REGEXP"))
    var patterns: [String]

    func validate() throws {
        if patterns.isEmpty { throw ValidationError("missing REGEXP argument") }
    }

    /// Weights of where a match is found (name, synopsis, description), as Guix's package metrics.
    static let weights = (name: 4, synopsis: 3, description: 2)

    func run() throws {
        let regexes = try patterns.map { pattern in
            do { return try Regex(pattern).ignoresCase() } catch {
                throw ValidationError("invalid regular expression '\(pattern)': \(error)")
            }
        }
        let text = try PackageQuery.run(global: global, loadPath: modules.loadPath) { query in
            var scored: [(entry: PackageCollection.Entry, score: Int)] = []
            for entry in query.collection.entries {
                let info = try query.info(entry)
                var total = 0
                var matchedAll = true
                for regex in regexes {
                    let score = entry.name.matches(of: regex).count * Self.weights.name
                        + info.synopsis.matches(of: regex).count * Self.weights.synopsis
                        + info.description.matches(of: regex).count * Self.weights.description
                    if score == 0 { matchedAll = false; break }
                    total += score
                }
                if matchedAll { scored.append((entry, total)) }
            }
            scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.entry.name < $1.entry.name }
            return try scored.map { try query.record($0.entry, relevance: $0.score) }.joined(separator: "\n")
        }
        if text.isEmpty {
            Diagnostics.writeStandardError("cairn search: no package matches \(patterns.map { "'\($0)'" }.joined(separator: " and "))\n")
            throw ExitCode(1)
        }
        try StandardStreams.output.write(text)
    }
}
