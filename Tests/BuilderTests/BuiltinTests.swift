import Basics
import Builder
import Foundation
import Store
import StoreFormats
import Testing

/// A builtin the tests plug in, as the Fetch target will plug in
/// `builtin:fetchurl`: it writes the derivation's `text` to its output.
struct WriteTextBuiltin: BuiltinBuilder {
    let name = "test-write-text"

    func build(_ context: BuiltinContext) throws {
        guard let out = context.outputs["out"] else { return }
        context.log("writing \(out)")
        try FileSystem.writeAtomically(Array((context.environment["text"] ?? "").utf8), to: out)
    }
}

/// The Builder API in process: builtins, planning, dry runs.
@Suite(.serialized)
struct BuiltinTests {
    func builtinDerivation(_ t: BuildStore, name: String, builtin: String, text: String) throws -> StorePath {
        let fixed = FixedOutputHash(method: .flat, hash: Hash.compute(.sha256, of: Array(text.utf8)))
        var derivation = Derivation(
            name: name, outputs: ["out": DerivationOutput(fixed: fixed)], system: "builtin",
            builder: "builtin:\(builtin)",
            environment: ["name": name, "system": "builtin", "builder": "builtin:\(builtin)", "text": text,
                          "outputHash": fixed.hash.encoded(.nixBase32, withAlgorithm: false), "outputHashAlgo": "sha256"])
        var hasher = t.store.derivationHasher()
        derivation = try hasher.fillingOutputs(of: derivation)
        return try t.store.addDerivation(derivation)
    }

    @Test("a registered builtin builds its derivation; its output is checked and registered like any other")
    func registeredBuiltin() throws {
        let t = try BuildStore("builtin")
        let drv = try builtinDerivation(t, name: "note", builtin: "test-write-text", text: "from a builtin\n")
        var options = BuildOptions()
        options.builtins = BuiltinRegistry([WriteTextBuiltin()])
        let scheduler = Scheduler(store: t.store, options: options, progress: BuildProgress(terminal: false, quiet: true))
        let plan = try scheduler.plan([drv])
        #expect(plan.nodes.map(\.path) == [drv])
        try scheduler.run(plan)
        let out = try t.output(drv)
        #expect(t.read(out) == "from a builtin\n")
        #expect(try t.isValid(out))
        #expect(try scheduler.plan([drv]).isEmpty)
        let log = try Tools.run("/bin/bzcat", [BuildLogPath.of(t, drv)])
        #expect(log.stdout.contains("writing "))
    }

    @Test("an unknown builtin is a clear error listing the known ones")
    func unknownBuiltin() throws {
        let t = try BuildStore("unknown-builtin")
        let drv = try builtinDerivation(t, name: "mystery", builtin: "nonesuch", text: "x")
        let result = try t.build(drv)
        #expect(result.status == 1)
        #expect(result.stderr.contains("uses the builtin builder 'builtin:nonesuch', which this cairn does not have"), "\(result.stderr)")
        #expect(try !t.isValid(try t.output(drv)))
    }

    @Test("a builtin's wrong result is refused by the fixed-output check")
    func builtinHashChecked() throws {
        let t = try BuildStore("builtin-hash")
        var derivation = try t.store.readDerivation(
            at: try builtinDerivation(t, name: "liar", builtin: "test-write-text", text: "promised"))
        derivation.environment["text"] = "delivered"
        var hasher = t.store.derivationHasher()
        let drv = try t.store.addDerivation(try hasher.fillingOutputs(of: derivation))
        var options = BuildOptions()
        options.builtins = BuiltinRegistry([WriteTextBuiltin()])
        let scheduler = Scheduler(store: t.store, options: options, progress: BuildProgress(terminal: false, quiet: true))
        #expect(throws: BuildError.failures(count: 1)) { try scheduler.run(try scheduler.plan([drv])) }
        #expect(try !t.isValid(try t.output(drv)))
    }
}
