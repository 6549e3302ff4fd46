import Foundation
import Testing

/// `cairn derivation show` against `nix show-derivation` (Nix 2.8's name for
/// `nix derivation show`), on derivations Nix wrote into the same store directory.
@Suite(.enabled(if: TestTools.nixAvailable && TestTools.which("nix") != nil, TestTools.nixSkipReason))
struct DerivationShowNixTests {
    static let expression = #"""
        rec {
          plain = derivation { name = "plain"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
          multiple = derivation { name = "multiple"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
          fetched = derivation { name = "fetched"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "recursive";
            outputHash = "sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00="; };
          top = derivation { name = "top"; system = "x86_64-linux"; builder = "/bin/sh";
            args = [ "-c" "cat ${plain} ${multiple.dev} ${fetched} ${builtins.toFile "note" "n"}" ];
            text = "quote\" backslash\\ newline\n tab\t é ☃"; };
        }
        """#

    /// Instantiates the expression with Nix and imports the .drv closure into Cairn.
    static func prepare(_ sandbox: Sandbox) throws -> (top: String, all: [String]) {
        try sandbox.write("d.nix", expression)
        try sandbox.write("nix/etc/nix.conf", "build-users-group =\nsandbox = false\n")
        let made = try sandbox.nix("nix-instantiate", [sandbox.path("d.nix"), "-A", "top"])
        try #require(made.status == 0, "\(made.stderr)")
        let top = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let closure = try sandbox.nix("nix-store", ["-qR", top]).lines
        let bundle = try sandbox.nix("nix-store", ["--export"] + closure)
        try #require(bundle.status == 0, "\(bundle.stderr)")
        let imported = try sandbox.cairn(["archive", "--import"], stdinData: bundle.stdout)
        try #require(imported.status == 0, "\(imported.stderr)")
        return (top, closure.filter { $0.hasSuffix(".drv") })
    }

    func nixShow(_ sandbox: Sandbox, _ arguments: [String]) throws -> ProcessResult {
        try sandbox.nix("nix", ["--extra-experimental-features", "nix-command", "show-derivation"] + arguments)
    }

    @Test("cairn derivation show prints what nix show-derivation prints")
    func showMatchesNix() throws {
        let sandbox = try Sandbox("drv-show")
        let (_, all) = try Self.prepare(sandbox)
        #expect(all.count == 4)
        let ours = try sandbox.cairn(["derivation", "show"] + all)
        let nix = try nixShow(sandbox, all)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(nix.status == 0, "\(nix.stderr)")
        let oursJSON = try JSONSerialization.jsonObject(with: ours.stdout) as? NSDictionary
        let nixJSON = try JSONSerialization.jsonObject(with: nix.stdout) as? NSDictionary
        #expect(oursJSON != nil && oursJSON == nixJSON)
        // The layout too, so the output diffs cleanly against Nix's.
        #expect(ours.output == nix.output)
    }

    @Test("cairn derivation show -r includes the input derivations, as nix show-derivation -r")
    func recursiveMatchesNix() throws {
        let sandbox = try Sandbox("drv-show-r")
        let (top, _) = try Self.prepare(sandbox)
        let ours = try sandbox.cairn(["derivation", "show", "-r", top])
        let nix = try nixShow(sandbox, ["-r", top])
        #expect(ours.status == 0, "\(ours.stderr)")
        let oursJSON = try JSONSerialization.jsonObject(with: ours.stdout) as? NSDictionary
        #expect(oursJSON?.count == 4)
        #expect(oursJSON == (try JSONSerialization.jsonObject(with: nix.stdout) as? NSDictionary))
    }
}

struct DerivationShowTests {
    static let good = #"Derive([("out","/tmp/x/store/b64p0sl0immc9p1lwj89awrhnvgiyfhj-simple","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo hi > $out"],[("builder","/bin/sh"),("name","simple"),("out","/tmp/x/store/b64p0sl0immc9p1lwj89awrhnvgiyfhj-simple"),("system","x86_64-linux")])"#

    @Test("a .drv outside the store is shown under its own path")
    func fileOutsideStore() throws {
        let sandbox = try Sandbox("drv-file")
        try sandbox.write("simple.drv", Self.good)
        let result = try TestTools.run(
            TestTools.cairn, ["derivation", "show", sandbox.path("simple.drv")],
            environment: ["CAIRN_STORE_DIR": "/tmp/x/store", "CAIRN_STATE_DIR": sandbox.state])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: result.stdout) as? [String: [String: Any]]
        let shown = try #require(json?[sandbox.path("simple.drv")])
        #expect((shown["args"] as? [String]) == ["-c", "echo hi > $out"])
        #expect((shown["outputs"] as? [String: [String: String]])?["out"]?["path"] == "/tmp/x/store/b64p0sl0immc9p1lwj89awrhnvgiyfhj-simple")
        // It reads files only: no store was created.
        #expect(!FileManager.default.fileExists(atPath: sandbox.state))
    }

    @Test("a damaged .drv is an error naming the file and byte offset, exit 1")
    func damaged() throws {
        let sandbox = try Sandbox("drv-bad")
        try sandbox.write("bad.drv", String(Self.good.dropLast(2)) + "]]")
        try sandbox.write("escape.drv", Self.good.replacingOccurrences(of: "echo hi", with: #"echo\q"#))
        let store = ["CAIRN_STORE_DIR": "/tmp/x/store", "CAIRN_STATE_DIR": sandbox.state]
        for (file, fragment) in [("bad.drv", "expected ')'"), ("escape.drv", "invalid escape '\\q'")] {
            let result = try TestTools.run(TestTools.cairn, ["derivation", "show", sandbox.path(file)], environment: store)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("cairn: error: derivation '\(sandbox.path(file))': at byte "), "\(result.stderr)")
            #expect(result.stderr.contains(fragment), "\(result.stderr)")
            #expect(result.stderr.contains("hint: "), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let elsewhere = try TestTools.run(
            TestTools.cairn, ["derivation", "show", sandbox.path("escape.drv")],
            environment: ["CAIRN_STORE_DIR": "/other/store", "CAIRN_STATE_DIR": sandbox.state])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("not in the store directory '/other/store'"), "\(elsewhere.stderr)")
        let missing = try sandbox.cairn(["derivation", "show", sandbox.path("nope.drv")])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("cairn: error: "))
    }

    @Test("derivation show --help has examples; no FILE is a usage error")
    func help() throws {
        let sandbox = try Sandbox("drv-help")
        let help = try sandbox.cairn(["derivation", "show", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("Examples:"))
        #expect(help.output.contains("cairn derivation show"))
        let usage = try sandbox.cairn(["derivation", "show"])
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("cairn: error: "))
        let top = try sandbox.cairn(["--help"])
        #expect(top.output.contains("derivation"))
    }
}
