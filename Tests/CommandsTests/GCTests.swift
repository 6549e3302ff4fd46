import Foundation
import Testing

struct GCTests {
    static func add(_ sandbox: Sandbox, _ name: String, bytes: Int = 100, seed: UInt64 = 1) throws -> String {
        try sandbox.write("src/\(name)", SeededGenerator.bytes(seed: seed, count: bytes))
        let result = try sandbox.cairn(["store", "add", sandbox.path("src/\(name)")])
        try #require(result.status == 0, "\(result.stderr)")
        return result.output.trimmingCharacters(in: .newlines)
    }

    @Test("gc keeps what roots reach and deletes the rest")
    func rootsKept() throws {
        let sandbox = try Sandbox("gc")
        let kept = try Self.add(sandbox, "kept", seed: 1)
        let doomed = try Self.add(sandbox, "doomed", seed: 2)
        try sandbox.symlink("var/gcroots/mine", to: kept)
        let roots = try sandbox.cairn(["gc", "--list-roots"])
        #expect(roots.lines == [sandbox.path("var/gcroots/mine")])
        let detailed = try sandbox.cairn(["gc", "--list-roots", "-v", "2"])
        #expect(detailed.output.contains(kept))
        #expect(try sandbox.cairn(["gc", "--list-live"]).lines == [kept])
        #expect(try sandbox.cairn(["gc", "--list-dead"]).lines == [doomed])
        let gc = try sandbox.cairn(["gc"])
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(gc.stderr.contains("deleted 1 store item"))
        #expect(FileManager.default.fileExists(atPath: kept))
        #expect(!FileManager.default.fileExists(atPath: doomed))
        #expect(try sandbox.cairn(["store", "info", doomed]).status == 1)
        #expect(try sandbox.cairn(["gc", "--verify=contents"]).status == 0)
    }

    @Test("indirect roots count while their link lives; stale ones are dropped")
    func indirectRoots() throws {
        let sandbox = try Sandbox("indirect")
        let item = try Self.add(sandbox, "item")
        // Relative links, as `ln -sr` makes them, resolve from where they are.
        try sandbox.symlink("home/result", to: "../store/" + URL(fileURLWithPath: item).lastPathComponent)
        try sandbox.symlink("var/gcroots/auto/abc", to: "../../../home/result")
        #expect(try sandbox.cairn(["gc", "--list-live"]).lines == [item])
        try sandbox.cairn(["gc"])
        #expect(FileManager.default.fileExists(atPath: item))
        try FileManager.default.removeItem(atPath: sandbox.path("home/result"))
        try sandbox.cairn(["gc"])
        #expect(!FileManager.default.fileExists(atPath: item))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: sandbox.path("var/gcroots/auto/abc"))) == nil)
    }

