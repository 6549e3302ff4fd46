import Basics
import Foundation
import Testing
@testable import Store
import StoreFormats

/// Derivations made with Cairn's API: the examples these tests register.
enum SampleDerivations {
    static func template(_ name: String, outputs: [String] = ["out"], arguments: [String] = ["-c", "echo > $out"]) -> Derivation {
        var environment = ["name": name, "system": "x86_64-linux", "builder": "/bin/sh"]
        if outputs != ["out"] { environment["outputs"] = outputs.joined(separator: " ") }
        return Derivation(
            name: name, outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0, DerivationOutput()) }),
            system: "x86_64-linux", builder: "/bin/sh", arguments: arguments, environment: environment)
    }

    static func fixed(_ name: String, hash: String) throws -> Derivation {
        var derivation = template(name)
        let parsed = try Hash.parse(hash)
        derivation.outputs["out"] = DerivationOutput(fixed: FixedOutputHash(method: .flat, hash: parsed))
        derivation.environment["outputHash"] = hash
        return derivation
    }
}

struct DerivationStoreTests {
    @Test("a derivation is stored as a text path with its inputs as references, and reads back")
    func addAndRead() throws {
        let t = try TempStore()
        var hasher = t.store.derivationHasher()
        let lib = try hasher.fillingOutputs(of: SampleDerivations.template("lib", outputs: ["out", "dev"]))
        let libPath = try t.store.addDerivation(lib)
        #expect(libPath == (try hasher.derivationPath(of: lib)))
        #expect(libPath.name == "lib.drv")
        let source = try t.text("builder.sh", "echo hi")
        var app = SampleDerivations.template("app")
        app.inputDerivations[libPath] = ["dev"]
        app.inputSources = [source]
        app = try hasher.fillingOutputs(of: app)
        let appPath = try t.store.addDerivation(app)

        #expect(try t.store.readDerivation(at: appPath) == app)
        #expect(try t.store.readDerivation(at: libPath) == lib)
        let info = try t.store.pathInfo(appPath)
        #expect(info.references == [libPath, source].sorted())
        if case .text = info.contentAddress {} else { Issue.record("a .drv is a text path") }
        let bytes = try FileSystem.readFile(t.store.absolute(appPath))
        #expect(bytes == app.serialized(in: t.store.storeDirectory))

        let outputs = try t.store.database.derivationOutputs(of: libPath)
        #expect(outputs.keys.sorted() == ["dev", "out"])
        #expect(outputs["dev"] == lib.outputs["dev"]?.path)
        #expect(try t.store.database.derivers(of: try #require(app.outputs["out"]?.path)) == [appPath])
        // Adding it again is the same item, nothing new.
        #expect(try t.store.addDerivation(app) == appPath)
    }

