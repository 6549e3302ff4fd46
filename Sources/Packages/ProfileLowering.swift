import Basics
import Scheme

/// A change to a profile, as `cairn package -i/-r/-u` asks for it: the new
/// manifest is made and lowered by `(cairn profiles)`, so the profile's
/// derivation is decided by the channel.
package struct ProfileChange {
    /// The text of the current generation's `manifest` (nil: empty profile).
    package var currentManifest: String?
    /// Package specifications to install (`hello`, `zlib@1.2:static`).
    package var install: [String] = []
    /// `NAME[:OUTPUT]` of installed entries to remove.
    package var remove: [String] = []
    /// Installed entries whose name matches are replaced by the newest package of that name.
    package var upgrade: Regex<AnyRegexOutput>?
    package var allowCollisions = false

    package init(currentManifest: String?) {
        self.currentManifest = currentManifest
    }

    /// What the change does, to tell the user before building.
    package struct Step {
        package enum Kind: String { case install = "installed", remove = "removed", upgrade = "upgraded" }
        package let kind: Kind
        package let name: String
        package let version: String
        package let output: String
        package let item: String
    }
}

package enum ProfileChangeError: UserFacingError {
    case notInstalled(String)

    package var message: String {
        switch self {
        case .notInstalled(let spec): "package '\(spec)' not found in profile"
        }
    }

    package var hint: String? { "list what the profile holds with 'cairn package -I'" }
}

package enum ManifestFileError: UserFacingError {
    case notAManifest(file: String, value: String)

    package var message: String {
        switch self {
        case .notAManifest(let file, let value): "\(file) evaluates to \(value), not a manifest"
        }
    }

    package var hint: String? {
        "end the file with a manifest, such as (specifications->manifest (list \"hello\" \"zlib\"))"
    }
}

extension Evaluator {
    /// The derivation of the profile after `change`, and its steps.
    package func profileDerivation(_ change: ProfileChange, collection: PackageCollection) throws
        -> (derivation: DerivationObject, steps: [ProfileChange.Step])
    {
        try SchemeExecution.exclusively { try session.store.withWriteLock {
            let runtime = interpreter.runtime
            func call(_ name: String, _ arguments: [Value]) throws -> Value {
                try runtime.apply(try channelExport(["cairn", "profiles"], name), arguments)
            }
            func text(_ value: Value) -> String { if case .string(let s) = value { return s.string } else { return value.displayed } }

            var manifest = try call("make-manifest", [.null])
            if let current = change.currentManifest {
                let forms = try Reader.readAll(text: current, file: SourceFile(name: "<profile manifest>", text: current))
                if let form = forms.first { manifest = try call("sexp->manifest", [form]) }
            }
            let installed = try call("manifest-entries", [manifest]).listElements ?? []
            func describe(_ entry: Value, _ kind: ProfileChange.Step.Kind) throws -> ProfileChange.Step {
                ProfileChange.Step(kind: kind, name: text(try call("manifest-entry-name", [entry])),
                                   version: text(try call("manifest-entry-version", [entry])),
                                   output: text(try call("manifest-entry-output", [entry])),
                                   item: text(try call("manifest-entry-item-path", [entry])))
            }
            var steps: [ProfileChange.Step] = []

            var patterns: [Value] = []
            for spec in change.remove {
                let (name, output) = Self.nameAndOutput(spec)
                let matching = try installed.filter { entry in
                    try text(call("manifest-entry-name", [entry])) == name
                        && (output == nil || text(try call("manifest-entry-output", [entry])) == output)
                }
                guard !matching.isEmpty else { throw ProfileChangeError.notInstalled(spec) }
                steps += try matching.map { try describe($0, .remove) }
                patterns.append(.list(.string(SString(name)), output.map { .string(SString($0)) } ?? .false))
            }
            if !patterns.isEmpty { manifest = try call("manifest-remove", [manifest, .list(patterns)]) }

            var additions: [Value] = []
            for spec in change.install {
                let (entry, output) = try collection.resolve(spec)
                let added = try call("package->manifest-entry", [entry.value, .string(SString(output ?? "out"))])
                additions.append(added)
                steps.append(try describe(added, .install))
            }
            if let upgrade = change.upgrade {
                for old in installed {
                    let name = text(try call("manifest-entry-name", [old]))
                    guard name.contains(upgrade), !change.remove.contains(where: { Self.nameAndOutput($0).name == name }) else { continue }
                    guard let newest = try? collection.resolve(name).entry else { continue }
                    let output = text(try call("manifest-entry-output", [old]))
                    let replacement = try call("package->manifest-entry", [newest.value, .string(SString(output))])
                    let step = try describe(replacement, .upgrade)
                    guard step.item != text(try call("manifest-entry-item-path", [old])) else { continue }
                    let installedVersion = text(try call("manifest-entry-version", [old]))
                    if PackageCollection.compareVersions(step.version, installedVersion) < 0 {
                        Diagnostics.warning("\(name) would be downgraded from \(installedVersion) to \(step.version); keeping \(installedVersion)")
                        continue
                    }
                    additions.append(replacement)
                    steps.append(step)
                }
            }
            if !additions.isEmpty { manifest = try call("manifest-add", [manifest, .list(additions)]) }

            let keyword = Value.keyword(Symbol.intern("allow-collisions?"))
            let value = try call("profile-derivation", [manifest, keyword, .boolean(change.allowCollisions)])
            guard case .object(let host as HostObject) = value, let drv = host.value as? DerivationObject else {
                throw EvaluationError.notBuildable(origin: "profile-derivation", value: value.written(limit: 80))
            }
            return (drv, steps)
        } }
    }

    /// The derivation of the profile a manifest file describes (`-m FILE`).
    /// As in Guix, the file sees the manifest procedures without importing
    /// them, and its last value must be a manifest.
    package func profileDerivation(manifestFile path: String, allowCollisions: Bool) throws -> DerivationObject {
        _ = try evaluate(expression: "(use-modules (cairn profiles) (cairn packages) (cairn gexp))")
        let manifest = try evaluate(file: path)
        return try SchemeExecution.exclusively { try session.store.withWriteLock {
            let runtime = interpreter.runtime
            let isManifest = try channelExport(["cairn", "profiles"], "manifest?")
            let derive = try channelExport(["cairn", "profiles"], "profile-derivation")
            guard try runtime.apply(isManifest, [manifest]).isTrue else {
                throw ManifestFileError.notAManifest(file: path, value: manifest.written(limit: 80))
            }
            let value = try runtime.apply(derive, [manifest, .keyword(Symbol.intern("allow-collisions?")), .boolean(allowCollisions)])
            guard case .object(let host as HostObject) = value, let drv = host.value as? DerivationObject else {
                throw EvaluationError.notBuildable(origin: "profile-derivation", value: value.written(limit: 80))
            }
            return drv
        } }
    }

    /// The value `name` of the channel module `module`, which must export it
    /// (call on the Scheme thread).
    func channelExport(_ module: [String], _ name: String) throws -> Value {
        let resolved = try interpreter.runtime.modules.resolve(module.map { Symbol.intern($0) })
        guard let cell = resolved.exports[Symbol.intern(name)], cell.isBound else {
            throw SchemeError(.module, message: "\(resolved.displayName) does not export \(name)", hint: "is the channel complete?")
        }
        return cell.value
    }

    /// `NAME[:OUTPUT]`, a version (`NAME@VERSION`) being ignored.
    static func nameAndOutput(_ spec: String) -> (name: String, output: String?) {
        var name = spec, output: String?
        if let colon = name.lastIndex(of: ":") {
            output = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
        }
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        return (name, output)
    }
}
