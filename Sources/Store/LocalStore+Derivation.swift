import Basics
import StoreFormats

extension LocalStore {
    /// Registers a complete derivation as its `.drv` file: a `text` store
    /// path over its ATerm whose references are its sources and input
    /// derivations (Nix's `writeDerivation`), with the paths of its outputs
    /// recorded in the same transaction.
    ///
    /// Like Nix (`checkDerivationOutputs`), it first checks that every input
    /// is valid here and that the output paths and their environment
    /// variables are the ones hash-modulo gives, so the store never holds a
    /// `.drv` whose outputs lie about it.
    @discardableResult
    package func addDerivation(_ derivation: Derivation) throws -> StorePath {
        var hasher = derivationHasher()
        return try addDerivation(derivation, hasher: &hasher)
    }

    /// `addDerivation` with the caller's hasher, whose memo of input hashes
    /// spares reading every input `.drv` again (a package graph shares most).
    @discardableResult
    package func addDerivation(_ derivation: Derivation, hasher: inout DerivationHasher) throws -> StorePath {
        try hasher.validate(derivation)
        return try addDerivation(filledBy: derivation)
    }

    /// `addDerivation` for a derivation whose outputs `DerivationHasher.fillingOutputs`
    /// has just computed: checking them again would hash it a second time.
    package func addDerivation(filledBy derivation: Derivation) throws -> StorePath {
        for source in derivation.inputSources.sorted() where try !isValid(source) {
            throw StoreError.derivationInputMissing(derivation: derivation.name, input: absolute(source))
        }
        for input in derivation.inputDerivations.keys.sorted() where try !isValid(input) {
            throw StoreError.derivationInputMissing(derivation: derivation.name, input: absolute(input))
        }
        var outputs: [String: StorePath] = [:]
        for (name, output) in derivation.outputs {
            if let path = output.path { outputs[name] = path }
        }
        return try addText(
            name: derivation.name + Derivation.fileExtension, contents: derivation.serialized(in: storeDirectory),
            references: derivation.references, derivationOutputs: outputs)
    }

    /// Reads the derivation a valid `.drv` store path holds.
    package func readDerivation(at path: StorePath) throws -> Derivation {
        guard let name = Derivation.name(ofDerivationAt: path) else {
            throw DerivationError.notADerivationPath(absolute(path))
        }
        guard try isValid(path) else { throw StoreError.notValid(path: absolute(path)) }
        let bytes = try FileSystem.readFile(absolute(path))
        do {
            return try Derivation(parsing: bytes, name: name, storeDirectory: storeDirectory)
        } catch {
            throw DerivationFileError(file: absolute(path), error: error)
        }
    }

    /// A hasher that reads input derivations from this store (they must be valid).
    package func derivationHasher() -> DerivationHasher {
        DerivationHasher(storeDirectory: storeDirectory) { path in try self.readDerivation(at: path) }
    }
}
