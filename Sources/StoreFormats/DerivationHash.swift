import Basics

/// Computes what names a derivation's outputs: Nix's `hashDerivationModulo`.
///
/// A fixed-output derivation hashes to
/// SHA-256(`fixed:out:[r:]ALGO:HEX:OUTPATH`): only its promised output
/// counts, so changing how it fetches (a mirror, a builder) changes nothing
/// downstream. Any other derivation hashes to SHA-256 of its ATerm with each
/// input derivation's path replaced by the base16 of that input's own hash
/// modulo; for its own output paths the outputs (paths and the environment
/// variables named after them) are blanked, since they are what is being
/// computed.
///
/// Input derivations are read through `load`, which the caller supplies (a
/// store, or files next to each other), and their hashes are memoised: a
/// package graph shares most of its inputs.
package struct DerivationHasher {
    package typealias Loader = (StorePath) throws -> Derivation

    package let storeDirectory: StoreDirectory
    private let load: Loader
    /// Hash modulo (outputs not masked) of each input derivation seen, per output.
    private var memo: [StorePath: [String: Hash]] = [:]
    /// The same hashes in base16, as they stand for inputs in the text hashed:
    /// encoded once per input, not once per derivation using it.
    private var memoBase16: [StorePath: [String: String]] = [:]
    /// Output names of each derivation loaded, to check what others use of them.
    private var loadedOutputs: [StorePath: [String]] = [:]

    package init(storeDirectory: StoreDirectory, load: @escaping Loader) {
        self.storeDirectory = storeDirectory
        self.load = load
    }

    /// The hash modulo of the derivation stored at `path`, per output name,
    /// as input derivations are hashed (outputs not masked).
    ///
    /// The graph is walked with an explicit stack: a chain of thousands of
    /// derivations must not exhaust the thread's stack.
    package mutating func hashModulo(ofDerivationAt path: StorePath) throws -> [String: Hash] {
        if let known = memo[path] { return known }
        var stack: [(path: StorePath, derivation: Derivation)] = [(path, try loadDerivation(path))]
        var onStack: Set<StorePath> = [path]
        while let (current, derivation) = stack.last {
            // A fixed-output derivation's inputs do not count (and may be absent).
            let pending = derivation.fixedOutput != nil
                ? nil : derivation.inputDerivations.keys.sorted().first { memo[$0] == nil }
            if let next = pending {
                guard onStack.insert(next).inserted else { throw DerivationError.inputCycle(next.baseName) }
                stack.append((next, try loadDerivation(next)))
                continue
            }
            store(try hashModulo(of: derivation, maskingOutputs: false), for: current)
            onStack.remove(current)
            stack.removeLast()
        }
        return memo[path] ?? [:]
    }

    private mutating func store(_ hashes: [String: Hash], for path: StorePath) {
        memo[path] = hashes
        memoBase16[path] = hashes.mapValues { $0.encoded(.base16, withAlgorithm: false) }
    }

    /// Records `derivation`, just completed by `fillingOutputs` and stored at
    /// `path`, as an input others may use: its inputs are all hashed already,
    /// so its own hash modulo is computed now, without loading anything back.
    package mutating func remember(_ derivation: Derivation, at path: StorePath) throws {
        guard memo[path] == nil else { return }
        store(try hashModulo(of: derivation, maskingOutputs: false), for: path)
        loadedOutputs[path] = derivation.sortedOutputNames
    }

    /// `hashModulo(ofDerivationAt:)` in base16, per output name.
    private mutating func base16Modulo(ofDerivationAt path: StorePath) throws -> [String: String] {
        if let known = memoBase16[path] { return known }
        _ = try hashModulo(ofDerivationAt: path)
        return memoBase16[path] ?? [:]
    }

    private mutating func loadDerivation(_ path: StorePath) throws -> Derivation {
        guard Derivation.name(ofDerivationAt: path) != nil else {
            throw DerivationError.notADerivationPath(path.absolute(in: storeDirectory))
        }
        let derivation = try load(path)
        loadedOutputs[path] = derivation.sortedOutputNames
        return derivation
    }

    /// The output names of the derivation at `path`, loading it if need be.
    mutating func outputNames(ofDerivationAt path: StorePath) throws -> [String] {
        if let known = loadedOutputs[path] { return known }
        return try loadDerivation(path).sortedOutputNames
    }

    /// The hash modulo of a derivation in hand, per output name.
    package mutating func hashModulo(of derivation: Derivation, maskingOutputs: Bool) throws -> [String: Hash] {
        switch try kind(of: derivation) {
        case .fixed(let fixed):
            let path = try fixedOutputPath(derivation, fixed)
            let descriptor = "fixed:out:\(fixed.methodAndAlgorithm):\(fixed.hash.encoded(.base16, withAlgorithm: false)):"
                + path.absolute(in: storeDirectory)
            return ["out": Hash.compute(.sha256, of: descriptor.utf8)]
        case .inputAddressed:
            var replaced: [String: Set<String>] = [:]
            for (input, outputNames) in derivation.inputDerivations {
                let hashes = try base16Modulo(ofDerivationAt: input)
                for outputName in outputNames {
                    guard let hash = hashes[outputName] else {
                        throw DerivationError.unknownInputOutput(
                            derivation: derivation.name, input: input.absolute(in: storeDirectory),
                            output: outputName, available: hashes.keys.sorted(by: byteOrder))
                    }
                    // Inputs with equal hashes (the same fixed output fetched
                    // two ways) merge, as in Nix.
                    replaced[hash, default: []].insert(outputName)
                }
            }
            let text = DerivationWriter.write(
                derivation, storeDirectory: storeDirectory, maskingOutputs: maskingOutputs, replacingInputs: replaced)
            let hash = Hash.compute(.sha256, of: text)
            return Dictionary(uniqueKeysWithValues: derivation.outputs.keys.map { ($0, hash) })
        }
    }

    /// The paths the outputs of `derivation` must have.
    package mutating func outputPaths(of derivation: Derivation) throws -> [String: StorePath] {
        switch try kind(of: derivation) {
        case .fixed(let fixed):
            return ["out": try fixedOutputPath(derivation, fixed)]
        case .inputAddressed:
            let hashes = try hashModulo(of: derivation, maskingOutputs: true)
            var paths: [String: StorePath] = [:]
            for (outputName, hash) in hashes {
                paths[outputName] = try wrapping(name: derivation.name) { () throws(FormatError) in
                    try storeDirectory.makeOutputPath(outputName: outputName, hashModulo: hash, name: derivation.name)
                }
            }
            return paths
        }
    }

    /// The store path of the `.drv` file holding `derivation`: a text path
    /// over its ATerm, referring to its sources and input derivations.
    package func derivationPath(of derivation: Derivation) throws -> StorePath {
        let text = derivation.serialized(in: storeDirectory)
        return try wrapping(name: derivation.name) { () throws(FormatError) in
            try storeDirectory.makeTextPath(
                name: derivation.name + Derivation.fileExtension, contentHash: Hash.compute(.sha256, of: text),
                references: derivation.references)
        }
    }

    enum Kind {
        case fixed(FixedOutputHash)
        case inputAddressed
    }

    /// Nix's `BasicDerivation::type` for the kinds Cairn supports: all
    /// outputs input-addressed, or one fixed output named `out`.
    func kind(of derivation: Derivation) throws(DerivationError) -> Kind {
        let fixed = derivation.outputs.filter { $0.value.fixed != nil }
        if derivation.outputs.isEmpty { throw .noOutputs(derivation: derivation.name) }
        if fixed.isEmpty { return .inputAddressed }
        guard fixed.count == derivation.outputs.count else { throw .mixedOutputKinds(derivation: derivation.name) }
        guard fixed.count == 1, let hash = derivation.outputs["out"]?.fixed else {
            throw .fixedOutputNotSingle(derivation: derivation.name, outputs: derivation.sortedOutputNames)
        }
        return .fixed(hash)
    }

    func fixedOutputPath(_ derivation: Derivation, _ fixed: FixedOutputHash) throws(DerivationError) -> StorePath {
        try wrapping(name: derivation.name) { () throws(FormatError) in
            try storeDirectory.makeFixedOutputPath(name: derivation.name, method: fixed.method, hash: fixed.hash)
        }
    }

    /// Store path errors here come from a bad derivation name.
    private func wrapping<T>(name: String, _ body: () throws(FormatError) -> T) throws(DerivationError) -> T {
        do {
            return try body()
        } catch .invalidStorePathName(_, let reason) {
            throw .invalidName(name, reason: reason)
        } catch {
            throw .invalidName(name, reason: error.message)
        }
    }
}
