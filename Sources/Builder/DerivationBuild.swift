import Basics
import Glibc
import Sandbox
import Store
import StoreFormats

/// How builds run, from the command line (Guix's and Nix's options).
package struct BuildOptions: Sendable {
    package var maxJobs = 1
    package var cores = 1
    package var keepFailed = false
    package var keepGoing = false
    /// Seconds a build may run / stay silent before it is killed.
    package var timeout: Int?
    package var maxSilentTime: Int?
    /// Copy build logs to stderr as they come.
    package var streamLogs = false
    /// Rebuild derivations whose outputs are valid and compare.
    package var check = false
    /// Build each derivation this many times and compare the results.
    package var rounds = 1
    package var builtins = BuiltinRegistry()

    package init() {}
}

/// One realisation of one derivation: prepare the sandbox, run the builder
/// with its log supervised, collect and check the outputs and register them
/// (or, for `--check`, compare them with the registered ones). Runs on a
/// thread of its own (the builder blocks it); touches the store only
/// through `SharedStore`.
final class DerivationBuild {
    let store: SharedStore
    let path: StorePath
    let derivation: Derivation
    let options: BuildOptions
    let progress: BuildProgress?
    private let drvPath: String
    private let storeDirectory: StoreDirectory

    init(store: SharedStore, path: StorePath, derivation: Derivation, options: BuildOptions, progress: BuildProgress?) {
        self.store = store
        self.path = path
        self.derivation = derivation
        self.options = options
        self.progress = progress
        storeDirectory = store.layout.storeDirectory
        drvPath = path.absolute(in: store.layout.storeDirectory)
    }

    var logPath: String { BuildLog.path(logs: store.layout.logs, derivation: path.baseName) }

    /// Builds and registers the outputs. `compare` instead rebuilds outputs
    /// that are valid and throws `notDeterministic` when one differs.
    func run(compare: Bool) throws {
        guard BuildEnvironment.canBuild(system: derivation.system) else {
            throw BuildError.wrongSystem(derivation: drvPath, system: derivation.system, host: BuildEnvironment.hostSystem)
        }
        var outputs: [String: StorePath] = [:]
        for (name, output) in derivation.outputs {
            guard let path = output.path else { throw DerivationError.notADerivationPath(drvPath) }
            outputs[name] = path
        }
        let closure = try inputClosure()
        let scratch = try store.with { try $0.scratchPath() }
        guard mkdir(scratch, 0o755) == 0 else { throw SystemError("create the build's scratch directory", scratch) }
        var keepScratch = false
        defer { if !keepScratch { _ = try? FileSystem.removeTree(scratch) } }
        // The inputs' mount points are recycled before the scratch is removed.
        let inputPaths = closure.map { $0.absolute(in: storeDirectory) }
        if BuiltinRegistry.builtinName(of: derivation.builder) == nil {
            store.mountPoints.place(inputPaths, in: scratch)
        }
        defer { store.mountPoints.recycle(inputPaths, from: scratch, area: { try store.with { try $0.scratchPath() } }) }
        let written = outputs.mapValues { scratch + "/" + $0.baseName }
        try realise(closure: closure, scratch: scratch, outputs: written)

        let collector = OutputCollector(
            derivationPath: drvPath, derivationStorePath: path, derivation: derivation, outputs: outputs,
            written: written, inputClosure: closure, storeDirectory: storeDirectory)
        let infos = try collector.collect { try store.with { try $0.database.referenceGraph() } }
        if compare {
            keepScratch = try self.compare(infos, written: written)
        } else {
            try register(infos, written: written)
        }
    }

    /// Paths the build may see: its sources and the outputs it uses of its
    /// input derivations (which must be valid), with their closure.
    private func inputClosure() throws -> [StorePath] {
        try store.with { store in
            var inputs = Set(derivation.inputSources)
            for (input, names) in derivation.inputDerivations.sorted(by: { $0.key < $1.key }) {
                let inputDerivation = try store.readDerivation(at: input)
                for name in names.sorted() {
                    guard let output = inputDerivation.outputs[name]?.path, try store.isValid(output) else {
                        throw StoreError.derivationInputMissing(
                            derivation: drvPath, input: "\(input.absolute(in: storeDirectory))!\(name)")
                    }
                    inputs.insert(output)
                }
            }
            for input in inputs { try store.addTemporaryRoot(input) }
            // Asked of the database: loading the whole reference graph for
            // every build would make a large store slow to build in.
            let closure = try store.unorderedClosure(of: inputs)
            return closure.sorted()
        }
    }

    // MARK: Running the builder

