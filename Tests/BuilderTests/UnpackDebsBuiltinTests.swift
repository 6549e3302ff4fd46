import Basics
import Builder
import Foundation
import Store
import StoreFormats
import Testing

/// `builtin:unpack-debs` through `cairn build`: a Debian package fetched as a
/// fixed output is unpacked into the output with the links its maintainer
/// scripts would have made; a path outside the store is refused.
@Suite(.serialized)
struct UnpackDebsBuiltinTests {
    static var dpkgDeb: String? { Tools.which("dpkg-deb") }

    /// A package with an executable, built by dpkg-deb, fetched into the store.
    func fetchedPackage(_ t: BuildStore) throws -> StorePath {
        let tree = t.root + "/pkg"
        try FileManager.default.createDirectory(atPath: tree + "/DEBIAN", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/usr/bin", withIntermediateDirectories: true)
        try FileSystem.writeAtomically(Array("Package: demo\nVersion: 1\nArchitecture: all\nMaintainer: n <n@localhost>\nDescription: d\n".utf8), to: tree + "/DEBIAN/control")
        try FileSystem.writeAtomically(Array("#!/bin/sh\necho demo\n".utf8), to: tree + "/usr/bin/demo", mode: 0o755)
        _ = try Tools.run(try #require(Self.dpkgDeb), ["--root-owner-group", "--build", tree, t.root + "/demo.deb"])
        let bytes = try FileSystem.readFile(t.root + "/demo.deb")
        let hash = Hash.compute(.sha256, of: bytes)
        let fixed = FixedOutputHash(method: .flat, hash: hash)
        var derivation = Derivation(
            name: "demo.deb", outputs: ["out": DerivationOutput(fixed: fixed)], system: "builtin", builder: "builtin:fetchurl",
            environment: ["name": "demo.deb", "system": "builtin", "builder": "builtin:fetchurl", "url": "file://\(t.root)/demo.deb",
                          "outputHash": hash.encoded(.nixBase32, withAlgorithm: false), "outputHashAlgo": "sha256"])
        var hasher = t.store.derivationHasher()
        derivation = try hasher.fillingOutputs(of: derivation)
        return try t.store.addDerivation(derivation)
    }

    func unpackDerivation(_ t: BuildStore, fetch: StorePath, debs: String, links: String) throws -> StorePath {
        var derivation = Derivation(
            name: "seed", outputs: ["out": DerivationOutput()], inputDerivations: [fetch: ["out"]],
            system: "builtin", builder: "builtin:unpack-debs",
            environment: ["name": "seed", "system": "builtin", "builder": "builtin:unpack-debs", "debs": debs, "links": links])
        var hasher = t.store.derivationHasher()
        derivation = try hasher.fillingOutputs(of: derivation)
        return try t.store.addDerivation(derivation)
    }

    @Test("packages unpack into one tree with the links maintainer scripts would make")
    func unpacks() throws {
        guard Self.dpkgDeb != nil else {
            print("skip: dpkg-deb is not installed; builtin:unpack-debs is not tested")
            return
        }
        let t = try BuildStore("unpack-debs")
        let fetch = try fetchedPackage(t)
        let deb = try t.output(fetch)
        let drv = try unpackDerivation(t, fetch: fetch, debs: deb, links: "bin/sh ../usr/bin/demo\nusr/bin/demo-alias demo\n")
        let result = try t.build(drv)
        #expect(result.status == 0, "\(result.stderr)")
        let out = try t.output(drv)
        #expect(t.read(out + "/usr/bin/demo") == "#!/bin/sh\necho demo\n")
        #expect(FileManager.default.isExecutableFile(atPath: out + "/usr/bin/demo"))
        #expect(try FileSystem.readLink(out + "/bin/sh") == "../usr/bin/demo")
        #expect(try FileSystem.readLink(out + "/usr/bin/demo-alias") == "demo")
        #expect(try t.isValid(out))
    }

    @Test("a package path outside the store, or a link escaping the output, is refused")
    func refusesOutside() throws {
        guard Self.dpkgDeb != nil else {
            print("skip: dpkg-deb is not installed; builtin:unpack-debs is not tested")
            return
        }
        let t = try BuildStore("unpack-debs-outside")
        let fetch = try fetchedPackage(t)
        let outside = try unpackDerivation(t, fetch: fetch, debs: t.root + "/demo.deb", links: "")
        let result = try t.build(outside)
        #expect(result.status != 0)
        #expect(result.stderr.contains("which is not in the store"), "\(result.stderr)")
        let escaping = try unpackDerivation(t, fetch: fetch, debs: try t.output(fetch), links: "../escape demo\n")
        let second = try t.build(escaping)
        #expect(second.status != 0)
        #expect(second.stderr.contains("has a bad line in 'links'"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: t.root + "/store/escape"))
    }
}
