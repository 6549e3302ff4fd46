import ArgumentParser
import Basics
import Builder
import Packages
import Scheme
import Store
import StoreFormats
import Glibc

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Realise derivations in the build sandbox and print their output paths.",
        discussion: """
            Builds each PACKAGE (name, name@version or name@version:output, from the
            channel's collection and -L directories), each FILE.drv (a derivation in the
            store), or what the Scheme given with -e or -f evaluates to (derivations, packages, file-like objects, or a
            list of them), and the derivations those depend on, in isolated sandboxes;
            prints the output paths, one per line.
            Outputs already valid are reused. Every build's log is kept compressed under
            STATEDIR/log/drvs/. A derivation may name one of its inputs as the root of its
            sandbox's /bin, /lib, /lib64 and /usr with the variable __cairnFHSRoot.

            Examples:
              cairn build hello                        build GNU hello from source
              cairn build zlib:static -d               print the .drv of zlib
              cairn build --check hello zlib           rebuild and compare bit for bit
              cairn build -S hello                     fetch hello's source
              cairn build --sources=transitive hello   and every source it is built from
              cairn build /cairn/store/…-hello-2.12.drv
              cairn build -M 4 -c 2 -k A.drv B.drv     four builds at once, keep going on failure
              cairn build -n A.drv                     list what would be built
              cairn build --check -K A.drv             rebuild and compare; keep a differing result
              cairn build --log-file A.drv             print where the build log is
              cairn build -e '(use-modules (cairn core store))
                (derivation "x" "/bin/sh" (list "-c" "echo hi > $out"))'
              cairn build -d -f hello.scm              evaluate only: print the .drv path
            """)

    @Option(name: [.customShort("e"), .customLong("expression")], help: ArgumentHelp(
        "Build what EXPR evaluates to.", valueName: "EXPR"))
    var expressions: [String] = []

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp(
        "Build what the last form of FILE evaluates to.", valueName: "FILE"))
    var schemeFiles: [String] = []

    @Flag(name: [.customShort("d"), .customLong("derivations")], help: "Print the derivation paths, and build nothing.")
    var derivationsOnly = false

    @Flag(name: [.customShort("S"), .customLong("source")], help: "Build the source of each PACKAGE instead of the package.")
    var source = false

    enum SourceType: String, ExpressibleByArgument, CaseIterable { case package, all, transitive }

    @Option(help: ArgumentHelp(
        "Build sources instead: of each PACKAGE (package), with its inputs' (all), or of everything it is built from (transitive).",
        valueName: "TYPE"))
    var sources: SourceType?

    @Option(name: [.customShort("L"), .customLong("load-path")], help: ArgumentHelp(
        "Add DIR to the front of the module load path (also CAIRN_LOAD_PATH).", valueName: "DIR"))
    var loadPath: [String] = []

    @Option(name: [.customShort("M"), .customLong("max-jobs")], help: ArgumentHelp(
        "Run up to N builds at once.", valueName: "N"))
    var maxJobs = 1

    @Option(name: [.customShort("c"), .customLong("cores")], help: ArgumentHelp(
        "Let each build use N cores ($CAIRN_BUILD_CORES; 0: all).", valueName: "N"))
    var cores = 0

    @Flag(name: [.customShort("K"), .customLong("keep-failed")], help: "Keep the build directory of failed builds (and, with --check, a differing result).")
    var keepFailed = false

    @Flag(name: [.customShort("k"), .customLong("keep-going")], help: "Keep building what does not depend on a failed build.")
    var keepGoing = false

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Print what would be built, and build nothing.")
    var dryRun = false

    @Flag(help: "Rebuild derivations whose outputs are valid and compare them bit for bit.")
    var check = false

    @Option(help: ArgumentHelp("Build each derivation N times and compare the results.", valueName: "N"))
    var rounds = 1

    @Option(help: ArgumentHelp("Kill a build that runs longer than SECONDS.", valueName: "SECONDS"))
    var timeout: Int?

    @Option(name: .customLong("max-silent-time"), help: ArgumentHelp(
        "Kill a build that prints nothing for SECONDS.", valueName: "SECONDS"))
    var maxSilentTime: Int?

    @Flag(name: .customLong("log-file"), help: "Print the build log path of each derivation instead of building.")
    var logFile = false

    @Flag(name: [.customShort("q"), .customLong("quiet")], help: "Print only errors and the output paths.")
    var quiet = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Packages (name[@version][:output]) or derivations (.drv store paths) to build.", valueName: "PACKAGE-or-FILE.drv"))
    var files: [String] = []

    /// Arguments naming a file (a path or a `.drv`) rather than a package.
    private static func isFileArgument(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".drv")
    }

    func validate() throws {
        if files.isEmpty && expressions.isEmpty && schemeFiles.isEmpty {
            throw ValidationError("missing PACKAGE or FILE.drv argument, -e EXPR or -f FILE")
        }
        if maxJobs < 1 { throw ValidationError("--max-jobs must be at least 1") }
        if cores < 0 { throw ValidationError("--cores must be 0 (all) or more") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if let timeout, timeout < 1 { throw ValidationError("--timeout must be at least 1 second") }
        if let maxSilentTime, maxSilentTime < 1 { throw ValidationError("--max-silent-time must be at least 1 second") }
    }

    func run() throws {
        let store = try global.openStore()
        if quiet { Diagnostics.verbosity = 0 }
        var roots: [StorePath] = []
        /// Outputs asked for by `PACKAGE:OUTPUT`; other roots print all theirs.
        var wanted: [StorePath: [String]] = [:]
        for file in files where Self.isFileArgument(file) {
            let path = try store.storePath(forUserPath: ProcessEnvironment.absolutePath(file))
            guard Derivation.name(ofDerivationAt: path) != nil else {
                throw BuildError.notADerivation(path: store.absolute(path))
            }
            roots.append(path)
        }
        var storeFiles: [String] = []
        if !expressions.isEmpty || !schemeFiles.isEmpty || files.contains(where: { !Self.isFileArgument($0) }) {
            let targets = try evaluateTargets(store)
            var known = Set(roots)
            for target in targets {
                switch target {
                case .derivation(let drv, let outputs):
                    let first = known.insert(drv.path).inserted
                    if first { roots.append(drv.path) }
                    // `zlib zlib:static`: one target asking for all outputs wins.
                    if let outputs, first || wanted[drv.path] != nil {
                        wanted[drv.path, default: []] += outputs
                    } else {
                        wanted[drv.path] = nil
                    }
                case .storeFile(let file): storeFiles.append(file)
                }
            }
        }
        if derivationsOnly {
            // One write: a collection's thousands of lines, one system call each, add up.
            var text = ""
            for root in roots { text += store.absolute(root) + "\n" }
            for file in storeFiles { text += file + "\n" }
            try StandardStreams.output.write(text)
            return
        }
        if logFile {
            for root in roots {
                let log = BuildLog.path(logs: store.layout.logs, derivation: root.baseName)
                guard FileSystem.exists(log) else { throw BuildCommandError.noLog(store.absolute(root)) }
                try StandardStreams.output.write(log + "\n")
            }
            return
        }
        var options = BuildOptions()
        options.maxJobs = maxJobs
        options.cores = cores == 0 ? Self.onlineCores() : cores
        options.keepFailed = keepFailed
        options.keepGoing = keepGoing
        options.timeout = timeout
        options.maxSilentTime = maxSilentTime
        options.check = check
        options.rounds = rounds
        options.streamLogs = Diagnostics.verbosity >= 2
        options.builtins = BuiltinRegistry(Self.builtins)

        let scheduler = Scheduler(store: store, options: options, progress: BuildProgress())
        let plan = try scheduler.plan(roots)
        if dryRun {
            if !plan.isEmpty {
                Diagnostics.writeStandardError(
                    "\(plan.nodes.count == 1 ? "this derivation" : "these \(plan.nodes.count) derivations") would be built:\n")
                for node in plan.nodes { try StandardStreams.output.write("  " + store.absolute(node.path) + "\n") }
            }
            return
        }
        try scheduler.run(plan)
        for file in storeFiles { try StandardStreams.output.write(file + "\n") }
        for root in roots {
            let derivation = try store.readDerivation(at: root)
            for name in derivation.sortedOutputNames where wanted[root].map({ $0.contains(name) }) ?? true {
                guard let path = derivation.outputs[name]?.path else { continue }
                try StandardStreams.output.write(store.absolute(path) + "\n")
            }
        }
    }

    /// Evaluates `-e` and `-f` on the Scheme thread (the store is open, so a
    /// rootless mapping is already in place: entering it needs one thread).
    private func evaluateTargets(_ store: LocalStore) throws -> [Evaluator.Target] {
        let interpreter = SchemeHost.makeInterpreter(
            loadPath: loadPath, withChannel: true,
            // An expression on the command line is the user's own: it may read the working directory.
            evaluating: schemeFiles + (expressions.isEmpty ? [] : [ProcessEnvironment.currentDirectory + "/-e"]))
        let evaluator = Evaluator(interpreter: interpreter, session: SchemeHost.session(store))
        let result: Result<[Evaluator.Target], any Error> = StackGuard.withLargeStack {
            Result {
                var targets: [Evaluator.Target] = []
                for expression in expressions {
                    targets += try evaluator.targets(of: try evaluator.evaluate(expression: expression), origin: "the expression")
                }
                for file in schemeFiles {
                    targets += try evaluator.targets(of: try evaluator.evaluate(file: file), origin: file)
                }
                let specs = files.filter { !Self.isFileArgument($0) }
                if !specs.isEmpty {
                    let collection = try evaluator.packageCollection(channel: SchemeHost.defaultChannel(), userDirectories: SchemeHost.userDirectories(loadPath))
                    for spec in specs {
                        targets += try evaluator.targets(ofPackage: spec, in: collection, sources: sources?.rawValue ?? (source ? "package" : nil))
                    }
                }
                return targets
            }
        }
        return try result.get()
    }

    /// The builtin builders this `cairn` provides (ARCHITECTURE.md §4).
    static let builtins: [any BuiltinBuilder] = [FetchURLBuiltin(), UnpackDebsBuiltin(), ProfileBuiltin()]

    static func onlineCores() -> Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

enum BuildCommandError: UserFacingError {
    case noLog(String)

    var message: String {
        switch self {
        case .noLog(let drv): "no build log for '\(drv)'"
        }
    }

    var hint: String? {
        "the log is written when the derivation is built here; build it with 'cairn build'"
    }
}

extension BuildCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { files += operands }
}
