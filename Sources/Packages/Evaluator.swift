import Basics
import Scheme
import Store
import StoreFormats

/// Evaluates what a command names with `-e EXPR` or `-f FILE` and turns the
/// values into things to build: derivations, or files already in the store.
/// Runs on the thread that runs Scheme (see `StackGuard.withLargeStack`).
package struct Evaluator {
    package let interpreter: Interpreter
    package let session: StoreSession

    package enum Target {
        /// A derivation and the outputs wanted from it (nil: all of them).
        case derivation(DerivationObject, outputs: [String]?)
        /// A file the evaluation put in the store (`local-file`, `plain-file` …).
        case storeFile(String)
    }

    package init(interpreter: Interpreter, session: StoreSession) {
        self.interpreter = interpreter
        self.session = session
        StoreBindings.register(on: interpreter.runtime, session: session)
    }

    /// Lets Scheme code look packages up by specification
    /// (`specification->package`, `specifications->manifest`): the
    /// collection is loaded on first use, and `known` when the command has it.
    package func enableSpecifications(channel: String?, userDirectories: [String], known: PackageCollection? = nil) {
        var collection = known
        let runtime = interpreter.runtime
        session.resolveSpecification = { spec in
            let loaded = try collection ?? PackageCollection(runtime: runtime, channel: channel, userDirectories: userDirectories)
            collection = loaded
            let (entry, output) = try loaded.resolve(spec)
            return (entry.value, output)
        }
    }

    /// The value of the expressions in `text`.
    package func evaluate(expression text: String) throws -> Value {
        try SchemeExecution.exclusively { try interpreter.evaluate(text, name: "<expression>") }
    }

    /// The value of the last form of the file at `path`, as `guix build -f` does.
    package func evaluate(file given: String) throws -> Value {
        // Absolute, so (current-source-directory) and local-file resolve against it.
        let path = ProcessEnvironment.absolutePath(given)
        return try SchemeExecution.exclusively {
            let runtime = interpreter.runtime
            let forms = try runtime.modules.readSource(path)
            let compiler = Compiler(runtime: runtime, module: runtime.modules.user)
            var result = Value.unspecified
            try forms.forEach { result = try runtime.evaluateToplevel($0, compiler: compiler) }
            return result
        }
    }

    /// What to build for `value`: a derivation, a list of things, or any
    /// value a gexp can refer to (a package lowers to its derivation).
    package func targets(of value: Value, origin: String) throws -> [Target] {
        try SchemeExecution.exclusively { try session.store.withBatchedReads { try targetsUnlocked(of: value, origin: origin) } }
    }

    /// The packages of the channel and the user's directories.
    package func packageCollection(channel: String?, userDirectories: [String]) throws -> PackageCollection {
        try SchemeExecution.exclusively {
            try PackageCollection(runtime: interpreter.runtime, channel: channel, userDirectories: userDirectories)
        }
    }

    /// What to build for a specification such as `zlib@1.2:static`: the
    /// package's derivation (only that output), or its source with `source`.
    /// With `sources` ("package", "all" or "transitive"), the sources
    /// instead, as `guix build --sources`.
    package func targets(ofPackage spec: String, in collection: PackageCollection, sources: String? = nil) throws -> [Target] {
        // The GC lock is held for the whole lowering: each item it adds needs
        // a temp root, and under the lock they are written once, at the end.
        try SchemeExecution.exclusively { try session.store.withBatchedReads {
            let (entry, output) = try collection.resolve(spec)
            if let sources {
                let packages = try interpreter.runtime.modules.resolve(["cairn", "packages"].map { Symbol.intern($0) })
                guard let procedure = packages.exports[Symbol.intern("package-sources")]?.value else { return [] }
                let value = try interpreter.runtime.apply(procedure, [entry.value, .symbol(Symbol.intern(sources))])
                guard value.listElements?.isEmpty == false else { throw PackageError.noSource(package: entry.fullName) }
                return try targetsUnlocked(of: value, origin: "the sources of \(entry.fullName)")
            }
            let targets = try targetsUnlocked(of: entry.value, origin: entry.fullName)
            guard let output else { return targets }
            return try targets.map { target in
                guard case .derivation(let drv, _) = target else { return target }
                guard drv.derivation.outputs[output] != nil else {
                    throw PackageError.noOutput(package: entry.fullName, output: output, outputs: drv.derivation.sortedOutputNames)
                }
                return .derivation(drv, outputs: [output])
            }
        } }
    }

    private func targetsUnlocked(of value: Value, origin: String) throws -> [Target] {
        if case .object(let host as HostObject) = value, let drv = host.value as? DerivationObject {
            return [.derivation(drv, outputs: nil)]
        }
        if case .pair = value, let elements = value.listElements {
            return try elements.flatMap { try targetsUnlocked(of: $0, origin: origin) }
        }
        if case .string(let text) = value, session.storeDirectory.isInStore(text.string) {
            return [.storeFile(text.string)]
        }
        var lowering = GexpLowering(runtime: interpreter.runtime)
        do {
            _ = try lowering.lowerValue(value, output: nil)
        } catch let error as SchemeError where error.who == "gexp" {
            throw EvaluationError.notBuildable(origin: origin, value: value.written(limit: 80))
        }
        if lowering.inputs.isEmpty && lowering.sources.isEmpty {
            throw EvaluationError.notBuildable(origin: origin, value: value.written(limit: 80))
        }
        var targets: [Target] = []
        for input in lowering.inputs {
            if let drv = input.object.value as? DerivationObject {
                targets.append(.derivation(drv, outputs: input.output.map { [$0] }))
            }
        }
        if targets.isEmpty { targets = lowering.sources.map { .storeFile($0) } }
        return targets
    }
}

package enum EvaluationError: UserFacingError {
    case notBuildable(origin: String, value: String)

    package var message: String {
        switch self {
        case .notBuildable(let origin, let value): "\(origin) evaluates to \(value), which is not something to build"
        }
    }

    package var hint: String? {
        "it should evaluate to a package, a derivation, a file-like object (local-file, plain-file, computed-file …) or a list of them"
    }

    package var description: String { message }
}
