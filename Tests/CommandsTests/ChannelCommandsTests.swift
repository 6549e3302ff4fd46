import Foundation
import Testing

/// `time-machine`, `pull` and `describe` against channels that are local git
/// repositories: commit 1 has hello 2.10 and greeting 1.0, commit 2 moves
/// them to 2.12 and 2.0.
@Suite(.serialized)
struct ChannelCommandsTests {
    static let git = TestTools.which("git")
    static let channelSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("channel").path

    final class World {
        let t: Sandbox
        var repository: String { t.path("repo") }
        var commits: [String] = []

        init() throws {
            t = try Sandbox("channels")
            try t.mkdir("home")
        }

        var environment: [String: String] {
            var environment = t.storeEnvironment
            environment["HOME"] = t.path("home")
            environment["XDG_CACHE_HOME"] = t.path("home/.cache")
            environment["XDG_CONFIG_HOME"] = t.path("home/.config")
            environment["CAIRN_CHANNEL_DIR"] = ChannelCommandsTests.channelSource
            environment["CAIRN_CHANNELS"] = ""
            return environment
        }

        @discardableResult
        func cairn(_ arguments: [String], environment extra: [String: String] = [:]) throws -> ProcessResult {
            try TestTools.run(TestTools.cairn, arguments, environment: environment.merging(extra) { $1 })
        }

        func git(_ arguments: [String]) throws -> String {
            let result = try TestTools.run(try #require(ChannelCommandsTests.git), ["-C", repository] + arguments, environment: [
                "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
                "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL": "/dev/null"])
            #expect(result.status == 0, "git \(arguments): \(result.stderr)")
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func greeting(_ version: String) -> String {
            """
            (define-module (cairn packages greeting)
              #:use-module (cairn packages)
              #:use-module (cairn gexp)
              #:use-module (cairn build-system trivial)
              #:export (greeting))

            (define greeting
              (package
                (name "greeting")
                (version "\(version)")
                (source #f)
                (build-system trivial-build-system)
                (arguments
                 (list #:builder
                       #~(begin
                           (mkdir #$output)
                           (call-with-output-file (string-append #$output "/version")
                             (lambda (port) (display "greeting \(version)" port))))))
                (home-page "https://example.org")
                (synopsis "Greets")
                (description "Greets.")
                (license #f)))

            """
        }

        /// The channel as the repository's `channel/` directory, with a
        /// `.cairn-channel` naming it, at two commits.
        func makeRepository() throws {
            try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
            _ = try git(["init", "-q", "-b", "main"])
            let copy = try TestTools.run("/bin/cp", ["-R", ChannelCommandsTests.channelSource, repository + "/channel"])
            #expect(copy.status == 0, "\(copy.stderr)")
            try t.write("repo/.cairn-channel", "(channel (version 0) (directory \"channel\") (news-file \"news.scm\"))\n")
            try t.write("repo/channel/cairn/packages/greeting.scm", greeting("1.0"))
            try t.write("repo/news.scm", "(channel-news (version 0))\n")
            _ = try git(["add", "-A"])
            _ = try git(["commit", "-q", "-m", "hello 2.10"])
            commits.append(try git(["rev-parse", "HEAD"]))

            let base = repository + "/channel/cairn/packages/base.scm"
            var text = try String(contentsOfFile: base, encoding: .utf8)
            text = text.replacingOccurrences(of: "(version \"2.10\")", with: "(version \"2.12\")")
            try text.write(toFile: base, atomically: true, encoding: .utf8)
            try t.write("repo/channel/cairn/packages/greeting.scm", greeting("2.0"))
            _ = try git(["commit", "-q", "-a", "-m", "hello 2.12"])
            commits.append(try git(["rev-parse", "HEAD"]))
            try t.write("repo/news.scm", """
                (channel-news (version 0)
                  (entry (commit "\(commits[1])")
                         (title (en "Hello 2.12") (fr "Bonjour 2.12"))
                         (body (en "GNU Hello moves to 2.12."))))

                """)
            _ = try git(["commit", "-q", "-a", "-m", "news"])
            commits.append(try git(["rev-parse", "HEAD"]))
        }

        func channelsFile(commit: String) throws -> String {
            let file = t.path("channels-\(commit.prefix(7)).scm")
            try t.write("channels-\(commit.prefix(7)).scm", """
                (use-modules (guix channels))
                (list (channel (name 'cairn) (url "\(repository)") (branch "main") (commit "\(commit)")))

                """)
            return file
        }
    }

