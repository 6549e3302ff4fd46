import Basics
import Scheme

/// What `cairn shell` puts in its environment, from its options.
package struct ShellRequest {
    /// `PACKAGE…` on the command line.
    package var specifications: [String] = []
    /// `-m FILE`: manifest files.
    package var manifestFiles: [String] = []
    /// `-D PACKAGE`: the inputs of a package, to develop it.
    package var development: [String] = []
    /// `-f FILE`: files evaluating to a package or a list of packages.
    package var packageFiles: [String] = []
    /// `-D -f FILE`: the inputs of what the file evaluates to.
    package var developmentFiles: [String] = []
    /// `-e EXPR`: expressions evaluating to a package or a list of packages.
    package var expressions: [String] = []

    package init() {}

    package var isEmpty: Bool {
        specifications.isEmpty && manifestFiles.isEmpty && development.isEmpty
            && packageFiles.isEmpty && developmentFiles.isEmpty && expressions.isEmpty
    }
}

extension Evaluator {
    /// Runs `body` (on the Scheme thread) and returns the files Scheme
    /// read meanwhile: modules, loaded and opened files, local files.
    package func recordingFileReads<T>(_ body: () throws -> T) rethrows -> (T, [String]) {
        var read: [String] = []
        let runtime = interpreter.runtime
        let original = runtime.modules.readSource
        runtime.modules.readSource = { path in
            read.append(ProcessEnvironment.absolutePath(path))
            return try original(path)
        }
        FileReads.observer = { read.append(ProcessEnvironment.absolutePath($0)) }
        defer {
            runtime.modules.readSource = original
            FileReads.observer = nil
        }
        let result = try body()
        return (result, read)
    }

    /// The channel's bash, whose `bin/sh` becomes a container's `/bin/sh`
    /// when the environment has none, as Guix's containers get theirs.
    package func containerShell() throws -> DerivationObject {
        let value = try SchemeExecution.exclusively { try channelExport(["cairn", "packages", "bash"], "bash") }
        for target in try targets(of: value, origin: "bash") {
            if case .derivation(let drv, _) = target { return drv }
        }
        throw EvaluationError.notBuildable(origin: "the container's shell", value: value.written(limit: 80))
    }

    /// The derivation of the profile a shell request describes.
    package func shellProfile(_ request: ShellRequest, collection: PackageCollection) throws -> DerivationObject {
        try shellDerivation(request, collection: collection)
    }

    private func shellDerivation(_ request: ShellRequest, collection: PackageCollection) throws -> DerivationObject {
        _ = try evaluate(expression: "(use-modules (cairn profiles) (cairn packages) (cairn gexp))")
        let runtime = interpreter.runtime
        let procedures = try SchemeExecution.exclusively { () throws -> [String: Value] in
            var found: [String: Value] = [:]
            for name in ["manifest?", "packages->manifest", "package->development-manifest", "specifications->manifest",
                         "concatenate-manifests", "profile-derivation"] {
                found[name] = try channelExport(["cairn", "profiles"], name)
            }
            return found
        }
        func call(_ name: String, _ arguments: [Value]) throws -> Value {
            try SchemeExecution.exclusively { try runtime.apply(procedures[name] ?? .false, arguments) }
        }
        // A package, or a list of packages.
        func packages(_ value: Value) -> Value { .list(value.listElements ?? [value]) }
        var manifests: [Value] = []
        if !request.specifications.isEmpty {
            manifests.append(try call("specifications->manifest", [.list(request.specifications.map { .string(SString($0)) })]))
        }
        for spec in request.development {
            let (entry, _) = try SchemeExecution.exclusively { try collection.resolve(spec) }
            manifests.append(try call("package->development-manifest", [entry.value]))
        }
        for file in request.manifestFiles {
            let value = try evaluate(file: file)
            guard try call("manifest?", [value]).isTrue else {
                throw ManifestFileError.notAManifest(file: file, value: value.written(limit: 80))
            }
            manifests.append(value)
        }
        for file in request.packageFiles {
            manifests.append(try call("packages->manifest", [packages(try evaluate(file: file))]))
        }
        for file in request.developmentFiles {
            let value = try evaluate(file: file)
            for package in value.listElements ?? [value] {
                manifests.append(try call("package->development-manifest", [package]))
            }
        }
        for expression in request.expressions {
            manifests.append(try call("packages->manifest", [packages(try evaluate(expression: expression))]))
        }
        let manifest = try call("concatenate-manifests", [.list(manifests)])
        return try SchemeExecution.exclusively { try session.store.withWriteLock {
            let value = try runtime.apply(procedures["profile-derivation"] ?? .false,
                                          [manifest])
            guard case .object(let host as HostObject) = value, let drv = host.value as? DerivationObject else {
                throw EvaluationError.notBuildable(origin: "profile-derivation", value: value.written(limit: 80))
            }
            return drv
        } }
    }
}
