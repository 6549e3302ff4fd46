import Foundation
import Testing

/// Bad input gets a clear error and changes nothing.
struct BadInputTests {
    static let hostileNARs: [(String, Data)] = {
        var cases: [(String, Data)] = []
        cases.append(("unsorted entries", NARBuilder.directory([(Array("b".utf8), "1"), (Array("a".utf8), "2")])))
        cases.append(("duplicate entries", NARBuilder.directory([(Array("a".utf8), "1"), (Array("a".utf8), "2")])))
        cases.append(("'..' as a name", NARBuilder.directory([(Array("..".utf8), "x")])))
        cases.append(("'.' as a name", NARBuilder.directory([(Array(".".utf8), "x")])))
        cases.append(("'/' in a name", NARBuilder.directory([(Array("a/b".utf8), "x")])))
        cases.append(("NUL in a name", NARBuilder.directory([([0x61, 0x00, 0x62], "x")])))
        cases.append(("empty name", NARBuilder.directory([([], "x")])))
        let good = NARBuilder.file("hello world")
        cases.append(("truncated data", good.prefix(good.count - 13)))
        cases.append(("trailing garbage", good + Data([1, 2, 3, 4, 5, 6, 7, 8])))
        var badPad = NARBuilder()
        badPad.tokens("nix-archive-1", "(", "type", "regular", "contents")
        badPad.str(Array("abc".utf8), padByte: 0x41)
        badPad.tokens(")")
        cases.append(("bad padding", badPad.data))
        var magic = NARBuilder()
        magic.tokens("nix-archive-2", "(", "type", "regular", "contents")
        magic.str("x")
        magic.tokens(")")
        cases.append(("bad magic", magic.data))
        var huge = NARBuilder()
        huge.tokens("nix-archive-1", "(", "type", "directory", "entry", "(", "name")
        huge.u64(UInt64(1) << 60)
        cases.append(("absurd name length", huge.data))
        var token = NARBuilder()
        token.tokens("nix-archive-1", "(", "type", "fifo", ")")
        cases.append(("unknown node type", token.data))
        cases.append(("empty input", Data()))
        return cases
    }()

