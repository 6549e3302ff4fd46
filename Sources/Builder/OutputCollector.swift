import Basics
import Glibc
import Store
import StoreFormats

/// Turns what a finished build left at its outputs into `PathInfo`s ready to
/// register: checks that each output exists, canonicalises it, hashes it
/// and scans it for references in one pass, verifies a fixed output's hash
/// and applies the derivation's reference rules. Nothing is registered here.
struct OutputCollector {
    let derivationPath: String
    let derivationStorePath: StorePath
    let derivation: Derivation
    /// Output name -> its store path.
    let outputs: [String: StorePath]
    /// Where the build wrote each output, by name (host paths).
    let written: [String: String]
    /// The build's input closure: with the outputs, what they may refer to.
    let inputClosure: [StorePath]
    let storeDirectory: StoreDirectory

    func collect(referenceGraph: () throws -> ReferenceGraph) throws -> [PathInfo] {
        var infos: [String: PathInfo] = [:]
        let candidates = inputClosure + Array(outputs.values)
        for name in derivation.sortedOutputNames {
            guard let path = outputs[name], let location = written[name] else { continue }
            var st = stat()
            guard lstat(location, &st) == 0 else {
                throw BuildError.missingOutput(derivation: derivationPath, output: name, path: path.absolute(in: storeDirectory))
            }
            do {
                try Canonicaliser.canonicalise(location)
            } catch Canonicaliser.Failure.unsupportedFileType(let file) {
                let inside = path.absolute(in: storeDirectory) + file.dropFirst(location.count)
                throw BuildError.unsupportedFileType(derivation: derivationPath, path: inside)
            }
            let scanned = try LocalStore.scanReferences(location, candidates: candidates)
            var info = PathInfo(path: path, narHash: scanned.narHash, narSize: scanned.narSize,
                                references: scanned.references, deriver: derivationStorePath)
            if let fixed = derivation.fixedOutput {
                info.contentAddress = try verify(fixed, at: location, path: path, scanned: scanned)
            }
            infos[name] = info
        }
        try checkReferenceRules(infos, referenceGraph: referenceGraph)
        return derivation.sortedOutputNames.compactMap { infos[$0] }
    }

    /// A fixed output must hash to what the derivation promised (Nix's
    /// message: the specified and the actual hash, in SRI form) and, being
    /// named by its content alone, must not refer to other store paths.
    private func verify(
        _ fixed: FixedOutputHash, at location: String, path: StorePath,
        scanned: (references: [StorePath], narHash: Hash, narSize: UInt64)
    ) throws -> ContentAddress {
        let actual: Hash
        switch fixed.method {
        case .flat:
            var st = stat()
            guard lstat(location, &st) == 0, FileSystem.kind(of: st) == .regular else {
                throw BuildError.fixedOutputNotAFile(derivation: derivationPath, path: path.absolute(in: storeDirectory))
            }
            var context = HashContext(fixed.hash.algorithm)
            let file = try OpenFile(location, flags: O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
                if count == 0 { break }
                context.update(buffer[..<count])
            }
            actual = try Hash(algorithm: fixed.hash.algorithm, bytes: context.finalize())
        case .recursive:
            actual = fixed.hash.algorithm == .sha256
                ? scanned.narHash : try LocalStore.narHash(of: location, algorithm: fixed.hash.algorithm).hash
        }
        guard actual == fixed.hash else {
            throw BuildError.fixedOutputMismatch(
                derivation: derivationPath, path: path.absolute(in: storeDirectory),
                specified: fixed.hash.encoded(.sri), got: actual.encoded(.sri))
        }
        let foreign = scanned.references.filter { $0 != path }
        guard foreign.isEmpty else {
            throw BuildError.fixedOutputHasReferences(
                derivation: derivationPath, references: foreign.map { $0.absolute(in: storeDirectory) })
        }
        return .fixed(fixed.method, fixed.hash)
    }

    /// `allowedReferences`, `disallowedReferences`, `allowedRequisites` and
    /// `disallowedRequisites`, as Nix reads them from the environment:
    /// space-separated store paths or output names.
    private func checkReferenceRules(_ infos: [String: PathInfo], referenceGraph: () throws -> ReferenceGraph) throws {
        let rules = ["allowedReferences", "disallowedReferences", "allowedRequisites", "disallowedRequisites"]
        let given = rules.filter { derivation.environment[$0] != nil }
        guard !given.isEmpty else { return }
        var graph: ReferenceGraph?
        for variable in given {
            let listed = try resolve(variable)
            let requisites = variable.hasSuffix("Requisites")
            for (name, info) in infos.sorted(by: { $0.key < $1.key }) {
                let checked: [StorePath]
                if requisites {
                    if graph == nil { graph = try referenceGraph() }
                    checked = closure(of: info, infos: infos, graph: graph)
                } else {
                    checked = info.references
                }
                let allowed = variable.hasPrefix("allowed")
                for reference in checked.sorted() where listed.contains(reference) != allowed {
                    // An output may always refer to itself.
                    if reference == info.path && !requisites { continue }
                    if reference == info.path && requisites && allowed { continue }
                    throw BuildError.forbiddenReference(
                        derivation: derivationPath, output: name,
                        reference: reference.absolute(in: storeDirectory), rule: variable)
                }
            }
        }
    }

    private func resolve(_ variable: String) throws -> Set<StorePath> {
        var result: Set<StorePath> = []
        for item in (derivation.environment[variable] ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if let output = outputs[String(item)] {
                result.insert(output)
            } else if let path = try? storeDirectory.parseContaining(item).0 {
                result.insert(path)
            } else {
                throw BuildError.invalidReferenceSpecification(derivation: derivationPath, variable: variable, item: String(item))
            }
        }
        return result
    }

    /// Everything `info` needs at run time: its references, theirs, and so
    /// on, through this build's other outputs and the registered inputs.
    private func closure(of info: PathInfo, infos: [String: PathInfo], graph: ReferenceGraph?) -> [StorePath] {
        let byPath = Dictionary(infos.values.map { ($0.path, $0.references) }, uniquingKeysWith: { a, _ in a })
        var seen: Set<StorePath> = [info.path]
        var pending = [info.path]
        while let next = pending.popLast() {
            let references = byPath[next] ?? graph?.references[next] ?? []
            for reference in references where seen.insert(reference).inserted { pending.append(reference) }
        }
        return Array(seen)
    }
}
