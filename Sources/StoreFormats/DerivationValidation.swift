import Basics

extension DerivationHasher {
    /// Completes a derivation being made, as Nix's `derivation` primitive
    /// does once it has collected the attributes: the outputs get their
    /// paths and the environment gets one variable per output holding its
    /// path (`out=/store/…-hello`).
    ///
    /// A fixed-output derivation's single path follows from its hash. For
    /// any other, every output's variable is first set to the empty string,
    /// so that the set of output names is part of the hash even when the
    /// caller did not list them in the environment, and then the hash modulo
    /// with outputs masked names them all.
    package mutating func fillingOutputs(of template: Derivation) throws -> Derivation {
        try checkNames(template)
        var derivation = template
        switch try kind(of: derivation) {
        case .fixed(let fixed):
            let path = try fixedOutputPath(derivation, fixed)
            derivation.outputs["out"]?.path = path
            derivation.environment["out"] = path.absolute(in: storeDirectory)
        case .inputAddressed:
            for outputName in derivation.outputs.keys {
                derivation.outputs[outputName]?.path = nil
                derivation.environment[outputName] = ""
            }
            for (outputName, path) in try outputPaths(of: derivation) {
                derivation.outputs[outputName]?.path = path
                derivation.environment[outputName] = path.absolute(in: storeDirectory)
            }
        }
        return derivation
    }

    /// Checks a complete derivation as Nix does before it registers a `.drv`
    /// (`checkDerivationOutputs`): every output has the path that follows
    /// from the rest, its environment variable holds that path, and every
    /// output used from an input derivation exists there.
    package mutating func validate(_ derivation: Derivation) throws {
        try checkNames(derivation)
        let expected = try outputPaths(of: derivation)
        for outputName in derivation.sortedOutputNames {
            guard let actual = derivation.outputs[outputName]?.path else {
                throw DerivationError.missingOutputPath(derivation: derivation.name, output: outputName)
            }
            guard let path = expected[outputName] else { continue }
            let absolute = path.absolute(in: storeDirectory)
            guard actual == path else {
                throw DerivationError.outputPathMismatch(
                    derivation: derivation.name, output: outputName,
                    actual: actual.absolute(in: storeDirectory), expected: absolute)
            }
            guard derivation.environment[outputName] == absolute else {
                throw DerivationError.environmentMismatch(
                    derivation: derivation.name, variable: outputName,
                    actual: derivation.environment[outputName], expected: absolute)
            }
        }
        // Hash-modulo already looked into the inputs of an input-addressed
        // derivation, but not into those of a fixed-output one.
        for input in derivation.inputDerivations.keys.sorted() {
            let available = try outputNames(ofDerivationAt: input)
            let wanted = derivation.inputDerivations[input, default: []]
            if let missing = wanted.sorted(by: byteOrder).first(where: { !available.contains($0) }) {
                throw DerivationError.unknownInputOutput(
                    derivation: derivation.name, input: input.absolute(in: storeDirectory),
                    output: missing, available: available)
            }
        }
    }

    /// What Nix's `derivation` primitive and store paths demand of names,
    /// and what the ATerm can hold.
    func checkNames(_ derivation: Derivation) throws(DerivationError) {
        let name = derivation.name
        do {
            try StorePath.validateName(name + Derivation.fileExtension)
        } catch {
            if case .invalidStorePathName(_, let reason) = error { throw .invalidName(name, reason: reason) }
            throw .invalidName(name, reason: error.message)
        }
        // `hello.drv.drv` would be taken for the derivation of `hello.drv`.
        if name.hasSuffix(Derivation.fileExtension) {
            throw .invalidName(name, reason: "derivation names must not end in '.drv'")
        }
        for outputName in derivation.sortedOutputNames {
            if outputName.isEmpty {
                throw .invalidOutputName(derivation: name, output: outputName, reason: "it is empty")
            }
            // `drv` would make `NAME-drv`, easily confused with the `.drv` file.
            if outputName == "drv" {
                throw .invalidOutputName(derivation: name, output: outputName, reason: "'drv' is reserved")
            }
            do {
                try StorePath.validateName(Derivation.outputPathName(derivationName: name, outputName: outputName))
            } catch {
                if case .invalidStorePathName(_, let reason) = error {
                    throw .invalidOutputName(derivation: name, output: outputName, reason: reason)
                }
                throw .invalidOutputName(derivation: name, output: outputName, reason: error.message)
            }
        }
        if derivation.system.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            throw .unrepresentableSystem(derivation: name, system: derivation.system)
        }
    }
}
