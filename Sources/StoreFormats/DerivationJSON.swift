import Basics

extension Derivation {
    /// The JSON object `nix show-derivation` (Nix 2.8) prints for one
    /// derivation, with its field names and order: `outputs` (each with
    /// `path`, and `hashAlgo` and `hash` when fixed), `inputSrcs`,
    /// `inputDrvs`, `system`, `builder`, `args`, `env`. Maps are sorted by
    /// key bytes, as Nix's are.
    package func json(in storeDirectory: StoreDirectory) -> JSONValue {
        var outputs: [(String, JSONValue)] = []
        for outputName in sortedOutputNames {
            let output = self.outputs[outputName] ?? DerivationOutput()
            var fields: [(String, JSONValue)] = []
            if let fixed = output.fixed {
                // Nix prints the path that follows from the hash, whatever
                // the file says; fall back on the file's if the name is bad.
                let computed = try? storeDirectory.makeFixedOutputPath(
                    name: Derivation.outputPathName(derivationName: name, outputName: outputName),
                    method: fixed.method, hash: fixed.hash)
                if let path = computed ?? output.path { fields.append(("path", .string(path.absolute(in: storeDirectory)))) }
                fields.append(("hashAlgo", .string(fixed.methodAndAlgorithm)))
                fields.append(("hash", .string(fixed.hash.encoded(.base16, withAlgorithm: false))))
            } else if let path = output.path {
                fields.append(("path", .string(path.absolute(in: storeDirectory))))
            }
            outputs.append((outputName, .object(fields)))
        }
        let inputDerivations: [(String, JSONValue)] = self.inputDerivations.keys.sorted().map { path in
            let names = self.inputDerivations[path, default: []].sorted(by: byteOrder)
            return (path.absolute(in: storeDirectory), .array(names.map { .string($0) }))
        }
        let environment: [(String, JSONValue)] = self.environment.keys.sorted(by: byteOrder).map {
            ($0, .string(self.environment[$0] ?? ""))
        }
        return .object([
            ("outputs", .object(outputs)),
            ("inputSrcs", .array(inputSources.sorted().map { .string($0.absolute(in: storeDirectory)) })),
            ("inputDrvs", .object(inputDerivations)),
            ("system", .string(system)),
            ("builder", .string(builder)),
            ("args", .array(arguments.map { .string($0) })),
            ("env", .object(environment)),
        ])
    }
}
