import Foundation
import Testing

/// `time-machine` and `pull` authenticate a channel from its introduction:
/// unsigned commits, commits by unauthorised keys and forged introductions
/// are refused, and pass with a warning under --disable-authentication.
@Suite(.serialized)
struct ChannelAuthenticationCommandTests {
    static let tools = TestTools.which("git") != nil && TestTools.which("ssh-keygen") != nil

    final class SignedChannel {
        let t: Sandbox
        var repository: String { t.path("repo") }

        init() throws {
            t = try Sandbox("channel-auth")
            try t.mkdir("home")
            try t.mkdir("repo")
        }

        var environment: [String: String] {
            t.storeEnvironment.merging([
                "HOME": t.path("home"), "XDG_CACHE_HOME": t.path("home/.cache"), "XDG_CONFIG_HOME": t.path("home/.config"),
                "CAIRN_CHANNEL_DIR": ChannelCommandsTests.channelSource, "CAIRN_CHANNELS": "",
            ]) { $1 }
        }

        func cairn(_ arguments: [String]) throws -> ProcessResult {
            try TestTools.run(TestTools.cairn, arguments, environment: environment)
        }

        @discardableResult
        func git(_ arguments: [String]) throws -> String {
            let result = try TestTools.run(try #require(TestTools.which("git")), ["-C", repository] + arguments, environment: [
                "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"])
            #expect(result.status == 0, "git \(arguments): \(result.stderr)")
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// A new ed25519 key: its path and its `SHA256:…` fingerprint.
        func key(_ name: String) throws -> (path: String, fingerprint: String) {
            let path = t.path(name)
            let made = try TestTools.run(try #require(TestTools.which("ssh-keygen")), ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
            #expect(made.status == 0, "\(made.stderr)")
            let listing = try TestTools.run(try #require(TestTools.which("ssh-keygen")), ["-l", "-f", path + ".pub"])
            return (path, String(listing.output.split(separator: " ")[1]))
        }

        /// Commits `files`, signed with `key` (unsigned when nil); returns the commit.
        func commit(_ message: String, _ files: [String: String], key: String?) throws -> String {
            for (name, text) in files { try t.write("repo/" + name, text) }
            try git(["add", "-A"])
            let signing = key.map { ["-c", "gpg.format=ssh", "-c", "user.signingkey=\($0)", "commit", "-S"] } ?? ["commit"]
            try git(signing + ["-q", "-m", message])
            return try git(["rev-parse", "HEAD"])
        }

        func authorizations(_ fingerprints: [String]) -> String {
            "(authorizations\n (version 0)\n (" + fingerprints.map { "(\"\($0)\" (name \"k\"))" }.joined(separator: "\n  ") + "))\n"
        }

        func module(_ version: String) -> String {
            """
            (define-module (extra tools)
              #:use-module (cairn packages)
              #:use-module (cairn build-system trivial)
              #:export (extra-tool))
            (define extra-tool
              (package (name "extra-tool") (version "\(version)") (source #f)
                (build-system trivial-build-system)
                (arguments (list #:builder '(mkdir (assoc-ref %outputs "out"))))
                (home-page "https://example.org") (synopsis "A tool") (description "A tool.") (license #f)))

            """
        }

        func channels(commit: String, introduction: String, signer: String) throws -> String {
            try t.write("channels.scm", """
                (use-modules (guix channels))
                (list (channel (name 'extra) (url "\(repository)") (branch "main") (commit "\(commit)")
                               (introduction (make-channel-introduction "\(introduction)" (openpgp-fingerprint "\(signer)")))))

                """)
            return t.path("channels.scm")
        }
    }

    @Test("unsigned commits, unauthorised keys and forged introductions are refused; --disable-authentication lets them through with a warning",
          .enabled(if: tools, "skipped: git or ssh-keygen (openssh-client) is missing"))
    func refusals() throws {
        let c = try SignedChannel()
        _ = try c.git(["init", "-q", "-b", "main"])
        let alice = try c.key("alice"), mallory = try c.key("mallory")
        let intro = try c.commit("Introduce", [".cairn-authorizations": c.authorizations([alice.fingerprint]),
                                               "extra/tools.scm": c.module("1.0")], key: alice.path)
        let good = try c.commit("1.1", ["extra/tools.scm": c.module("1.1")], key: alice.path)
        func drv(_ file: String, _ extra: [String] = []) throws -> ProcessResult {
            try c.cairn(["time-machine", "-C", file] + extra + ["--", "build", "-d", "extra-tool"])
        }

        let ok = try drv(try c.channels(commit: good, introduction: intro, signer: alice.fingerprint))
        #expect(ok.status == 0 && ok.output.hasSuffix("-extra-tool-1.1.drv\n"), "\(ok.stderr)")
        #expect(!ok.stderr.contains("warning"), "\(ok.stderr)")

        let unsigned = try c.commit("unsigned", ["extra/tools.scm": c.module("1.2")], key: nil)
        let refusedUnsigned = try drv(try c.channels(commit: unsigned, introduction: intro, signer: alice.fingerprint))
        #expect(refusedUnsigned.status == 1 && refusedUnsigned.stderr.contains("channel 'extra': commit \(unsigned) is not signed"), "\(refusedUnsigned.stderr)")
        let forced = try drv(c.t.path("channels.scm"), ["--disable-authentication"])
        #expect(forced.status == 0 && forced.output.hasSuffix("-extra-tool-1.2.drv\n"), "\(forced.stderr)")
        #expect(forced.stderr.contains("warning: channel authentication is disabled"), "\(forced.stderr)")

        try c.git(["reset", "-q", "--hard", good])
        let byMallory = try c.commit("mallory", ["extra/tools.scm": c.module("6.6.6")], key: mallory.path)
        let refusedMallory = try drv(try c.channels(commit: byMallory, introduction: intro, signer: alice.fingerprint))
        #expect(refusedMallory.status == 1 && refusedMallory.stderr.contains("is signed by \(mallory.fingerprint) which is not authorised"), "\(refusedMallory.stderr)")
        #expect(try drv(c.t.path("channels.scm"), ["--disable-authentication"]).status == 0)

        // An introduction that names another signer than the one who signed it.
        let forged = try drv(try c.channels(commit: good, introduction: intro, signer: mallory.fingerprint))
        #expect(forged.status == 1 && forged.stderr.contains("forged introduction"), "\(forged.stderr)")
        #expect(try drv(c.t.path("channels.scm"), ["--disable-authentication"]).status == 0)

        // Pull refuses the same, and records nothing.
        let pulled = try c.cairn(["pull", "-C", try c.channels(commit: byMallory, introduction: intro, signer: alice.fingerprint)])
        #expect(pulled.status == 1 && pulled.stderr.contains("not authorised"), "\(pulled.stderr)")
        #expect(!FileManager.default.fileExists(atPath: c.t.path("home/.config/cairn/current")))
    }
}