    @Test("gc -d deletes dead items and refuses live ones")
    func deleteSpecific() throws {
        let sandbox = try Sandbox("delete")
        let live = try Self.add(sandbox, "live", seed: 1)
        let dead = try Self.add(sandbox, "dead", seed: 2)
        let other = try Self.add(sandbox, "other", seed: 3)
        try sandbox.symlink("var/gcroots/live", to: live)
        let refused = try sandbox.cairn(["gc", "-d", live])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("alive"))
        #expect(FileManager.default.fileExists(atPath: live))
        let deleted = try sandbox.cairn(["gc", "-d", dead])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: other))
    }

    @Test("gc -C stops once at least MIN bytes are freed")
    func collectAtLeast() throws {
        let sandbox = try Sandbox("collect-min")
        for i in 0..<10 { _ = try Self.add(sandbox, "blob\(i)", bytes: 1 << 20, seed: UInt64(i)) }
        let gc = try sandbox.cairn(["gc", "-C", "2500K"])
        #expect(gc.status == 0, "\(gc.stderr)")
        let left = try sandbox.cairn(["gc", "--list-dead"]).lines.count
        #expect(left >= 6 && left <= 7, "\(left) left")
        // A bare -C, as in Guix, collects everything.
        let all = try sandbox.cairn(["gc", "-C"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(try sandbox.cairn(["gc", "--list-dead"]).lines.isEmpty)
    }

    @Test("gc -F stops once enough space is free (on a 64 MiB tmpfs in a user namespace)",
          .enabled(if: TestTools.which("unshare") != nil, "skipped: unshare (util-linux) is not installed"))
    func freeSpaceTarget() throws {
        let sandbox = try Sandbox("free-space")
        for i in 0..<10 { try sandbox.write("src/blob\(i)", SeededGenerator.bytes(seed: UInt64(i), count: 4 << 20)) }
        try sandbox.mkdir("fs")
        let fs = sandbox.path("fs")
        let script = """
            set -e
            mount -t tmpfs -o size=64m none \(fs)
            export CAIRN_STORE_DIR=\(fs)/store CAIRN_STATE_DIR=\(fs)/var
            for i in 0 1 2 3 4 5 6 7 8 9; do \(TestTools.cairn) store add \(sandbox.path("src"))/blob$i >/dev/null; done
            avail=$(df -B1 --output=avail \(fs) | tail -1 | tr -d ' ')
            \(TestTools.cairn) gc -F $((avail + 10 * 1024 * 1024)) 2>&1
            echo "dead: $(\(TestTools.cairn) gc --list-dead | wc -l)"
            avail2=$(df -B1 --output=avail \(fs) | tail -1 | tr -d ' ')
            echo "gained: $((avail2 - avail))"
            \(TestTools.cairn) gc -F 1M 2>&1
            """
        let result = try TestTools.run("/usr/bin/unshare", ["-rm", "/bin/sh", "-c", script])
        guard result.status == 0 || !result.stderr.contains("Operation not permitted") else {
            Issue.record("user namespaces refused: \(result.stderr)")
            return
        }
        #expect(result.status == 0, "\(result.output) \(result.stderr)")
        let dead = result.lines.first { $0.hasPrefix("dead: ") }.flatMap { Int($0.dropFirst(6)) }
        let gained = result.lines.first { $0.hasPrefix("gained: ") }.flatMap { Int($0.dropFirst(8)) }
        // 10 MiB wanted from 4 MiB items: three go, seven stay.
        #expect(dead == 7, "\(result.output)")
        #expect((gained ?? 0) >= 10 * 1024 * 1024, "\(result.output)")
        #expect(result.output.contains("nothing to do"))
    }

    @Test("--optimize hard-links identical files and reports the bytes saved")
    func optimize() throws {
        let sandbox = try Sandbox("optimize")
        let blob = SeededGenerator.bytes(seed: 5, count: 300_000)
        try sandbox.write("a/data", blob)
        try sandbox.write("b/data", blob)
        try sandbox.write("b/other", "different")
        let a = try sandbox.cairn(["store", "add", sandbox.path("a")]).output.trimmingCharacters(in: .newlines)
        let b = try sandbox.cairn(["store", "add", sandbox.path("b")]).output.trimmingCharacters(in: .newlines)
        let result = try sandbox.cairn(["gc", "--optimize"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("1 files hard-linked"))
        let inodeA = try FileManager.default.attributesOfItem(atPath: a + "/data")[.systemFileNumber] as? UInt64
        let inodeB = try FileManager.default.attributesOfItem(atPath: b + "/data")[.systemFileNumber] as? UInt64
        #expect(inodeA != nil && inodeA == inodeB)
        #expect(try sandbox.cairn(["gc", "--verify=contents"]).status == 0)
        // Directories stay read-only and canonical after the swap.
        let attributes = try FileManager.default.attributesOfItem(atPath: b)
        #expect((attributes[.posixPermissions] as? Int) == 0o555)
        #expect((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 == 1)
        // Collecting both frees the shared copy too.
        try sandbox.cairn(["gc"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.store + "/.links").isEmpty)
    }

    @Test("store items are canonical and read-only")
    func canonicalItems() throws {
        let sandbox = try Sandbox("canonical")
        try sandbox.write("t/bin/tool", "#!/bin/sh\n", executable: true)
        try sandbox.write("t/share/doc", "doc")
        try sandbox.symlink("t/link", to: "bin/tool")
        let item = try sandbox.cairn(["store", "add", sandbox.path("t")]).output.trimmingCharacters(in: .newlines)
        let fm = FileManager.default
        for (path, mode) in [(item, 0o555), (item + "/bin", 0o555), (item + "/bin/tool", 0o555), (item + "/share/doc", 0o444)] {
            let attributes = try fm.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(path)")
            #expect((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 == 1, "\(path)")
        }
        var st = stat()
        #expect(lstat(item + "/link", &st) == 0)
        #expect(st.st_mtim.tv_sec == 1)
    }
}
