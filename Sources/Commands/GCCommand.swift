import ArgumentParser
import Basics
import Store
import StoreFormats

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Collect garbage, query the reference graph, verify and optimise the store.",
        discussion: """
            Without options, deletes every store item that no GC root keeps alive. Roots
            are the symlinks under STATE-DIR/gcroots (indirect ones under gcroots/auto) and
            profiles, items that running cairn processes use, and items open or mapped by
            running programs.

            Examples:
              cairn gc                          collect all garbage
              cairn gc -F 10G                   collect until 10 GiB are free
              cairn gc -d /cairn/store/…-old    delete one dead item
              cairn gc -R /cairn/store/…-env    list its closure
              cairn gc --verify=contents        re-hash every item, report corruption
              cairn gc --optimize               hard-link identical files
            """)

    @Option(name: [.customShort("C"), .customLong("collect-garbage")], help: ArgumentHelp(
        "Collect at least MIN bytes of garbage (e.g. 500M).", valueName: "MIN"))
    var collectAtLeast: String?

    @Option(name: [.customShort("F"), .customLong("free-space")], help: ArgumentHelp(
        "Collect garbage until FREE space is available on the store's file system (e.g. 10G).", valueName: "FREE"))
    var freeSpace: String?

    @Flag(name: [.customShort("d"), .customLong("delete")], help: "Delete the given store items; refuse live ones.")
    var delete = false

    @Flag(name: .customLong("list-roots"), help: "List the GC roots.")
    var listRoots = false

    @Flag(name: .customLong("list-dead"), help: "List dead store items.")
    var listDead = false

    @Flag(name: .customLong("list-live"), help: "List live store items.")
    var listLive = false

    @Flag(name: .customLong("references"), help: "List the references of the given items.")
    var references = false

    @Flag(name: [.customShort("R"), .customLong("requisites")], help: "List the closure of the given items.")
    var requisites = false

    @Flag(name: .customLong("referrers"), help: "List the valid items that refer to the given items.")
    var referrers = false

    @Flag(name: .customLong("derivers"), help: "List the derivations the given items were built from.")
    var derivers = false

    @Option(name: .customLong("verify"), help: ArgumentHelp(
        "Check the store database and files; with =contents also re-hash every item.", valueName: "contents"))
    var verify: String?

    @Flag(name: [.customLong("optimize"), .customLong("optimise")], help: "Hard-link identical files to save space.")
    var optimize = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Store items, for the options that take them.")
    var paths: [String] = []

    private var actionCount: Int {
        [collectAtLeast != nil, freeSpace != nil, delete, listRoots, listDead, listLive, references, requisites,
         referrers, derivers, verify != nil, optimize].filter { $0 }.count
    }

    func validate() throws {
        if actionCount > 1 { throw ValidationError("give at most one action (-C, -F, -d, --list-…, --references, -R, --referrers, --derivers, --verify, --optimize)") }
        let takesPaths = delete || references || requisites || referrers || derivers
        if takesPaths && paths.isEmpty { throw ValidationError("this action needs at least one store path") }
        if !takesPaths && !paths.isEmpty { throw ValidationError("unexpected argument '\(paths[0])'; only -d, --references, -R, --referrers and --derivers take store paths") }
        if let verify, !["integrity", "contents"].contains(verify) {
            throw ValidationError("--verify takes no value or 'contents', not '\(verify)'")
        }
        for size in [collectAtLeast, freeSpace].compactMap({ $0 }) where ByteCount.parse(size) == nil {
            throw ValidationError("invalid size '\(size)'; write a number with an optional unit: 500M, 10G, 1T")
        }
    }

    func run() throws {
        let store = try global.openStore()
        let items = { try paths.map { try store.storePath(forUserPath: $0) } }
        if listRoots {
            // As `guix gc --list-roots`: the root files; -v 2 adds their items.
            try write(store.findRoots(removeStale: false).map {
                Diagnostics.verbosity >= 2 ? "\($0.link) -> \(store.absolute($0.path))" : $0.link
            })
        } else if listDead {
            try write(store.deadPaths().map(store.absolute))
        } else if listLive {
            try write(store.livePaths().map(store.absolute))
        } else if references {
            try write(Set(items().flatMap { try store.pathInfo($0).references }).sorted().map(store.absolute))
        } else if requisites {
            try write(store.closure(of: items()).map(store.absolute))
        } else if referrers {
            try write(Set(items().flatMap { try store.database.referrers(of: $0) }).sorted().map(store.absolute))
        } else if derivers {
            try write(Set(items().compactMap { try store.pathInfo($0).deriver }).sorted().map(store.absolute))
        } else if let verify {
            try runVerify(store, contents: verify == "contents")
        } else if optimize {
            let result = try store.optimise()
            Diagnostics.info("\(result.filesLinked) files hard-linked, \(ByteCount.format(result.bytesSaved)) saved")
            Diagnostics.info("note: hard linking now saves \(ByteCount.format(result.totalSaved)) in all")
        } else if delete {
            try collect(store, .delete(items()))
        } else if let freeSpace, let wanted = ByteCount.parse(freeSpace) {
            let available = try store.availableSpace()
            if available >= wanted {
                Diagnostics.info("\(ByteCount.format(available)) already available, at least \(ByteCount.format(wanted)) wanted: nothing to do")
                return
            }
            try collect(store, .collect(atLeast: wanted - available))
        } else {
            try collect(store, .collect(atLeast: collectAtLeast.flatMap(ByteCount.parse)))
        }
    }

    private func collect(_ store: LocalStore, _ action: GCAction) throws {
        Diagnostics.info("finding garbage collector roots...")
        let result = try store.collectGarbage(action) { path in
            Diagnostics.info("deleting '\(store.absolute(path))'", level: 2)
        }
        Diagnostics.info("deleted \(result.deleted.count) store item\(result.deleted.count == 1 ? "" : "s"), freed \(ByteCount.format(result.bytesFreed))")
    }

    private func runVerify(_ store: LocalStore, contents: Bool) throws {
        Diagnostics.info(contents ? "checking path existence and contents..." : "checking path existence...")
        let report = try store.verify(contents: contents)
        for path in report.missing {
            Diagnostics.writeStandardError("cairn: error: path '\(store.absolute(path))' disappeared, but it is still valid in the database\n")
        }
        for item in report.corrupted {
            Diagnostics.writeStandardError("cairn: error: path '\(store.absolute(item.path))' was modified: expected hash \(item.expected.encoded(.nixBase32)), got \(item.actual.encoded(.nixBase32))\n")
        }
        if !report.unregistered.isEmpty {
            Diagnostics.info("note: \(report.unregistered.count) unregistered item\(report.unregistered.count == 1 ? "" : "s") on disk (garbage; 'cairn gc' removes them)")
        }
        guard report.isHealthy else {
            throw StoreError.corruptedPaths((report.missing + report.corrupted.map(\.path)).map(store.absolute))
        }
        Diagnostics.info("\(report.checked) store item\(report.checked == 1 ? "" : "s") checked, no problems found")
    }

    private func write(_ lines: [String]) throws {
        try StandardStreams.output.write(lines.map { $0 + "\n" }.joined())
    }
}

extension GCCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { paths += operands }
}
