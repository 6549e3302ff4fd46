import Basics

/// A derivation: the exact recipe of one build, as Nix stores it in a `.drv`
/// file (ATerm, see `DerivationParser` and `DerivationWriter`).
///
/// `name` is not part of the ATerm text: like Nix, it comes from the `.drv`
/// file's store path (`HASH-NAME.drv`) and names the outputs' paths.
/// Maps are unordered here; the writer sorts keys by their bytes, as Nix's
/// `std::map<std::string, …>` does, so equal values give equal bytes.
package struct Derivation: Hashable, Sendable {
    package var name: String
    /// Output name -> output (`out`, `dev`, …).
    package var outputs: [String: DerivationOutput]
    /// `.drv` store path -> the names of the outputs used from it.
    package var inputDerivations: [StorePath: Set<String>]
    package var inputSources: Set<StorePath>
    /// `x86_64-linux`, `builtin`, … (Nix calls it `platform` inside and `system` outside).
    package var system: String
    package var builder: String
    package var arguments: [String]
    package var environment: [String: String]

    package init(
        name: String,
        outputs: [String: DerivationOutput],
        inputDerivations: [StorePath: Set<String>] = [:],
        inputSources: Set<StorePath> = [],
        system: String,
        builder: String,
        arguments: [String] = [],
        environment: [String: String] = [:]
    ) {
        self.name = name
        self.outputs = outputs
        self.inputDerivations = inputDerivations
        self.inputSources = inputSources
        self.system = system
        self.builder = builder
        self.arguments = arguments
        self.environment = environment
    }

    /// What the `.drv` store item refers to: its sources and input
    /// derivations. Outputs are deliberately not references (Nix's
    /// `writeDerivation`): they need not exist, and must not be kept alive
    /// by the recipe alone.
    package var references: [StorePath] {
        inputSources.union(inputDerivations.keys).sorted()
    }

    /// Output names in the order the ATerm lists them.
    package var sortedOutputNames: [String] {
        outputs.keys.sorted(by: byteOrder)
    }

    /// The single fixed output's hash when this is a fixed-output derivation
    /// (whose output is known in advance, so it may use the network).
    package var fixedOutput: FixedOutputHash? {
        guard outputs.count == 1, let output = outputs["out"] else { return nil }
        return output.fixed
    }
}

/// One output of a derivation. `path` is nil while the derivation is being
/// made (before hash-modulo names it); `fixed` is set for fixed-output
/// derivations, whose path follows from the hash alone.
package struct DerivationOutput: Hashable, Sendable {
    package var path: StorePath?
    package var fixed: FixedOutputHash?

    package init(path: StorePath? = nil, fixed: FixedOutputHash? = nil) {
        self.path = path
        self.fixed = fixed
    }
}

/// The expected hash of a fixed-output derivation's output and how it covers
/// the output (the file's bytes, or its NAR).
package struct FixedOutputHash: Hashable, Sendable {
    package var method: ContentAddressMethod
    package var hash: Hash

    package init(method: ContentAddressMethod, hash: Hash) {
        self.method = method
        self.hash = hash
    }

    /// `r:sha256` or `sha256`: the ATerm's hash-algorithm field (Nix's
    /// `printMethodAlgo`), also used in hash-modulo and the JSON layout.
    package var methodAndAlgorithm: String {
        (method == .recursive ? "r:" : "") + hash.algorithm.rawValue
    }
}

/// Byte order of UTF-8, which is how Nix's `std::string` keys sort. Swift's
/// own `<` on strings follows Unicode canonical order instead, which can
/// differ for non-ASCII keys and would change the bytes of a `.drv`.
package func byteOrder(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

extension Derivation {
    /// The name a derivation output's store path gets: the derivation's name,
    /// with `-OUTPUT` appended except for `out` (Nix's `outputPathName`).
    package static func outputPathName(derivationName: String, outputName: String) -> String {
        outputName == "out" ? derivationName : "\(derivationName)-\(outputName)"
    }

    /// The `.drv` suffix of derivation store paths.
    package static let fileExtension = ".drv"

    /// The derivation name a `.drv` store path stands for (`HASH-hello.drv`
    /// -> `hello`), or nil when the path is not a derivation.
    package static func name(ofDerivationAt path: StorePath) -> String? {
        guard path.name.hasSuffix(fileExtension), path.name.utf8.count > fileExtension.utf8.count else { return nil }
        return String(path.name.dropLast(fileExtension.count))
    }
}