    @Test("time-machine to each commit evaluates and builds that commit's packages; describe round-trips",
          .enabled(if: git != nil, "skipped: git is missing"))
    func timeMachine() throws {
        let w = try World()
        try w.makeRepository()
        for (commit, version, greeting) in [(w.commits[0], "2.10", "1.0"), (w.commits[1], "2.12", "2.0")] {
            let file = try w.channelsFile(commit: commit)
            let drv = try w.cairn(["time-machine", "-C", file, "--", "build", "-d", "hello"])
            #expect(drv.status == 0, "\(drv.stderr)")
            #expect(drv.output.hasSuffix("-hello-\(version).drv\n"), "\(drv.output)")

            let built = try w.cairn(["time-machine", "--url", w.repository, "--commit", commit, "-q", "--", "build", "greeting"])
            #expect(built.status == 0, "\(built.stderr)")
            let item = built.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(item.hasSuffix("-greeting-\(greeting)"), "\(built.output)")
            #expect((try? String(contentsOfFile: item + "/version", encoding: .utf8)) == "greeting \(greeting)")

            // The channels the command ran with, as a file that names the same commit.
            let described = try w.cairn(["time-machine", "-C", file, "--", "describe", "-f", "channels"])
            #expect(described.status == 0, "\(described.stderr)")
            #expect(described.output.contains("(url \"\(w.repository)\")") && described.output.contains("\"\(commit)\""), "\(described.output)")
            try w.t.write("described.scm", described.output)
            let again = try w.cairn(["time-machine", "-C", w.t.path("described.scm"), "--", "build", "-d", "hello"])
            #expect(again.output == drv.output, "\(again.stderr)")
            // In a shell made by time-machine, cairn still describes those channels.
            let inShell = try w.cairn(["time-machine", "-C", file, "--", "shell", "greeting", "--", TestTools.cairn, "describe", "-f", "channels"])
            #expect(inShell.status == 0 && inShell.output == described.output, "\(inShell.output) \(inShell.stderr)")
            // A profile made there records them: --export-channels and describe -p give them back.
            let profile = w.t.path("profile-\(version)")
            let installed = try w.cairn(["time-machine", "-C", file, "--", "package", "-p", profile, "-i", "greeting"])
            #expect(installed.status == 0, "\(installed.stderr)")
            let exported = try w.cairn(["package", "-p", profile, "--export-channels"])
            #expect(exported.status == 0 && exported.output == described.output, "\(exported.output) \(exported.stderr)")
            #expect(try w.cairn(["describe", "-p", profile, "-f", "channels"]).output == described.output)
        }
        // The repository was cloned once, into the cache, and both trees are there.
        let checkouts = try FileManager.default.contentsOfDirectory(atPath: w.t.path("home/.cache/cairn/checkouts"))
        #expect(checkouts.filter { !$0.hasSuffix(".lock") }.count == 1, "\(checkouts)")
        #expect(FileManager.default.fileExists(atPath: w.t.path("home/.cache/cairn/channels/\(w.commits[0])/channel/cairn/packages/base.scm")))

        // A branch: its tip. An unknown commit: a clear error.
        let tip = try w.cairn(["time-machine", "--url", w.repository, "--branch", "main", "-q", "--", "build", "-d", "hello"])
        #expect(tip.output.hasSuffix("-hello-2.12.drv\n"), "\(tip.stderr)")
        let unknown = try w.cairn(["time-machine", "--url", w.repository, "--commit", String(repeating: "a", count: 40), "-q", "--", "build", "-d", "hello"])
        #expect(unknown.status == 1 && unknown.stderr.contains("cairn: error: channel 'cairn' has no commit aaaaaaaa"), "\(unknown.stderr)")
        let missing = try w.cairn(["time-machine", "--url", w.t.path("nowhere"), "-q", "--", "build", "-d", "hello"])
        #expect(missing.status == 1 && missing.stderr.contains("cannot fetch channel 'cairn' from \(w.t.path("nowhere"))"), "\(missing.stderr)")
        // A URL git would take for an option runs nothing.
        let marker = w.t.path("injected")
        try w.t.write("injected.scm", "(list (channel (name 'cairn) (url \"--upload-pack=touch \(marker);\")))\n")
        let injected = try w.cairn(["time-machine", "-C", w.t.path("injected.scm"), "--", "build", "-d", "hello"])
        #expect(injected.status == 1 && injected.stderr.contains("has an invalid URL"), "\(injected.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        // A module directory that is a link out of the repository is refused.
        try w.t.write("repo/.cairn-channel", "(channel (version 0) (directory \"escape\"))\n")
        try w.t.symlink("repo/escape", to: "/etc")
        _ = try w.git(["add", "-A"])
        _ = try w.git(["commit", "-q", "-m", "escape"])
        let escaping = try w.cairn(["time-machine", "--url", w.repository, "--commit", try w.git(["rev-parse", "HEAD"]), "-q", "--", "build", "-d", "hello"])
        #expect(escaping.status == 1 && escaping.stderr.contains("leads out of its repository"), "\(escaping.stderr)")
        // A channels file that is not a list of channels.
        try w.t.write("bad.scm", "(use-modules (guix channels))\n42\n")
        let bad = try w.cairn(["time-machine", "-C", w.t.path("bad.scm"), "--", "describe"])
        #expect(bad.status == 1 && bad.stderr.contains("must evaluate to a list of channels"), "\(bad.stderr)")
    }

