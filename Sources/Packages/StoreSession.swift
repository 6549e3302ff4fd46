import Basics
import Glibc
import Scheme
import Store
import StoreFormats

/// The store as one evaluation sees it: what `add-text-to-store`,
/// `add-to-store` and `derivation` write, with one derivation hasher for
/// the whole evaluation so each input's hash modulo is computed once.
package final class StoreSession {
    package let store: LocalStore
    /// `x86_64-linux` and the like: what `(%current-system)` returns.
    package let system: String
    private var hasherStorage: DerivationHasher?
    /// How `%resolve-specification` finds a package (`hello@2:out`): set by
    /// the command once it knows the channel and the user's directories.
    package var resolveSpecification: ((String) throws -> (package: Value, output: String?))?
    /// The channels in use, for the provenance profiles record: each as
    /// Guix's `(repository (version 0) (url …) (commit …) …)` text. Set by
    /// the command; asked for only when a manifest entry is made.
    package var channelProvenance: (() -> [String])?

    package init(store: LocalStore, system: String = StoreSession.hostSystem()) {
        self.store = store
        self.system = system
    }

    package var storeDirectory: StoreDirectory { store.storeDirectory }

    /// Nix's and Guix's system name of this machine.
    package static func hostSystem() -> String {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return machine + "-linux"
    }

    package func addText(name: String, text: String, references: [StorePath]) throws -> StorePath {
        try store.addText(name: name, contents: Array(text.utf8), references: references)
    }

    package func addFile(name: String, path: String, recursive: Bool) throws -> StorePath {
        return try store.add(path, name: name, method: recursive ? .recursive : .flat)
    }

    /// Fills in the output paths of `template` (hash modulo), writes its
    /// `.drv` and returns it with its path.
    package func add(_ template: Derivation) throws -> DerivationObject {
        // Taken out of the session while it is used: a second reference would
        // make every insertion copy the hasher's memo tables (quadratic).
        // Derivations made here are remembered by the hasher as they are made,
        // so it loads from the store only those of earlier evaluations.
        var hasher = hasherStorage.take() ?? DerivationHasher(storeDirectory: store.storeDirectory) { [unowned self] path in
            try store.readDerivation(at: path)
        }
        defer { hasherStorage = hasher }
        let derivation = try hasher.fillingOutputs(of: template)
        let path = try store.addDerivation(filledBy: derivation)
        // Most derivations an evaluation makes become inputs of the next ones.
        try hasher.remember(derivation, at: path)
        return DerivationObject(path: path, derivation: derivation, storeDirectory: store.storeDirectory)
    }
}

/// A derivation made by Scheme code: what `derivation` returns and gexps lower.
package final class DerivationObject: GexpLowerable {
    package let path: StorePath
    package let derivation: Derivation
    let storeDirectory: StoreDirectory

    init(path: StorePath, derivation: Derivation, storeDirectory: StoreDirectory) {
        self.path = path
        self.derivation = derivation
        self.storeDirectory = storeDirectory
    }

    package var typeName: String { "derivation" }

    package var fileName: String { path.absolute(in: storeDirectory) }

    package func outputPath(_ name: String) throws -> String {
        guard let output = derivation.outputs[name]?.path else {
            throw SchemeError(.misc, who: "derivation->output-path",
                              message: "derivation \(derivation.name) has no output \(name)",
                              hint: "its outputs are: " + derivation.sortedOutputNames.joined(separator: " "))
        }
        return output.absolute(in: storeDirectory)
    }

    package func gexpExpansion(output: String?) throws -> String {
        try outputPath(output ?? "out")
    }

    package var printedDetails: String? {
        let outputs = derivation.sortedOutputNames.compactMap { derivation.outputs[$0]?.path?.absolute(in: storeDirectory) }
        return "\(fileName) => \(outputs.joined(separator: " "))"
    }
}
