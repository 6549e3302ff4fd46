import Foundation
import Testing

/// Channel code is code from the network: evaluated by cairn, it cannot run
/// programs, write files or read outside the channels' and the manifest's
/// directories, and the error says so; channels work for a user without root.
@Suite(.serialized)
struct ChannelConfinementTests {
    static let git = TestTools.which("git")

    @Test("a module that runs a program, writes a file or reads /etc/shadow fails with a clear error and touches nothing")
    func confinedModules() throws {
        let t = try Sandbox("confined")
        let marker = t.path("marker")
        let attempts = [
            ("(system* \"touch\" \"\(marker)\")", "cannot run programs (system* \"touch\" \"\(marker)\")"),
            ("(call-with-output-file \"\(marker)\" (lambda (port) (display 1 port)))", "cannot write \(marker)"),
            ("(call-with-input-file \"/etc/shadow\" read-line)", "cannot read /etc/shadow"),
            ("(setenv \"LD_PRELOAD\" \"x.so\")", "cannot change the environment"),
        ]
        for (index, (code, refusal)) in attempts.enumerated() {
            try t.write("mods/evil/tools\(index).scm", "(define-module (evil tools\(index)))\n\(code)\n")
            try t.write("use\(index).scm", "(use-modules (evil tools\(index)))\n1\n")
            let result = try TestTools.run(TestTools.cairn, ["build", "-d", "-L", t.path("mods"), "-f", t.path("use\(index).scm")],
                                           environment: t.storeEnvironment)
            #expect(result.status == 1, "\(code): \(result.stderr)")
            // The user's line heads the report; the backtrace names the module's.
            #expect(result.stderr.contains("cairn: error: \(t.path("use\(index).scm")):1:1: evaluation is confined: channel and manifest code \(refusal)"),
                    "\(result.stderr)")
            #expect(result.stderr.contains("\(t.path("mods/evil/tools\(index).scm")):2:1: \(code.prefix(20))"), "\(result.stderr)")
            #expect(result.stderr.contains("hint: "), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test("time-machine and pull for a user without root", .enabled(if: git != nil && (getuid() != 0 || TestTools.which("setpriv") != nil),
                                                                    "skipped: needs git, and setpriv when running as root"))
    func unprivileged() throws {
        let t = try Sandbox("channels-user")
        try t.mkdir("home")
        try t.mkdir("repo")
        let git = try #require(Self.git)
        let copy = try TestTools.run("/bin/cp", ["-R", ChannelCommandsTests.channelSource, t.path("repo/channel")])
        #expect(copy.status == 0)
        try t.write("repo/.cairn-channel", "(channel (version 0) (directory \"channel\"))\n")
        let identity = ["-c", "user.name=T", "-c", "user.email=t@example.org"]
        for arguments in [["init", "-q", "-b", "main"], ["add", "-A"], identity + ["commit", "-q", "-m", "channel"]] {
            #expect(try TestTools.run(git, ["-C", t.path("repo")] + arguments).status == 0)
        }
        let commit = try TestTools.run(git, ["-C", t.path("repo"), "rev-parse", "HEAD"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        var environment = t.storeEnvironment
        environment["HOME"] = t.path("home")
        environment["CAIRN_CHANNELS"] = ""
        environment["CAIRN_CHANNEL_DIR"] = ""
        func asUser(_ arguments: [String]) throws -> ProcessResult {
            guard getuid() == 0 else { return try TestTools.run(TestTools.cairn, arguments, environment: environment) }
            return try TestTools.run("/usr/bin/env", ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env", "env",
                                                      "PATH=/usr/bin:/bin"] + environment.map { "\($0.key)=\($0.value)" }
                                                     + [TestTools.cairn] + arguments)
        }
        if getuid() == 0 {
            _ = try TestTools.run("/bin/chown", ["-R", "65534:65534", t.root.path])
            _ = try TestTools.run("/bin/chmod", ["755", t.root.path])
        }
        let travelled = try asUser(["time-machine", "--url", t.path("repo"), "--commit", commit, "-q", "--", "build", "-d", "hello"])
        #expect(travelled.status == 0 && travelled.output.hasSuffix("-hello-2.10.drv\n"), "\(travelled.stderr)")
        let pulled = try asUser(["pull", "--url", t.path("repo"), "--commit", commit, "-q"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let described = try asUser(["describe", "-f", "json"])
        #expect(described.output.contains("\"commit\":\"\(commit)\""), "\(described.output) \(described.stderr)")
    }
}
