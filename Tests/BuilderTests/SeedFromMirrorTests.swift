import Basics
import Foundation
import Store
import StoreFormats
import Testing

/// INTEGRATION, NETWORK: packages of the channel's seed list fetched through
/// `mirror://debian` by `builtin:fetchurl` derivations (the mirror from this
/// machine's apt sources) and unpacked by `builtin:unpack-debs`, all through
/// `cairn build`; the unpacked programs run. Off by default: run with
/// CAIRN_NETWORK_TESTS=1 (and CAIRN_SEED_ALL=1 to take the whole seed list).
@Suite(.serialized, .enabled(if: ProcessEnvironment.value("CAIRN_NETWORK_TESTS") == "1",
                             "skipped: network integration test; set CAIRN_NETWORK_TESTS=1 to fetch seed packages from the Debian mirror"))
struct SeedFromMirrorTests {
    /// (name, pool file, sha256) of the channel's seed entries.
    static func seed() throws -> [String: (file: String, sha256: String)] {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOfFile: repository.path + "/channel/cairn/bootstrap/debian-seed.scm", encoding: .utf8)
        var entries: [String: (String, String)] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("    (\"") {
            let fields = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            if fields.count == 4 { entries[fields[0]] = (fields[2], fields[3]) }
        }
        return entries
    }

    func fetch(_ t: BuildStore, name: String, file: String, sha256: String) throws -> StorePath {
        let hash = try Hash.parse(sha256, defaultAlgorithm: .sha256)
        let fixed = FixedOutputHash(method: .flat, hash: hash)
        // Store names allow [A-Za-z0-9+-._?=]; Debian file names may hold '~' or '%'.
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?=")
        let fileName = String(String(file.split(separator: "/").last ?? "package.deb").map { allowed.contains($0) ? $0 : "-" })
        var derivation = Derivation(
            name: fileName, outputs: ["out": DerivationOutput(fixed: fixed)], system: "builtin", builder: "builtin:fetchurl",
            environment: ["name": fileName, "system": "builtin", "builder": "builtin:fetchurl", "url": "mirror://debian/" + file,
                          "outputHash": hash.encoded(.nixBase32, withAlgorithm: false), "outputHashAlgo": "sha256"])
        var hasher = t.store.derivationHasher()
        derivation = try hasher.fillingOutputs(of: derivation)
        return try t.store.addDerivation(derivation)
    }

    @Test("seed packages from mirror://debian unpack into one tree whose programs run")
    func seedFromMirror() throws {
        let seed = try Self.seed()
        #expect(seed.count > 50)
        let t = try BuildStore("seed-mirror")
        var inputs: [StorePath: Set<String>] = [:]
        var debs: [String] = []
        for name in (ProcessEnvironment.value("CAIRN_SEED_ALL") == "1" ? seed.keys.sorted() : ["sed", "mawk", "base-files"]) {
            let entry = try #require(seed[name], "\(name) is not in the seed list")
            let drv = try fetch(t, name: name, file: entry.file, sha256: entry.sha256)
            inputs[drv] = ["out"]
            debs.append(try t.output(drv))
        }
        var derivation = Derivation(
            name: "seed-sample", outputs: ["out": DerivationOutput()], inputDerivations: inputs,
            system: "builtin", builder: "builtin:unpack-debs",
            environment: ["name": "seed-sample", "system": "builtin", "builder": "builtin:unpack-debs",
                          "debs": debs.joined(separator: " "), "links": "usr/bin/awk mawk\n"])
        var hasher = t.store.derivationHasher()
        derivation = try hasher.fillingOutputs(of: derivation)
        let drv = try t.store.addDerivation(derivation)
        let result = try t.build(drv)
        #expect(result.status == 0, "\(result.stderr)")
        let out = try t.output(drv)
        #expect(try FileSystem.readLink(out + "/usr/bin/awk") == "mawk")
        #expect(t.read(out + "/etc/debian_version") != nil)
        let sed = try Tools.run(out + "/bin/sed", ["--version"])
        #expect(sed.stdout.contains("GNU sed"))
        let awk = try Tools.run(out + "/usr/bin/awk", ["BEGIN { print 6 * 7 }"])
        #expect(awk.stdout == "42\n")
    }
}
