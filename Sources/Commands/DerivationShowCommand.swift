import ArgumentParser
import Basics
import StoreFormats

struct DerivationShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print derivations as JSON.",
        discussion: """
            Prints one JSON object keyed by derivation path, each value with the fields
            of `nix show-derivation`: outputs, inputSrcs, inputDrvs, system, builder,
            args and env. A FILE outside the store is keyed by its own path; its name
            (less '.drv') names its outputs, and its store paths must lie in the store
            directory (--store-dir or CAIRN_STORE_DIR).

            Examples:
              cairn derivation show /cairn/store/…-hello-2.12.drv
              cairn derivation show -r /cairn/store/…-hello-2.12.drv | jq 'keys'
              CAIRN_STORE_DIR=/nix/store cairn derivation show ./copied.drv
            """)

    @Flag(name: [.customShort("r"), .customLong("recursive")], help: "Also show every input derivation, recursively (read from the store).")
    var recursive = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Derivation files (.drv), in the store or elsewhere.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("missing FILE argument") }
    }

    func run() throws {
        global.apply()
        // Only the store directory is needed: showing a derivation reads
        // files and neither opens nor creates a store.
        let directory = try global.layout().storeDirectory
        var shown: [String: JSONValue] = [:]
        var pending: [(key: String, file: String, name: String)] = []
        for file in files {
            pending.append(try Self.locate(ProcessEnvironment.absolutePath(file), in: directory))
        }
        // Last in, first out: order does not matter, keys are sorted below.
        while let next = pending.popLast() {
            guard shown[next.key] == nil else { continue }
            let bytes = try FileSystem.readFile(next.file)
            let derivation: Derivation
            do {
                derivation = try Derivation(parsing: bytes, name: next.name, storeDirectory: directory)
            } catch {
                throw DerivationFileError(file: next.file, error: error)
            }
            shown[next.key] = derivation.json(in: directory)
            if recursive {
                for input in derivation.inputDerivations.keys {
                    let absolute = input.absolute(in: directory)
                    pending.append(try Self.locate(absolute, in: directory))
                }
            }
        }
        let object = JSONValue.object(shown.keys.sorted(by: byteOrder).map { ($0, shown[$0] ?? .null) })
        try StandardStreams.output.write(object.prettyRendered() + "\n")
    }

    /// The key a file is shown under and the derivation name it stands for.
    private static func locate(_ file: String, in directory: StoreDirectory) throws -> (key: String, file: String, name: String) {
        if directory.isInStore(file), let path = try? directory.parse(file) {
            guard let name = Derivation.name(ofDerivationAt: path) else {
                throw DerivationError.notADerivationPath(file)
            }
            return (path.absolute(in: directory), file, name)
        }
        let baseName = FileSystem.baseName(file)
        let name = baseName.hasSuffix(Derivation.fileExtension) ? String(baseName.dropLast(Derivation.fileExtension.count)) : baseName
        return (file, file, name)
    }
}

extension DerivationShowCommand: AcceptsManyOperands {
    mutating func appendOperands(_ operands: [String]) { files += operands }
}