    private func realise(closure: [StorePath], scratch: String, outputs: [String: String]) throws {
        let log = try BuildLog(logs: store.layout.logs, derivation: path.baseName, echo: options.streamLogs)
        defer { log.finish() }
        let buildDirectory = try BuildDirectory(derivationName: derivation.name)
        let hostBuildDirectory = buildDirectory.path
        var keep = false
        defer {
            let kept = buildDirectory.finish(keep: keep)
            if keep { Diagnostics.info("note: keeping build directory '\(kept)'") }
        }
        do {
            if derivation.builder == BuildSideRunner.builderName {
                let runner = try BuildSideRunner.located()
                try runSandboxed(closure: closure, scratch: scratch, buildDirectory: hostBuildDirectory, log: log, runner: runner)
            } else if let name = BuiltinRegistry.builtinName(of: derivation.builder) {
                try runBuiltin(name, outputs: outputs, buildDirectory: hostBuildDirectory, log: log)
            } else {
                try runSandboxed(closure: closure, scratch: scratch, buildDirectory: hostBuildDirectory, log: log)
            }
        } catch {
            keep = options.keepFailed
            throw error
        }
    }

    private func runBuiltin(_ name: String, outputs: [String: String], buildDirectory: String, log: BuildLog) throws {
        guard let builtin = options.builtins.builder(named: name) else {
            throw BuildError.unknownBuiltin(derivation: drvPath, name: name, known: options.builtins.names)
        }
        let environment = BuildEnvironment.variables(
            for: derivation, buildDirectory: buildDirectory, storeDirectory: storeDirectory, cores: options.cores)
        let lines = LineSink(log: log, progress: progress, path: path)
        let context = BuiltinContext(
            derivation: derivation, derivationPath: drvPath, outputs: outputs, environment: environment,
            buildDirectory: buildDirectory, log: { lines.append($0) })
        do {
            try builtin.build(context)
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError.builtinFailed(derivation: drvPath, name: name, reason: (error as? any UserFacingError)?.message ?? "\(error)")
        }
    }

    private func runSandboxed(closure: [StorePath], scratch: String, buildDirectory: String, log: BuildLog, runner: BuildSideRunner? = nil) throws {
        let inside = BuildEnvironment.insideBuildDirectory(derivationName: derivation.name)
        let closureSet = Set(closure)
        var fhsRoot: String?
        if let value = derivation.environment[BuildEnvironment.fhsRootVariable] {
            guard let root = try? storeDirectory.parse(value), closureSet.contains(root) else {
                throw BuildError.invalidFHSRoot(derivation: drvPath, value: value)
            }
            fhsRoot = root.absolute(in: storeDirectory)
        }
        // Swept with the process's build directories if it is killed.
        let staging = try BuildDirectory.processDirectory()
        var descriptors: [Int32] = [0, 0]
        // pipe2 is not exported without _GNU_SOURCE. A descriptor caught by
        // another thread's spawn in between is harmless: the sandbox closes
        // every inherited descriptor before it runs a builder.
        guard pipe(&descriptors) == 0 else { throw SystemError("create a pipe for the log of", drvPath) }
        for fd in descriptors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let reader = OpenFile(adopting: descriptors[0], path: logPath)
        // The store directory inside is the scratch directory: the builder
        // creates its outputs there (a file or a tree, as it likes), and the
        // inputs are read-only mounts inside it. Nothing it writes elsewhere
        // in that directory reaches the store.
        let command = runner?.command(derivation.arguments) ?? (program: derivation.builder, arguments: derivation.arguments)
        let spec = SandboxSpec(
            builder: command.program,
            arguments: command.arguments,
            environment: BuildEnvironment.variables(
                for: derivation, buildDirectory: inside, storeDirectory: storeDirectory, cores: options.cores),
            workingDirectory: inside,
            readOnlyPaths: closure.map { SandboxSpec.Binding($0.absolute(in: storeDirectory)) } + (runner?.bindings() ?? []),
            writablePaths: [
                SandboxSpec.Binding(buildDirectory, at: inside),
                SandboxSpec.Binding(scratch, at: storeDirectory.path),
            ],
            fhsRoot: fhsRoot,
            network: derivation.fixedOutput != nil ? .host : .isolated,
            standardOutput: descriptors[1],
            standardError: descriptors[1],
            stagingDirectory: staging)
        let build: SandboxedBuild
        do {
            build = try spec.start()
        } catch let error as SandboxError {
            close(descriptors[1])
            throw BuildError.sandbox(derivation: drvPath, error)
        } catch {
            close(descriptors[1])
            throw error
        }
        // Only the builder holds the write end now: the log ends when every
        // process of the build has ended.
        close(descriptors[1])
        let killed = supervise(build, reading: reader, into: log)
        let termination = try build.wait()
        switch killed {
        case .timeout(let seconds):
            throw BuildError.timedOut(derivation: drvPath, seconds: seconds, log: logPath)
        case .silence(let seconds):
            throw BuildError.silentTooLong(derivation: drvPath, seconds: seconds, log: logPath)
        case nil:
            guard termination.succeeded else {
                throw BuildError.builderFailed(derivation: drvPath, how: termination.description, log: logPath, lastLines: log.failureExcerpt)
            }
        }
    }

