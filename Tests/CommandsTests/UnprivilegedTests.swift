import Foundation
import Testing

/// Users on clusters have no root: the store must work for an ordinary user
/// in a directory of their own. When the tests run as root, the commands run
/// as `nobody` through setpriv; otherwise they run as the user already.
struct UnprivilegedTests {
    static let runningAsRoot = getuid() == 0
    static let canDropPrivileges = !runningAsRoot || TestTools.which("setpriv") != nil

    func asUser(_ sandbox: Sandbox, _ arguments: [String]) throws -> ProcessResult {
        let env = sandbox.storeEnvironment.map { "\($0.key)=\($0.value)" }
        if Self.runningAsRoot {
            return try TestTools.run(
                "/usr/bin/env",
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env", "env", "HOME=/nonexistent"]
                    + env + [TestTools.cairn] + arguments)
        }
        return try sandbox.cairn(arguments)
    }

    @Test("an unprivileged user adds, verifies, optimises and collects in their own store",
          .enabled(if: canDropPrivileges, "skipped: running as root without setpriv (util-linux)"))
    func ordinaryUser() throws {
        let sandbox = try Sandbox("rootless")
        try TreeFactory.make(in: sandbox, at: "tree", seed: 21)
        try sandbox.write("copy/data", SeededGenerator.bytes(seed: 4, count: 100_000))
        try sandbox.write("again/data", SeededGenerator.bytes(seed: 4, count: 100_000))
        if Self.runningAsRoot {
            _ = try TestTools.run("/bin/chown", ["-R", "65534:65534", sandbox.root.path])
            _ = try TestTools.run("/bin/chmod", ["755", sandbox.root.path])
        }
        let added = try asUser(sandbox, ["store", "add", sandbox.path("tree"), sandbox.path("copy"), sandbox.path("again")])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.lines.count == 3)
        #expect(try asUser(sandbox, ["gc", "--optimize"]).status == 0)
        let verify = try asUser(sandbox, ["gc", "--verify=contents"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let gc = try asUser(sandbox, ["gc"])
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(gc.stderr.contains("deleted 3 store items"))
        let left = try FileManager.default.contentsOfDirectory(atPath: sandbox.store).filter { !$0.hasPrefix(".") }
        #expect(left.isEmpty)
    }

    @Test("without /cairn and without a home to keep the store in instead, the error says what to do",
          .enabled(if: canDropPrivileges && !FileManager.default.fileExists(atPath: "/cairn"), "skipped: /cairn exists here"))
    func defaultStoreUnavailable() throws {
        let sandbox = try Sandbox("no-cairn")
        let arguments = ["store", "add", "/etc/hostname"]
        let result: ProcessResult
        if Self.runningAsRoot {
            result = try TestTools.run(
                "/usr/bin/env",
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env", TestTools.cairn] + arguments)
        } else {
            result = try TestTools.run(TestTools.cairn, arguments)
        }
        _ = sandbox
        #expect(result.status == 1)
        // setpriv --reset-env gives nobody its home, /nonexistent: the
        // rootless mapping has nowhere to keep the store.
        #expect(result.stderr.contains("cairn: error: /cairn does not exist and cannot be created"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/cairn"))
        #expect(result.stderr.contains("hint: "))
        #expect(result.stderr.contains("--store-dir"))
    }
}