    @Test("store restore rejects hostile NARs and leaves nothing behind", arguments: hostileNARs.map(\.0))
    func restoreRejects(name: String) throws {
        let nar = try #require(Self.hostileNARs.first { $0.0 == name }?.1)
        let sandbox = try Sandbox("restore-bad")
        let result = try sandbox.cairn(["store", "restore", sandbox.path("out")], stdinData: nar)
        #expect(result.status == 1, "\(name): status \(result.status), \(result.stderr)")
        #expect(result.stderr.hasPrefix("cairn: error: "), "\(result.stderr)")
        #expect(!result.signalled)
        let left = try FileManager.default.contentsOfDirectory(atPath: sandbox.root.path)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("a symlink target is kept as written, even '..' or absolute")
    func symlinkTargetsKept() throws {
        var b = NARBuilder()
        b.tokens("nix-archive-1", "(", "type", "directory", "entry", "(", "name", "up", "node", "(", "type", "symlink", "target", "../../etc/passwd", ")", ")", ")")
        let sandbox = try Sandbox("restore-link")
        let result = try sandbox.cairn(["store", "restore", sandbox.path("out")], stdinData: b.data)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: sandbox.path("out/up")) == "../../etc/passwd")
    }

    @Test("restore then dump round-trips a tree")
    func restoreRoundTrip() throws {
        let sandbox = try Sandbox("roundtrip")
        try TreeFactory.make(in: sandbox, at: "tree", seed: 3)
        let nar = try sandbox.cairn(["store", "dump", sandbox.path("tree")]).stdout
        let restored = try sandbox.cairn(["store", "restore", sandbox.path("copy")], stdinData: nar)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try sandbox.cairn(["store", "dump", sandbox.path("copy")]).stdout == nar)
        let again = try sandbox.cairn(["store", "restore", sandbox.path("copy")], stdinData: nar)
        #expect(again.status == 1)
        #expect(again.stderr.contains("copy"))
    }

    @Test("invalid and foreign store paths are refused by name")
    func invalidStorePaths() throws {
        let sandbox = try Sandbox("badpath")
        for path in [
            sandbox.store + "/not-a-hash", sandbox.store + "/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x",
            sandbox.store + "/00000000000000000000000000000000-", "/etc/passwd",
            sandbox.store + "/00000000000000000000000000000000-valid-name",
        ] {
            let result = try sandbox.cairn(["store", "info", path])
            #expect(result.status == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.hasPrefix("cairn: error: "))
        }
    }

    @Test("a missing file is named and the store is unchanged")
    func missingFile() throws {
        let sandbox = try Sandbox("missing")
        let result = try sandbox.cairn(["store", "add", sandbox.path("nope")])
        #expect(result.status == 1)
        #expect(result.stderr.contains(sandbox.path("nope")))
        let items = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.store).filter { !$0.hasPrefix(".") }) ?? []
        #expect(items.isEmpty)
    }

    @Test("bundles: bad magic, truncation and conflicting content change nothing")
    func badBundles() throws {
        let sandbox = try Sandbox("badbundle")
        try sandbox.write("a.txt", "contents A\n")
        let item = try sandbox.cairn(["store", "add", sandbox.path("a.txt")]).output.trimmingCharacters(in: .newlines)
        let bundle = try sandbox.cairn(["archive", "--export", item]).stdout
        #expect(bundle.count > 100)

        let other = try Sandbox("badbundle2")
        // Truncated anywhere: nothing becomes valid.
        for cut in [7, 30, bundle.count / 2, bundle.count - 9, bundle.count - 1] {
            let result = try other.cairn(["archive", "--import"], stdinData: bundle.prefix(cut))
            #expect(result.status == 1, "cut \(cut): \(result.stderr)")
            #expect(result.stderr.hasPrefix("cairn: error: "))
        }
        #expect(try other.cairn(["gc", "--list-dead"]).lines.isEmpty)
        let notABundle = try other.cairn(["archive", "--import"], stdinData: Data(repeating: 7, count: 64))
        #expect(notABundle.status == 1)

        // Same path, other content: refused, store untouched.
        var tampered = bundle
        let needle = Data("contents A".utf8)
        let range = try #require(tampered.range(of: needle))
        tampered.replaceSubrange(range, with: Data("contents B".utf8))
        let conflict = try sandbox.cairn(["archive", "--import"], stdinData: tampered)
        #expect(conflict.status == 1, "\(conflict.stderr)")
        #expect(conflict.stderr.contains(item))
        let verify = try sandbox.cairn(["gc", "--verify=contents"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test("--verify=contents names every corrupted item and fails")
    func verifyReportsCorruption() throws {
        let sandbox = try Sandbox("corrupt")
        try sandbox.write("one/file", "one\n")
        try sandbox.write("two/file", "two\n")
        try sandbox.write("three/file", "three\n")
        let items = ["one", "two", "three"].map {
            try! sandbox.cairn(["store", "add", sandbox.path($0)]).output.trimmingCharacters(in: .newlines)
        }
        #expect(try sandbox.cairn(["gc", "--verify=contents"]).status == 0)
        for item in items.prefix(2) {
            _ = try TestTools.run("/bin/chmod", ["u+w", item + "/file"])
            try Data("tampered\n".utf8).write(to: URL(fileURLWithPath: item + "/file"))
        }
        let verify = try sandbox.cairn(["gc", "--verify=contents"])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains(items[0]))
        #expect(verify.stderr.contains(items[1]))
        #expect(!verify.stderr.contains(items[2] + "' was modified"))
        // Without contents, existence is checked only.
        #expect(try sandbox.cairn(["gc", "--verify"]).status == 0)
        _ = try TestTools.run("/bin/chmod", ["-R", "u+w", items[2]])
        try FileManager.default.removeItem(atPath: items[2])
        let missing = try sandbox.cairn(["gc", "--verify"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(items[2]))
    }

    @Test("usage errors exit 2 with a hint; hashing a directory flat explains -S nar")
    func usageErrors() throws {
        let sandbox = try Sandbox("usage")
        let unknown = try sandbox.cairn(["gc", "--no-such-option"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("cairn: error: "))
        try sandbox.mkdir("dir")
        let flat = try sandbox.cairn(["hash", sandbox.path("dir")])
        #expect(flat.status == 1)
        #expect(flat.stderr.contains("hint: "))
        #expect(flat.stderr.contains("-S nar"))
        let size = try sandbox.cairn(["gc", "-F", "ten gigs"])
        #expect(size.status == 2)
        let help = try sandbox.cairn(["gc", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("Examples:"))
    }
}

struct ManyOperandsTests {
    @Test("thousands of operands are all taken, and checks still see all of them")
    func manyOperands() throws {
        let sandbox = try Sandbox("many")
        var paths: [String] = []
        for i in 0..<300 {
            try sandbox.write("f/\(i)", "file \(i)\n")
            paths.append(sandbox.path("f/\(i)"))
        }
        let added = try sandbox.cairn(["store", "add"] + paths)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.lines.count == 300)
        #expect(Set(added.lines).count == 300)
        let named = try sandbox.cairn(["store", "add", "--name", "x"] + paths)
        #expect(named.status == 2)
        #expect(named.stderr.contains("--name takes a single PATH"))
        let hashes = try sandbox.cairn(["hash", "-f", "base16"] + paths)
        #expect(hashes.lines.count == 300)
        let info = try sandbox.cairn(["store", "info", "--format=json"] + added.lines)
        #expect(info.status == 0, "\(info.stderr)")
        let json = try JSONSerialization.jsonObject(with: info.stdout) as? [Any]
        #expect(json?.count == 300)
    }
}

struct BundleCycleTests {
    static func bundle(store: String) -> (Data, [String]) {
        let a = store + "/" + String(repeating: "a", count: 32) + "-a"
        let b = store + "/" + String(repeating: "b", count: 32) + "-b"
        var builder = NARBuilder()
        for (path, reference, contents) in [(a, b, "A"), (b, a, "B")] {
            builder.u64(1)
            builder.data.append(NARBuilder.file(contents))
            builder.u64(0x4558_494e)
            builder.str(path)
            builder.u64(1)
            builder.str(reference)
            builder.str("")
            builder.u64(0)
        }
        builder.u64(0)
        return (builder.data, [a, b])
    }

    @Test("a bundle whose items refer to each other in a cycle is refused whole")
    func cycleRefused() throws {
        let sandbox = try Sandbox("cycle")
        let (data, paths) = Self.bundle(store: sandbox.store)
        let result = try sandbox.cairn(["archive", "--import"], stdinData: data)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cycle"), "\(result.stderr)")
        for path in paths { #expect(!FileManager.default.fileExists(atPath: path)) }
        #expect(try sandbox.cairn(["gc", "--list-dead"]).lines.isEmpty)
    }
}