    @Test("a fixed-output derivation's path follows from its hash alone")
    func fixedOutput() throws {
        let t = try TempStore()
        var hasher = t.store.derivationHasher()
        let hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        let one = try hasher.fillingOutputs(of: SampleDerivations.fixed("src", hash: "sha256:" + hello))
        var other = try SampleDerivations.fixed("src", hash: "sha256:" + hello)
        other.arguments = ["-c", "fetch it elsewhere"]
        other = try hasher.fillingOutputs(of: other)
        #expect(one.outputs["out"]?.path == other.outputs["out"]?.path)
        #expect(one.outputs["out"]?.path == (try t.store.storeDirectory.makeFixedOutputPath(
            name: "src", method: .flat, hash: Hash.parse("sha256:" + hello))))
        // Users of either have the same outputs: only the promised hash counts.
        let onePath = try t.store.addDerivation(one)
        let otherPath = try t.store.addDerivation(other)
        var userOfOne = SampleDerivations.template("user")
        userOfOne.inputDerivations[onePath] = ["out"]
        var userOfOther = userOfOne
        userOfOther.inputDerivations = [otherPath: ["out"]]
        let a = try hasher.fillingOutputs(of: userOfOne)
        let b = try hasher.fillingOutputs(of: userOfOther)
        #expect(a.outputs == b.outputs)
        #expect(try hasher.derivationPath(of: a) != hasher.derivationPath(of: b))
    }

    @Test("derivations with missing inputs or wrong outputs are refused and nothing is registered")
    func refusals() throws {
        let t = try TempStore()
        var hasher = t.store.derivationHasher()
        let good = try hasher.fillingOutputs(of: SampleDerivations.template("good"))
        let ghost = try StorePath(baseName: "00000000000000000000000000000000-ghost.drv")

        var missingInput = SampleDerivations.template("missing")
        missingInput.inputDerivations[ghost] = ["out"]
        #expect(throws: StoreError.self) { try t.store.addDerivation(missingInput) }

        var wrongPath = good
        wrongPath.outputs["out"]?.path = try StorePath(baseName: "00000000000000000000000000000000-good")
        #expect {
            try t.store.addDerivation(wrongPath)
        } throws: { error in
            guard case .outputPathMismatch(_, "out", _, _) = error as? DerivationError else { return false }
            return true
        }

        var wrongEnvironment = good
        wrongEnvironment.environment["out"] = "/elsewhere"
        #expect {
            try t.store.addDerivation(wrongEnvironment)
        } throws: { error in
            guard case .environmentMismatch(_, "out", "/elsewhere", _) = error as? DerivationError else { return false }
            return true
        }

        var unfilled = SampleDerivations.template("unfilled")
        unfilled.environment["out"] = ""
        #expect(throws: DerivationError.missingOutputPath(derivation: "unfilled", output: "out")) {
            try t.store.addDerivation(unfilled)
        }

        let libPath = try t.store.addDerivation(try hasher.fillingOutputs(of: SampleDerivations.template("lib")))
        var unknownOutput = SampleDerivations.template("uses-dev")
        unknownOutput.inputDerivations[libPath] = ["dev"]
        #expect {
            _ = try hasher.fillingOutputs(of: unknownOutput)
        } throws: { error in
            guard case .unknownInputOutput(_, _, "dev", ["out"]) = error as? DerivationError else { return false }
            return true
        }
        #expect(try t.store.database.allValidPaths() == [libPath])
    }

    @Test("names and outputs Nix's derivation primitive refuses are refused")
    func badNames() throws {
        let t = try TempStore()
        var hasher = t.store.derivationHasher()
        var mixed = try SampleDerivations.fixed("x", hash: "sha1:aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
        mixed.outputs["dev"] = DerivationOutput()
        let cases: [(Derivation, (DerivationError) -> Bool)] = [
            (SampleDerivations.template("x.drv"), { if case .invalidName = $0 { true } else { false } }),
            (SampleDerivations.template("bad name"), { if case .invalidName = $0 { true } else { false } }),
            (SampleDerivations.template("x", outputs: ["out", "drv"]), { if case .invalidOutputName = $0 { true } else { false } }),
            (SampleDerivations.template("x", outputs: ["out", "b\"ad"]), { if case .invalidOutputName = $0 { true } else { false } }),
            (SampleDerivations.template("x", outputs: []), { if case .noOutputs = $0 { true } else { false } }),
            ({ var d = SampleDerivations.template("x"); d.system = "a\"b"; return d }(),
             { if case .unrepresentableSystem = $0 { true } else { false } }),
            (mixed, { if case .mixedOutputKinds = $0 { true } else { false } }),
        ]
        for (derivation, matches) in cases {
            do {
                _ = try hasher.fillingOutputs(of: derivation)
                Issue.record("\(derivation.name) \(derivation.sortedOutputNames) was accepted")
            } catch let error as DerivationError {
                #expect(matches(error), "\(error.message)")
                #expect(error.hint != nil)
            }
        }
    }

    @Test("readDerivation names the file and offset of a damaged .drv")
    func damagedFile() throws {
        let t = try TempStore()
        let bad = try t.text("broken.drv", "Derive([(\"out\"")
        #expect {
            try t.store.readDerivation(at: bad)
        } throws: { error in
            guard let error = error as? DerivationFileError else { return false }
            return error.file == t.store.absolute(bad) && error.message.contains("at byte 14")
        }
        let notDrv = try t.text("plain.txt", "x")
        #expect(throws: DerivationError.self) { try t.store.readDerivation(at: notDrv) }
    }
}