    @Test("pull makes a generation; pull --roll-back restores the previous collection; downgrades are refused",
          .enabled(if: git != nil, "skipped: git is missing"))
    func pull() throws {
        let w = try World()
        try w.makeRepository()
        // Without CAIRN_CHANNEL_DIR the pulled channels are used; the
        // built-in one is still found next to the executable.
        func cairn(_ arguments: [String]) throws -> ProcessResult {
            try w.cairn(arguments, environment: ["CAIRN_CHANNEL_DIR": ""])
        }
        let first = try cairn(["pull", "--url", w.repository, "--commit", w.commits[0], "-q"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try cairn(["build", "-d", "hello"]).output.hasSuffix("-hello-2.10.drv\n"))
        let second = try cairn(["pull", "--url", w.repository, "--commit", w.commits[2], "-q"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("Hello 2.12") && second.stderr.contains("GNU Hello moves to 2.12."), "\(second.stderr)")
        #expect(try cairn(["build", "-d", "hello"]).output.hasSuffix("-hello-2.12.drv\n"))

        let described = try cairn(["describe", "-f", "json"])
        #expect(described.output.contains("\"commit\":\"\(w.commits[2])\""), "\(described.output) \(described.stderr)")
        let listed = try cairn(["pull", "-l"])
        #expect(listed.output.contains("Generation 1") && listed.output.contains("Generation 2\t") && listed.output.contains("(current)"), "\(listed.output)")
        #expect(listed.output.contains("commit: \(w.commits[0])") && listed.output.contains("commit: \(w.commits[2])"))

        // Going back to commit 1 is a downgrade.
        let downgrade = try cairn(["pull", "--url", w.repository, "--commit", w.commits[0], "-q"])
        #expect(downgrade.status == 1 && downgrade.stderr.contains("would be a downgrade"), "\(downgrade.stderr)")
        #expect(try cairn(["build", "-d", "hello"]).output.hasSuffix("-hello-2.12.drv\n"))

        let back = try cairn(["pull", "--roll-back"])
        #expect(back.status == 0 && back.stderr.contains("switched from generation 2 to 1"), "\(back.stderr)")
        #expect(try cairn(["build", "-d", "hello"]).output.hasSuffix("-hello-2.10.drv\n"))
        #expect(try cairn(["describe", "-f", "json"]).output.contains("\"commit\":\"\(w.commits[0])\""))

        // The generations keep their channels alive through a collection.
        #expect(try cairn(["gc"]).status == 0)
        #expect(try cairn(["build", "-d", "hello"]).output.hasSuffix("-hello-2.10.drv\n"))
        #expect(try cairn(["pull", "--url", w.repository, "--commit", w.commits[2], "-q"]).status == 0)
        let allowed = try cairn(["pull", "--url", w.repository, "--commit", w.commits[1], "-q", "--allow-downgrades"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try cairn(["describe", "-f", "json"]).output.contains("\"commit\":\"\(w.commits[1])\""))
        // Without authentication a downgrade passes, with a warning.
        let unchecked = try cairn(["pull", "--url", w.repository, "--commit", w.commits[0], "-q", "--disable-authentication"])
        #expect(unchecked.status == 0 && unchecked.stderr.contains("would be a downgrade; allowed, since authentication is disabled"), "\(unchecked.stderr)")
        #expect(try cairn(["build", "-d", "hello"]).output.hasSuffix("-hello-2.10.drv\n"))
    }

    /// The golden fixture channel (Tests/PackagesTests/Fixtures/golden) as a
    /// git repository at a commit made with fixed names and dates, so the
    /// commit itself is pinned too: the derivations `time-machine` gives
    /// for that commit must be the pinned ones, whatever cairn runs it.
    static let goldenCommit = "52b155dce18b0b11f3bfef1f7a709a1c3af73516"

    @Test("a fixture channel at a pinned commit gives the pinned derivations through time-machine",
          .enabled(if: git != nil, "skipped: git is missing"))
    func goldenChannel() throws {
        let w = try World()
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PackagesTests/Fixtures/golden").path
        try FileManager.default.createDirectory(atPath: w.repository, withIntermediateDirectories: true)
        let copy = try TestTools.run("/bin/cp", ["-R", fixture + "/.", w.repository])
        #expect(copy.status == 0, "\(copy.stderr)")
        _ = try w.git(["init", "-q", "-b", "main"])
        _ = try w.git(["add", "-A"])
        _ = try w.git(["commit", "-q", "-m", "golden"])
        let commit = try w.git(["rev-parse", "HEAD"])
        #expect(commit == Self.goldenCommit, "the fixture changed: its commit is \(commit)")

        try w.t.write("channels.scm", """
            (list (channel (name 'golden) (url "\(w.repository)") (branch "main") (commit "\(commit)")))
            """)
        // The store directory the golden test uses, so the paths are the same.
        let root = "/tmp/cairn-golden-derivations"
        defer { _ = try? TestTools.run("/bin/chmod", ["-R", "u+w", root]); try? FileManager.default.removeItem(atPath: root) }
        let result = try w.cairn(["time-machine", "-C", w.t.path("channels.scm"), "--", "build", "-d", "-e",
                                  "(begin (use-modules (golden base)) (map widget-drv %golden))"],
                                 environment: ["CAIRN_STORE_DIR": root + "/store", "CAIRN_STATE_DIR": root + "/var"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.map { $0.replacingOccurrences(of: root + "/store/", with: "") } == [
            "58fshb4m9ck37l2lbggzj8jnfhd1clqg-base-1.0.drv", "4s9ld66z0f0r8kcqbfpv9d3aa9wa19ax-multi-1.0.drv",
            "y2yckdc5kq54znij6s1x5cmhfaz6x28x-derived-2.0.drv",
        ], "\(result.output)")
    }

    @Test("channels fetched from file:// URLs and from a git daemon on 127.0.0.1",
          .enabled(if: git != nil && FileManager.default.fileExists(atPath: "/usr/lib/git-core/git-daemon"), "skipped: git or git-daemon is missing"))
    func transports() throws {
        let w = try World()
        try w.makeRepository()
        let viaFile = try w.cairn(["time-machine", "--url", "file://" + w.repository, "--commit", w.commits[0], "-q", "--", "build", "-d", "hello"])
        #expect(viaFile.status == 0 && viaFile.output.hasSuffix("-hello-2.10.drv\n"), "\(viaFile.stderr)")

        let git = try #require(Self.git)
        var daemon: Process?
        var url = ""
        for _ in 0..<20 where daemon == nil {
            let port = Int.random(in: 20000..<60000)
            let process = Process()
            // The daemon itself, not `git daemon`: a signal to the wrapper would not reach it.
            process.executableURL = URL(fileURLWithPath: "/usr/lib/git-core/git-daemon")
            process.arguments = ["--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--export-all",
                                 "--base-path=" + w.t.root.path, w.t.root.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Ready once it answers; a port taken by someone else ends it.
            for _ in 0..<50 {
                if try TestTools.run(git, ["ls-remote", "git://127.0.0.1:\(port)/repo"]).status == 0 { daemon = process; break }
                if !process.isRunning { break }
                usleep(100_000)
            }
            if daemon == nil, process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            url = "git://127.0.0.1:\(port)/repo"
        }
        let running = try #require(daemon, "git daemon did not start")
        defer {
            kill(running.processIdentifier, SIGKILL)
            running.waitUntilExit()
        }
        let viaDaemon = try w.cairn(["time-machine", "--url", url, "--commit", w.commits[1], "-q", "--", "build", "-d", "hello"])
        #expect(viaDaemon.status == 0 && viaDaemon.output.hasSuffix("-hello-2.12.drv\n"), "\(viaDaemon.stderr)")
        // A second URL is a second cached repository; the tree of a commit is shared.
        let checkouts = try FileManager.default.contentsOfDirectory(atPath: w.t.path("home/.cache/cairn/checkouts"))
        #expect(checkouts.filter { !$0.hasSuffix(".lock") }.count == 2, "\(checkouts)")
    }
}
