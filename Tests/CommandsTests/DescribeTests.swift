import Foundation
import Testing

/// `cairn describe`: the channel's checkout, its commit, and a channels.scm
/// that loads back to the same commit with `(use-modules (guix channels))`.
@Suite(.serialized)
struct DescribeTests {
    static let hasGit = TestTools.which("git") != nil

    /// A git repository holding a channel directory, with one commit.
    func repository(_ t: Sandbox) throws -> (channel: String, commit: String) {
        try t.write("repo/channel/cairn/x.scm", "(define-module (cairn x))\n")
        let repo = t.path("repo")
        let git = try #require(TestTools.which("git"))
        for arguments in [["init", "-q", "-b", "main"], ["add", "-A"],
                          ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one"],
                          ["remote", "add", "origin", "https://example.org/channel.git"]] {
            let result = try TestTools.run(git, ["-C", repo] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let head = try TestTools.run(git, ["-C", repo, "rev-parse", "HEAD"])
        return (t.path("repo/channel"), head.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func describe(_ channel: String, _ arguments: [String]) throws -> ProcessResult {
        try TestTools.run(TestTools.cairn, ["describe"] + arguments, environment: ["CAIRN_CHANNEL_DIR": channel])
    }

    @Test("a checkout is described by its commit, branch and origin; -f channels loads back to the same commit",
          .enabled(if: hasGit, "skipped: git is missing"))
    func checkout() throws {
        let t = try Sandbox("describe")
        let (channel, commit) = try repository(t)
        let human = try describe(channel, [])
        #expect(human.status == 0 && human.stderr.isEmpty, "\(human.stderr)")
        #expect(human.output == "Git checkout:\n  repository: \(t.path("repo"))\n  branch: main\n  commit: \(commit)\n")

        let json = try describe(channel, ["-f", "json"])
        #expect(json.output == "[{\"name\":\"cairn\",\"url\":\"https://example.org/channel.git\",\"branch\":\"main\",\"commit\":\"\(commit)\"}]\n")

        let channels = try describe(channel, ["-f", "channels"])
        #expect(channels.status == 0 && channels.output.contains("(commit\n") && channels.output.contains(commit))
        try t.write("channels.scm", channels.output)
        let realChannel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("channel").path
        try t.write("read.scm", """
            (use-modules (guix channels))
            (define c (car (load "\(t.path("channels.scm"))")))
            (display (list (channel-name c) (channel-url c) (channel-branch c) (channel-commit c)))
            """)
        let loaded = try TestTools.run(TestTools.cairn, ["repl", "-L", realChannel, t.path("read.scm")])
        #expect(loaded.output == "(cairn https://example.org/channel.git main \(commit))", "\(loaded.output) \(loaded.stderr)")

        // Uncommitted changes: still the commit, with a warning.
        try t.write("repo/channel/cairn/y.scm", "(define-module (cairn y))\n")
        let dirty = try describe(channel, ["-f", "channels-sans-intro"])
        #expect(dirty.status == 0 && dirty.output.contains(commit), "\(dirty.stderr)")
        #expect(dirty.stderr.contains("warning: the checkout at \(t.path("repo")) has uncommitted changes"), "\(dirty.stderr)")
    }

    @Test("a channel outside any checkout cannot be described, and the error says what to do")
    func notACheckout() throws {
        let t = try Sandbox("describe-none")
        try t.write("plain/cairn/x.scm", "(define-module (cairn x))\n")
        let result = try describe(t.path("plain"), ["-f", "channels"])
        #expect(result.status == 1 && result.output.isEmpty, "\(result.output)")
        #expect(result.stderr.contains("cairn: error: the channel at \(t.path("plain")) is not in a git checkout"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: "))
        let bad = try describe(t.path("plain"), ["-f", "yaml"])
        #expect(bad.status == 2, "\(bad.stderr)")
    }
}
