import Basics
import Builder
import Foundation
import Store
import StoreFormats
import Testing

/// `builtin:fetchurl` through `cairn build`: the download lands as the
/// fixed output, `mirror://` goes through the mirrors file, and a wrong
/// hash registers nothing. HTTP itself is covered by FetchTests; these use
/// `file://` URLs, which the same transport serves.
@Suite(.serialized)
struct FetchURLBuiltinTests {
    func fetchDerivation(_ t: BuildStore, url: String, content: String, executable: Bool = false,
                         recursive: Bool = false, declared: String? = nil) throws -> StorePath {
        let hash: Hash
        if recursive {
            let file = t.root + "/hash-me"
            try FileSystem.writeAtomically(Array((declared ?? content).utf8), to: file)
            chmod(file, executable ? 0o755 : 0o644)
            hash = try LocalStore.narHash(of: file).hash
        } else {
            hash = Hash.compute(.sha256, of: Array((declared ?? content).utf8))
        }
        let fixed = FixedOutputHash(method: recursive ? .recursive : .flat, hash: hash)
        var environment = ["name": "download", "system": "builtin", "builder": "builtin:fetchurl", "url": url,
                           "outputHash": hash.encoded(.nixBase32, withAlgorithm: false), "outputHashAlgo": "sha256",
                           "outputHashMode": recursive ? "recursive" : "flat"]
        if executable { environment["executable"] = "1" }
        var derivation = Derivation(
            name: "download", outputs: ["out": DerivationOutput(fixed: fixed)], system: "builtin",
            builder: "builtin:fetchurl", environment: environment)
        var hasher = t.store.derivationHasher()
        derivation = try hasher.fillingOutputs(of: derivation)
        return try t.store.addDerivation(derivation)
    }

    @Test("a file:// download becomes the fixed output")
    func fetchesFile() throws {
        let t = try BuildStore("fetchurl")
        try FileSystem.writeAtomically(Array("upstream tarball\n".utf8), to: t.root + "/source.txt")
        let drv = try fetchDerivation(t, url: "file://\(t.root)/source.txt", content: "upstream tarball\n")
        let result = try t.build(drv)
        #expect(result.status == 0, "\(result.stderr)")
        let out = try t.output(drv)
        #expect(result.lines == [out])
        #expect(t.read(out) == "upstream tarball\n")
        #expect(try t.isValid(out))
    }

    @Test("mirror:// URLs are resolved through the mirrors file, and an executable recursive download keeps its bit")
    func mirrorAndExecutable() throws {
        let t = try BuildStore("fetchurl-mirror")
        try FileManager.default.createDirectory(atPath: t.root + "/mirror/tools", withIntermediateDirectories: true)
        try FileSystem.writeAtomically(Array("#!/bin/sh\necho hi\n".utf8), to: t.root + "/mirror/tools/run.sh")
        try FileSystem.writeAtomically(Array("local file://\(t.root)/mirror/\n".utf8), to: t.root + "/mirrors")
        let drv = try fetchDerivation(t, url: "mirror://local/tools/run.sh", content: "#!/bin/sh\necho hi\n",
                                      executable: true, recursive: true)
        var environment = t.environment
        environment["CAIRN_MIRRORS_FILE"] = t.root + "/mirrors"
        let result = try Tools.run(Tools.cairn, ["build", t.absolute(drv)], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let out = try t.output(drv)
        #expect(FileManager.default.isExecutableFile(atPath: out))

        let unknown = try fetchDerivation(t, url: "mirror://nowhere/x", content: "x")
        let failed = try Tools.run(Tools.cairn, ["build", t.absolute(unknown)], environment: environment)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("nowhere"), "\(failed.stderr)")
    }

    @Test("a download whose hash differs registers nothing and names what was expected")
    func hashMismatch() throws {
        let t = try BuildStore("fetchurl-mismatch")
        try FileSystem.writeAtomically(Array("what the server has\n".utf8), to: t.root + "/source.txt")
        let drv = try fetchDerivation(t, url: "file://\(t.root)/source.txt", content: "x", declared: "what we expected\n")
        let result = try t.build(drv)
        #expect(result.status == 1)
        let expected = Hash.compute(.sha256, of: Array("what we expected\n".utf8)).encoded(.nixBase32, withAlgorithm: false)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(try !t.isValid(try t.output(drv)))
    }
}
