import Basics
import Foundation
import Store
import StoreFormats
import Testing

/// Nix as the oracle for what a build produces: one `derivation { … }`
/// expression instantiated by Nix into Cairn's store (and imported) and into a
/// private Nix store; Cairn and Nix, both sandboxed, build it; the outputs'
/// NAR hashes must be equal (same bytes, modes and layout after canonicalisation).
@Suite(.serialized, .enabled(if: Tools.which("nix-store") != nil && Tools.which("nix-instantiate") != nil,
                            "skipped: Nix (Debian nix-bin) is not installed; the build differential needs it"))
struct NixDifferentialBuildTests {
    static let expression = #"""
        { tree }:
        let
          shell = builtins.path { path = tree; name = "shell-tree"; };
          base = derivation {
            name = "base"; system = "x86_64-linux"; builder = "/bin/sh"; PATH = "/bin"; __cairnFHSRoot = shell;
            args = [ "-c" "mkdir -p $out/bin $out/share; echo '#!/bin/sh' > $out/bin/tool; chmod 755 $out/bin/tool; echo data > $out/share/data; ln -s ../share/data $out/bin/link" ];
          };
        in derivation {
          name = "top"; system = "x86_64-linux"; builder = "/bin/sh"; PATH = "/bin"; __cairnFHSRoot = shell;
          outputs = [ "out" "doc" ];
          args = [ "-c" "echo ${base} > $out; mkdir $doc; cat ${base}/share/data > $doc/copy" ];
        }
        """#

    func nixEnvironment(_ root: String, sandboxPaths: String) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try "build-users-group =\nsandbox = true\nsandbox-paths = \(sandboxPaths)\nsubstituters =\n"
            .write(toFile: root + "/etc/nix.conf", atomically: true, encoding: .utf8)
        return ["NIX_STORE_DIR": root + "/store", "NIX_STATE_DIR": root + "/var", "NIX_LOG_DIR": root + "/log",
                "NIX_CONF_DIR": root + "/etc", "HOME": root]
    }

    @Test("Cairn's outputs of a Nix-written derivation have the NAR hashes Nix's build gives them")
    func sameOutputsAsNix() throws {
        let t = try BuildStore("nix-build")
        try Self.expression.write(toFile: t.root + "/graph.nix", atomically: true, encoding: .utf8)
        let tree = t.root + "/shell-tree"
        // Nix gets the same programs through sandbox-paths.
        var paths: [String] = []
        for program in ["sh", "mkdir", "chmod", "ln", "cat"] {
            paths.append("/bin/\(program)=\(tree)/bin/\(program)")
        }
        let libraries = FileManager.default.enumerator(atPath: tree)?.allObjects as? [String] ?? []
        for library in libraries where library.hasPrefix("lib") && !FileSystem.isDirectory(tree + "/" + library) {
            paths.append("/\(library)=\(tree)/\(library)")
        }
        let sandboxPaths = paths.joined(separator: " ")

        // Into Cairn's store: Nix instantiates there, Cairn imports the closure.
        var cairnSide = try nixEnvironment(t.root + "/instantiate", sandboxPaths: sandboxPaths)
        cairnSide["NIX_STORE_DIR"] = t.root + "/store"
        let instantiated = try Tools.run(Tools.which("nix-instantiate") ?? "", [t.root + "/graph.nix", "--arg", "tree", tree], environment: cairnSide)
        try #require(instantiated.status == 0, "\(instantiated.stderr)")
        let drv = try #require(instantiated.lines.first)
        let closure = try Tools.run(Tools.which("nix-store") ?? "", ["-qR", drv], environment: cairnSide).lines
        let bundle = t.root + "/graph.bundle"
        let exported = try Tools.run("/bin/sh", ["-c", "nix-store --export \"$@\" > \(bundle)", "sh"] + closure, environment: cairnSide)
        try #require(exported.status == 0, "\(exported.stderr)")
        let imported = try Tools.run("/bin/sh", ["-c", "\(Tools.cairn) archive --import < \(bundle)"], environment: t.environment)
        try #require(imported.status == 0, "\(imported.stderr)")
        let ours = try t.cairn(["build", drv])
        try #require(ours.status == 0, "\(ours.stderr)")

        // Nix builds the same expression in its own store.
        let nixSide = try nixEnvironment(t.root + "/nix", sandboxPaths: sandboxPaths)
        let nixDrv = try Tools.run(Tools.which("nix-instantiate") ?? "", [t.root + "/graph.nix", "--arg", "tree", tree], environment: nixSide)
        try #require(nixDrv.status == 0, "\(nixDrv.stderr)")
        // nix-store -r prints every output (nix-build only the default ones).
        let theirs = try Tools.run(Tools.which("nix-store") ?? "", ["-r", nixDrv.lines.first ?? ""], environment: nixSide)
        try #require(theirs.status == 0, "\(theirs.stderr)")
        try #require(ours.lines.count == 2 && theirs.lines.count == 2, "\(ours.lines) \(theirs.lines)")
        let nixHash = try Tools.which("nix-hash") ?? ""
        // Nix prints the outputs in no fixed order: pick them by name. The
        // top output mentions its store directory, so `doc` and `base`
        // compare byte for byte and `out` through the path it holds.
        func pick(_ lines: [String], _ suffix: String) throws -> String {
            try #require(lines.first { $0.hasSuffix(suffix) })
        }
        let oursDoc = try pick(ours.lines, "-top-doc"), theirsDoc = try pick(theirs.lines, "-top-doc")
        #expect(try Tools.run(nixHash, ["--type", "sha256", oursDoc]).stdout == Tools.run(nixHash, ["--type", "sha256", theirsDoc]).stdout)
        let oursBase = try #require(t.read(try pick(ours.lines, "-top"))).trimmingCharacters(in: .whitespacesAndNewlines)
        let theirsBase = try #require(t.read(try pick(theirs.lines, "-top"))).trimmingCharacters(in: .whitespacesAndNewlines)
        let oursBaseHash = try Tools.run(nixHash, ["--type", "sha256", oursBase]).stdout
        #expect(!oursBaseHash.isEmpty)
        #expect(oursBaseHash == (try Tools.run(nixHash, ["--type", "sha256", theirsBase]).stdout))
        // Cairn's database agrees with the tree on disk.
        let info = try t.store.pathInfo(try t.storeDirectory.parse(oursBase))
        #expect(info.narHash.encoded(.base16, withAlgorithm: false) + "\n" == oursBaseHash)
    }
}