    enum KillReason { case timeout(Int), silence(Int) }

    /// Copies the builder's output into the log until every process of the
    /// build has closed it (the builder's end kills them all), killing the
    /// build when it runs or stays silent too long.
    private func supervise(_ build: SandboxedBuild, reading reader: OpenFile, into log: BuildLog) -> KillReason? {
        let started = Self.now()
        var lastOutput = started
        var reason: KillReason?
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let lines = LineSink(log: log, progress: progress, path: path)
        while true {
            var poller = pollfd(fd: reader.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 500)
            let now = Self.now()
            if ready > 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(reader.fd, $0.baseAddress, $0.count) }
                if count == 0 { break }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    break
                }
                lastOutput = now
                buffer.withUnsafeBytes { lines.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            } else if ready < 0 && errno != EINTR {
                break
            }
            guard reason == nil else { continue }
            if let timeout = options.timeout, now - started >= Double(timeout) {
                reason = .timeout(timeout)
            } else if let silence = options.maxSilentTime, now - lastOutput >= Double(silence) {
                reason = .silence(silence)
            }
            if reason != nil { build.kill(SIGKILL) }
        }
        return reason
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    // MARK: After the build

    /// Moves every output into the store and registers them in one
    /// transaction, with the derivation as deriver: all become valid or none.
    private func register(_ infos: [PathInfo], written: [String: String]) throws {
        let locations = Dictionary(
            derivation.outputs.compactMap { name, output in output.path.map { ($0, written[name] ?? "") } },
            uniquingKeysWith: { a, _ in a })
        try store.with { store in
            try store.withWriteLock {
                for info in infos { try store.addTemporaryRoot(info.path) }
                let locks = try store.lockItems(infos.map(\.path))
                defer { locks.unlock() }
                // Made valid meanwhile by another route (an import): keep those.
                let missing = try infos.filter { try !store.isValid($0.path) }
                var moved: [String] = []
                do {
                    for info in missing {
                        let destination = store.absolute(info.path)
                        // Left by a process killed between rename and registration: garbage.
                        if FileSystem.exists(destination) { try FileSystem.removeTree(destination) }
                        try FileSystem.rename(locations[info.path] ?? "", destination)
                        moved.append(destination)
                        try TreeRestorer.finishRoot(destination)
                    }
                    let time = Int64(Glibc.time(nil))
                    try store.database.register(missing.map { var info = $0; info.registrationTime = time; return info })
                } catch {
                    for destination in moved { _ = try? FileSystem.removeTree(destination) }
                    throw error
                }
            }
        }
    }

    /// `--check`: compares the new outputs with the registered ones by NAR
    /// hash. Returns whether the scratch copy is kept (with `-K`, as
    /// `OUT.check` next to the output, as Nix keeps it).
    private func compare(_ infos: [PathInfo], written: [String: String]) throws -> Bool {
        for info in infos {
            let registered = try store.with { try $0.pathInfo(info.path) }
            guard registered.narHash != info.narHash else { continue }
            let name = derivation.outputs.first { $0.value.path == info.path }?.key ?? "out"
            let location = written[name] ?? ""
            let original = info.path.absolute(in: storeDirectory)
            let differences = TreeComparison.differences(original, location)
            var kept: String?
            if options.keepFailed {
                let destination = original + ".check"
                _ = try? FileSystem.removeTree(destination)
                if (try? FileSystem.rename(location, destination)) != nil {
                    try? TreeRestorer.finishRoot(destination)
                    kept = destination
                }
            }
            throw BuildError.notDeterministic(derivation: drvPath, output: name, differences: differences, kept: kept)
        }
        // Said on stderr even without -v: it is what --check was asked for.
        if Diagnostics.verbosity > 0 { Diagnostics.writeStandardError("'\(derivation.name)' is bit-reproducible: the rebuilt \(infos.count == 1 ? "output is" : "outputs are") identical\n") }
        return false
    }
}

/// Feeds the log and the status line from one build's output.
private final class LineSink: @unchecked Sendable {
    let log: BuildLog
    let progress: BuildProgress?
    let path: StorePath

    init(log: BuildLog, progress: BuildProgress?, path: StorePath) {
        self.log = log
        self.progress = progress
        self.path = path
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        log.append(bytes)
        progress?.update(path, lastLine: log.lastLine)
    }

    func append(_ line: String) {
        log.append(line: line)
        progress?.update(path, lastLine: line)
    }
}
