import Basics
import Scheme
import StoreFormats

/// The arguments of `(derivation NAME BUILDER ARGS #:key …)`, checked and
/// turned into a derivation whose outputs are still to be filled in.
///
/// As in Guix, the environment holds the given variables plus one per
/// output (filled with its path); `#:inputs` takes derivations, `(DRV
/// . OUTPUT)` or `(DRV OUTPUT …)` pairs, and store paths (sources), the
/// shape `lower-gexp` returns.
enum DerivationArguments {
    static let keywords = ["inputs", "env-vars", "outputs", "hash", "hash-algo", "recursive?", "system"]

    static func parse(_ args: [Value], session: StoreSession) throws -> Derivation {
        let who = "derivation"
        let name = try args[0].expectString(who, 1).string
        let builder = try args[1].expectString(who, 2).string
        guard let argumentList = args[2].listElements else {
            throw SchemeError.wrongType(procedure: who, position: 3, expected: "list of strings", got: args[2])
        }
        let arguments = try argumentList.map { try $0.expectString(who, 3).string }
        // Each keyword into its own slot: this runs for every derivation of
        // an evaluation, and a dictionary of options cost more than the rest.
        var options = [Value?](repeating: nil, count: keywords.count)
        var index = 3
        while index < args.count {
            guard case .keyword(let keyword) = args[index], let slot = keywords.firstIndex(of: keyword.name), index + 1 < args.count else {
                throw SchemeError(.misc, who: who, message: "derivation: unexpected argument \(args[index].written(limit: 40))", irritants: [args[index]],
                                  hint: "after NAME BUILDER ARGS come keyword arguments: " + keywords.map { "#:" + $0 }.joined(separator: " "))
            }
            options[slot] = args[index + 1]
            index += 2
        }
        func option(_ name: String) -> Value? { keywords.firstIndex(of: name).flatMap { options[$0] } }
        let directory = session.storeDirectory

        var outputNames = ["out"]
        if let list = option("outputs") {
            outputNames = try (list.listElements ?? []).map { try $0.expectString(who, 0).string }
            guard !outputNames.isEmpty, Set(outputNames).count == outputNames.count else {
                throw SchemeError(.misc, who: who, message: "derivation \(name): #:outputs must name distinct outputs", irritants: [list])
            }
        }
        var outputs: [String: DerivationOutput] = [:]
        if let hashValue = option("hash"), hashValue.isTrue {
            guard outputNames == ["out"] else {
                throw SchemeError(.misc, who: who, message: "derivation \(name): a fixed-output derivation has exactly one output, out")
            }
            let algorithmName: String
            switch option("hash-algo") {
            case .symbol(let symbol)?: algorithmName = symbol.name
            case .string(let text)?: algorithmName = text.string
            default: algorithmName = "sha256"
            }
            guard let algorithm = HashAlgorithm(rawValue: algorithmName) else {
                throw SchemeError(.misc, who: who, message: "derivation \(name): unknown #:hash-algo \(algorithmName)", hint: "use sha256")
            }
            let hash = try fixedHash(hashValue, algorithm: algorithm, name: name)
            let method: ContentAddressMethod = (option("recursive?")?.isTrue ?? false) ? .recursive : .flat
            outputs["out"] = DerivationOutput(fixed: FixedOutputHash(method: method, hash: hash))
        } else {
            for output in outputNames { outputs[output] = DerivationOutput() }
        }

        var environment: [String: String] = [:]
        for entry in option("env-vars")?.listElements ?? [] {
            guard case .pair(let pair) = entry, case .string(let key) = pair.car, case .string(let value) = pair.cdr else {
                throw SchemeError(.misc, who: who, message: "derivation \(name): #:env-vars must be a list of (\"NAME\" . \"VALUE\") pairs, got \(entry.written(limit: 40))", irritants: [entry])
            }
            environment[key.string] = value.string
        }

        var inputDerivations: [StorePath: Set<String>] = [:]
        var inputSources: Set<StorePath> = []
        for input in option("inputs")?.listElements ?? [] {
            func unusable() -> SchemeError {
                SchemeError(.misc, who: who, message: "derivation \(name): cannot use \(input.written(limit: 60)) as an input", irritants: [input],
                            hint: "inputs are derivations, (DERIVATION . \"OUTPUT\") pairs and store paths")
            }
            switch input {
            case .object(let host as HostObject) where host.value is DerivationObject:
                let drv = try StoreBindings.derivationObject(input, who)
                inputDerivations[drv.path, default: []].insert("out")
            case .pair(let pair):
                guard let drv = try? StoreBindings.derivationObject(pair.car, who) else { throw unusable() }
                var wanted: [String] = []
                switch pair.cdr {
                case .string(let output): wanted = [output.string]
                case .boolean(false), .null: wanted = ["out"]
                default: wanted = try (pair.cdr.listElements ?? []).map { try $0.expectString(who, 0).string }
                }
                for output in wanted {
                    _ = try drv.outputPath(output)  // throws, naming the outputs, when there is no such output
                    inputDerivations[drv.path, default: []].insert(output)
                }
            case .string:
                inputSources.insert(try StoreBindings.storePath(input, directory, who))
            default:
                throw unusable()
            }
        }
        let system = try option("system").map { try $0.expectString(who, 0).string } ?? session.system
        return Derivation(name: name, outputs: outputs, inputDerivations: inputDerivations, inputSources: inputSources,
                          system: system, builder: builder, arguments: arguments, environment: environment)
    }

    /// A fixed output's hash: a bytevector (what `base32` returns) or a
    /// string in nix-base32, base16 or SRI form.
    static func fixedHash(_ value: Value, algorithm: HashAlgorithm, name: String) throws -> Hash {
        do {
            switch value {
            case .bytevector(let bytes): return try Hash(algorithm: algorithm, bytes: bytes.bytes)
            case .string(let text): return try Hash.parse(text.string, defaultAlgorithm: algorithm)
            default: break
            }
        } catch {
            throw SchemeError(.misc, who: "derivation", message: "derivation \(name): bad #:hash: \(error)", irritants: [value])
        }
        throw SchemeError.wrongType(procedure: "derivation", position: 0, expected: "bytevector or hash string for #:hash", got: value)
    }
}
