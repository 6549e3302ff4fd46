import Foundation
import Testing

/// Same input, same bytes, same paths as Nix (ARCHITECTURE.md §1.2).
@Suite(.enabled(if: TestTools.nixAvailable, TestTools.nixSkipReason))
struct NixDifferentialTests {
    static let seeds: [UInt64] = Array(1...12)

    @Test("cairn hash -S nar equals nix-hash on generated trees", arguments: seeds)
    func narHashMatchesNix(seed: UInt64) throws {
        let sandbox = try Sandbox("hash")
        try TreeFactory.make(in: sandbox, at: "tree", seed: seed, largeFile: seed == 3 ? 9_437_185 : 0)
        let ours = try sandbox.cairn(["hash", "-S", "nar", sandbox.path("tree")])
        let nix = try sandbox.nix("nix-hash", ["--type", "sha256", "--base32", sandbox.path("tree")])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(nix.status == 0, "\(nix.stderr)")
        #expect(ours.output == nix.output)
        let hex = try sandbox.cairn(["hash", "-S", "nar", "-f", "base16", "-H", "sha512", sandbox.path("tree")])
        let nixHex = try sandbox.nix("nix-hash", ["--type", "sha512", sandbox.path("tree")])
        #expect(hex.output == nixHex.output)
    }

    @Test("cairn store dump equals nix-store --dump byte for byte", arguments: seeds)
    func dumpMatchesNix(seed: UInt64) throws {
        let sandbox = try Sandbox("dump")
        try TreeFactory.make(in: sandbox, at: "tree", seed: seed, largeFile: seed == 5 ? 6_000_003 : 0)
        let ours = try sandbox.cairn(["store", "dump", sandbox.path("tree")])
        let nix = try sandbox.nix("nix-store", ["--dump", sandbox.path("tree")])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(!ours.stdout.isEmpty)
        #expect(ours.stdout == nix.stdout)
    }

    @Test("cairn store add gives nix-store --add's path, --flat gives --add-fixed's", arguments: seeds)
    func addMatchesNix(seed: UInt64) throws {
        let sandbox = try Sandbox("add")
        try TreeFactory.make(in: sandbox, at: "tree-\(seed)", seed: seed)
        try sandbox.write("file-\(seed).dat", SeededGenerator.bytes(seed: seed, count: Int(seed) * 1000))
        let ours = try sandbox.cairn(["store", "add", sandbox.path("tree-\(seed)")])
        let nix = try sandbox.nix("nix-store", ["--add", sandbox.path("tree-\(seed)")])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.output == nix.output)
        #expect(ours.output.hasPrefix(sandbox.store + "/"))

        let flat = try sandbox.cairn(["store", "add", "--flat", sandbox.path("file-\(seed).dat")])
        let nixFlat = try sandbox.nix("nix-store", ["--add-fixed", "sha256", sandbox.path("file-\(seed).dat")])
        #expect(flat.status == 0, "\(flat.stderr)")
        #expect(flat.output == nixFlat.output)

        // The item in the store has the same NAR as the source (modes aside, which NAR ignores but the x bit).
        let item = ours.output.trimmingCharacters(in: .newlines)
        let itemHash = try sandbox.cairn(["hash", "-S", "nar", item])
        let sourceHash = try sandbox.cairn(["hash", "-S", "nar", sandbox.path("tree-\(seed)")])
        #expect(itemHash.output == sourceHash.output)
    }

    @Test("a bundle from nix-store --export imports into Cairn, with references and content addresses")
    func nixBundleImports() throws {
        let sandbox = try Sandbox("nix2cairn")
        try TreeFactory.make(in: sandbox, at: "tree", seed: 42)
        // Text items with references, made by Nix's own evaluator.
        let made = try sandbox.nix("nix-instantiate", [
            "--eval", "--read-write-mode", "--json", "-E",
            #"let a = builtins.toFile "a.txt" "alpha"; b = builtins.toFile "b.txt" "see ${a}"; in b"#,
        ])
        try #require(made.status == 0, "\(made.stderr)")
        let b = made.output.trimmingCharacters(in: CharacterSet(charactersIn: "\"\n"))
        let tree = try sandbox.nix("nix-store", ["--add", sandbox.path("tree")]).output.trimmingCharacters(in: .newlines)
        let bundle = sandbox.path("nix.bundle")
        let requisites = try sandbox.nix("nix-store", ["-qR", b]).lines
        #expect(requisites.count == 2)
        let exported = try sandbox.nix("nix-store", ["--export", tree] + requisites)
        try #require(exported.status == 0, "\(exported.stderr)")
        try exported.stdout.write(to: URL(fileURLWithPath: bundle))

        let imported = try sandbox.cairn(["archive", "--import"], stdin: URL(fileURLWithPath: bundle))
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(Set(imported.lines) == Set([tree] + requisites))

        let info = try sandbox.cairn(["store", "info", "--format=json", b])
        #expect(info.status == 0, "\(info.stderr)")
        let json = try JSONSerialization.jsonObject(with: info.stdout) as? [[String: Any]]
        let nixHash = try sandbox.nix("nix-store", ["-q", "--hash", b]).output.trimmingCharacters(in: .newlines)
        #expect(json?.first?["narHash"] as? String == nixHash)
        #expect((json?.first?["references"] as? [String])?.count == 1)
        #expect((json?.first?["ca"] as? String)?.hasPrefix("text:sha256:") == true)

        let treeInfo = try sandbox.cairn(["store", "info", "--format=json", tree])
        let treeJSON = try JSONSerialization.jsonObject(with: treeInfo.stdout) as? [[String: Any]]
        #expect((treeJSON?.first?["ca"] as? String)?.hasPrefix("fixed:r:sha256:") == true)
        let verify = try sandbox.cairn(["gc", "--verify=contents"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test("a bundle from cairn archive --export imports into Nix")
    func cairnBundleImportsIntoNix() throws {
        let sandbox = try Sandbox("cairn2nix")
        try TreeFactory.make(in: sandbox, at: "tree", seed: 7)
        try sandbox.write("notes.txt", "plain notes\n")
        let tree = try sandbox.cairn(["store", "add", sandbox.path("tree")]).output.trimmingCharacters(in: .newlines)
        let notes = try sandbox.cairn(["store", "add", "--flat", sandbox.path("notes.txt")]).output.trimmingCharacters(in: .newlines)
        let bundle = try sandbox.cairn(["archive", "--export", tree, notes])
        try #require(bundle.status == 0, "\(bundle.stderr)")
        let imported = try sandbox.nix("nix-store", ["--import"], stdinData: bundle.stdout)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(Set(imported.lines) == [tree, notes])
        let nixVerify = try sandbox.nix("nix-store", ["--verify-path", tree])
        #expect(nixVerify.status == 0, "\(nixVerify.stderr)")
        // And Nix's re-export is byte-identical to ours.
        let again = try sandbox.nix("nix-store", ["--export", tree, notes])
        #expect(again.stdout == bundle.stdout)
    }
}
