import ArgumentParser
import Basics
import Glibc
import Packages
import Profiles
import Scheme
import Store

struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Run a command (or a shell) in an environment made of the given packages.",
        discussion: """
            The environment is a profile of the packages, built if needed and cached under
            ~/.cache/cairn/profiles: the same request starts at once, until a file that
            decided it (a manifest, a file it loads, a package module, the channel) changes.
            With no package, manifest or file, a `manifest.scm` (as -m) or a `cairn.scm`
            (as -D -f: the inputs of the package it defines) in the working directory is
            used, once the directory is listed in ~/.config/cairn/shell-authorized-directories.
            The command's exit status and signals are its own.

            Examples:
              cairn shell hello -- hello
              cairn shell -m manifest.scm -- make
              cairn shell --pure -E '^LANG$' coreutils grep -- env
              cairn shell -D hello              # a shell to hack on GNU hello
              cairn shell hello --search-paths  # the variables, to source elsewhere
              cairn shell -r ./env hello        # ./env is a GC root on the profile
              cairn shell --check hello         # does ~/.bashrc change PATH?
              cairn shell -C -m manifest.scm -- make   # only the environment and this directory
              cairn shell -C -N --share=$HOME/results -m manifest.scm -- make
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var modules: PackageModuleOptions
    @OptionGroup(title: "Containers") var containerOptions: ContainerOptions

    @Option(name: [.customShort("m"), .customLong("manifest")], help: ArgumentHelp("Add what the manifest FILE describes.", valueName: "FILE"))
    var manifests: [String] = []

    @Option(name: [.customShort("D"), .customLong("development")], help: ArgumentHelp(
        "Add the inputs of PACKAGE, to develop it (with -f FILE: of what FILE evaluates to).", valueName: "PACKAGE"))
    var development: [String] = []

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp("Add the package(s) FILE evaluates to.", valueName: "FILE"))
    var files: [String] = []

    @Option(name: [.customShort("e"), .customLong("expression")], help: ArgumentHelp("Add the package(s) EXPR evaluates to.", valueName: "EXPR"))
    var expressions: [String] = []

    @Flag(help: "Unset the environment variables but those a session needs (HOME, USER, TERM …) and those -E keeps.")
    var pure = false

    @Option(name: [.customShort("E"), .customLong("preserve")], help: ArgumentHelp("With --pure, keep the variables matching REGEXP.", valueName: "REGEXP"))
    var preserve: [String] = []

    @Flag(name: .customLong("search-paths"), help: "Print the variables the environment sets, and exit.")
    var searchPaths = false

    @Option(name: [.customShort("r"), .customLong("root")], help: ArgumentHelp("Make FILE a symlink to the profile, and a GC root.", valueName: "FILE"))
    var root: String?

    @Flag(help: "Check that the shell's startup files leave the environment's variables alone, then go on.")
    var check = false

    @Flag(name: .customLong("rebuild-cache"), help: "Make the profile again, even if the cache has it.")
    var rebuildCache = false

    @Argument(help: ArgumentHelp("Packages (name[@version][:output]) to add.", valueName: "PACKAGE"))
    var packages: [String] = []

    /// What follows `--`: the command and its arguments (default: $SHELL).
    /// The runner takes it off the command line before parsing, since
    /// ArgumentParser cannot have two lists of operands.
    nonisolated(unsafe) static var command: [String] = []

    func run() throws {
        let layout = try global.layout()
        global.apply()
        let request = try self.request()
        let key = ShellCache.key(Self.cacheKeyParts(request, layout: layout, loadPath: modules.loadPath))
        let cache = ShellCache.standard()
        var item = rebuildCache ? nil : cache?.lookup(key)
        if item == nil { item = try makeProfile(request, layout: layout, cache: cache, key: key) }
        guard let item else { return }
        if let root {
            let store = try LocalStore(layout: layout)
            let link = ProcessEnvironment.absolutePath(root)
            if let status = try FileSystem.linkStatus(link) {
                guard FileSystem.kind(of: status) == .symlink else { throw ShellError.rootExists(link) }
                try FileSystem.removeFile(link)
            }
            try FileSystem.symlink(target: item, at: link)
            try store.addIndirectRoot(link: link)
        }
        if searchPaths {
            let manifest = try ProfileManifest.read(profileItem: item)
            let lines = ProfileManifest.searchPathLines(profiles: [item], specs: manifest.searchPaths, kind: pure ? "exact" : "prefix")
            try StandardStreams.output.write(lines.map { $0 + "\n" }.joined())
            return
        }
        let preserved = try Self.regexes(preserve)
        if check && !containerOptions.container {
            let manifest = try ProfileManifest.read(profileItem: item)
            let environment = ShellEnvironment.make(
                base: ProcessEnvironment.all(), profile: item, searchPaths: manifest.searchPaths, pure: pure, preserve: preserved)
            let expected = Set(manifest.searchPaths.map(\.variable)).filter { environment[$0] != nil }.sorted()
            ShellCheck.run(shell: ProcessEnvironment.value("SHELL") ?? "/bin/sh", environment: environment, expected: expected)
        }
        var shell: String?
        if containerOptions.container && !FileSystem.exists(item + "/bin/sh") {
            shell = try containerShell(layout: layout, cache: cache)
        }
        try Self.enter(item, layout: layout, pure: pure, preserve: preserved,
                       container: containerOptions.container ? containerOptions.settings : nil, shell: shell)
    }

    static func regexes(_ patterns: [String]) throws -> [Regex<AnyRegexOutput>] {
        try patterns.map { pattern in
            do { return try Regex(pattern) } catch { throw ValidationError("invalid regular expression '\(pattern)': \(error)") }
        }
    }

    /// Runs the command in the environment `item` (or a container of it),
    /// in place of this process.
    static func enter(_ item: String, layout: StoreLayout, pure: Bool, preserve: [Regex<AnyRegexOutput>],
                      container: ContainerSettings?, shell: String?) throws -> Never {
        let manifest = try ProfileManifest.read(profileItem: item)
        if let container {
            let store = try LocalStore(layout: layout)
            try ShellContainer(options: container, profile: item, shell: shell, store: store,
                               searchPaths: manifest.searchPaths, preserve: preserve).run(command)
        }
        let environment = ShellEnvironment.make(
            base: ProcessEnvironment.all(), profile: item, searchPaths: manifest.searchPaths, pure: pure, preserve: preserve)
        let arguments = command.isEmpty ? [ProcessEnvironment.value("SHELL") ?? "/bin/sh"] : command
        try ShellExec.exec(arguments, environment: environment)
    }

    /// The request, from the options or from the working directory's files.
    private func request() throws -> ShellRequest {
        var request = ShellRequest()
        request.specifications = packages
        request.manifestFiles = manifests.map(ProcessEnvironment.absolutePath)
        request.expressions = expressions
        if development.isEmpty {
            request.packageFiles = files.map(ProcessEnvironment.absolutePath)
        } else {
            request.development = development
            request.developmentFiles = files.map(ProcessEnvironment.absolutePath)
        }
        if request.isEmpty { try ShellAuthorization.useWorkingDirectoryFiles(&request) }
        // As Guix adds glibc-for-fhs: the loader and libraries prebuilt programs look for.
        if containerOptions.container && containerOptions.emulateFHS { request.specifications.append("glibc") }
        return request
    }

    static func cacheKeyParts(_ request: ShellRequest, layout: StoreLayout, loadPath: [String]) -> [String] {
        var parts = evaluationKeyParts("cairn-shell-2", layout: layout, loadPath: loadPath) + [ProcessEnvironment.currentDirectory]
        for (label, values) in [("spec", request.specifications), ("m", request.manifestFiles), ("D", request.development),
                                ("f", request.packageFiles), ("Df", request.developmentFiles), ("e", request.expressions)] {
            parts += values.map { label + ":" + $0 }
        }
        return parts
    }

    /// What any cached evaluation depends on besides the files it read: this
    /// cairn, the store, the channel and the module path.
    static func evaluationKeyParts(_ kind: String, layout: StoreLayout, loadPath: [String]) -> [String] {
        [kind, CairnVersion.current, ShellExec.executableIdentity(), layout.storeDirectory.path, layout.stateDirectory,
         SchemeHost.defaultChannel() ?? ""] + SchemeHost.userDirectories(loadPath)
    }

    /// The store item of the channel's bash, for a container's /bin/sh: built
    /// once, then cached as environments are (keyed by the channel, checked
    /// against the files its evaluation read).
    static func containerShellKey(layout: StoreLayout, loadPath: [String]) -> String {
        ShellCache.key(evaluationKeyParts("cairn-container-shell-1", layout: layout, loadPath: loadPath))
    }

    private func containerShell(layout: StoreLayout, cache: ShellCache?) throws -> String? {
        let key = Self.containerShellKey(layout: layout, loadPath: modules.loadPath)
        if !rebuildCache, let item = cache?.lookup(key) { return item }
        let store = try LocalStore(layout: layout)
        let interpreter = SchemeHost.makeInterpreter(loadPath: modules.loadPath, withChannel: true)
        let evaluator = Evaluator(interpreter: interpreter, session: SchemeHost.session(store))
        let result: Result<(DerivationObject, [String]), any Error> = StackGuard.withLargeStack {
            Result { try evaluator.recordingFileReads { try evaluator.containerShell() } }
        }
        let (derivation, read) = try result.get()
        guard let item = try ProfileOperations.realise(store, derivation) else { return nil }
        if let cache {
            let link = try cache.store(key, item: item, inputs: read)
            try store.addIndirectRoot(link: link)
        }
        return item
    }

    /// Evaluates, builds and caches the profile; returns its store item.
    private func makeProfile(_ request: ShellRequest, layout: StoreLayout, cache: ShellCache?, key: String) throws -> String? {
        let store = try LocalStore(layout: layout)
        let loadPath = modules.loadPath
        let interpreter = SchemeHost.makeInterpreter(loadPath: loadPath, withChannel: true,
                                                     evaluating: request.manifestFiles + request.packageFiles + request.developmentFiles)
        let evaluator = Evaluator(interpreter: interpreter, session: SchemeHost.session(store))
        let channel = SchemeHost.defaultChannel(), directories = SchemeHost.userDirectories(loadPath)
        let result: Result<(DerivationObject, [String]), any Error> = StackGuard.withLargeStack {
            Result {
                let (derivation, read) = try evaluator.recordingFileReads { () throws -> DerivationObject in
                    let collection = try evaluator.packageCollection(channel: channel, userDirectories: directories)
                    evaluator.enableSpecifications(channel: channel, userDirectories: directories, known: collection)
                    return try evaluator.shellProfile(request, collection: collection)
                }
                return (derivation, read)
            }
        }
        let (derivation, read) = try result.get()
        guard let item = try ProfileOperations.realise(store, derivation) else { return nil }
        if let cache {
            // The package directories too: a package file added there changes what names resolve to.
            let packageDirectories = (channel.map { [$0 + "/cairn/packages"] } ?? []) + directories
            let inputs = read + request.manifestFiles + request.packageFiles + request.developmentFiles + packageDirectories
            let link = try cache.store(key, item: item, inputs: inputs)
            try store.addIndirectRoot(link: link)
        }
        return item
    }
}

package enum ShellError: UserFacingError {
    case rootExists(String)
    case notAuthorized(directory: String, file: String)
    case commandNotFound(String)

    package var message: String {
        switch self {
        case .rootExists(let path): "\(path) exists and is not a symlink; not replacing it with a GC root"
        case .notAuthorized(let directory, let file): "not loading \(file) from \(directory), which is not authorised"
        case .commandNotFound(let name): "\(name): command not found in the environment"
        }
    }

    package var hint: String? {
        switch self {
        case .rootExists: "give -r a new file name"
        case .notAuthorized(let directory, _):
            "if you trust the files there, authorise the directory:\n  echo \(directory) >> ~/.config/cairn/shell-authorized-directories\nor give the packages, -m or -f explicitly"
        case .commandNotFound: "add the package that provides it, or check the name"
        }
    }
}
