import Basics
import Channels
import Glibc
import Testing

struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}

/// Runs test-side programs (git, ssh-keygen, gpg) with a chosen environment
/// and standard input; output goes through files in `scratch` to keep this
/// simple (the working directory is not changed: pass absolute paths).
enum TestProcess {
    static func find(_ name: String) -> String? {
        let path = ProcessEnvironment.value("PATH") ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { String($0) + "/" + name }.first { access($0, X_OK) == 0 }
    }

    @discardableResult
    static func run(_ arguments: [String], scratch: String, environment: [String: String],
                    input: [UInt8] = []) throws -> String {
        guard let program = find(arguments[0]) else { throw CommandFailed(description: "\(arguments[0]) not found") }
        let stem = scratch + "/.run-\(FileSystem.randomSuffix())"
        try FileSystem.writeAtomically(input, to: stem + ".in")
        defer { for suffix in [".in", ".out", ".err"] { _ = unlink(stem + suffix) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stem + ".in", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stem + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stem + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([program] + arguments.dropFirst()).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, program, &actions, nil, argv, envp) == 0 else {
            throw CommandFailed(description: "cannot start \(program)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = String(decoding: try FileSystem.readFile(stem + ".out"), as: UTF8.self)
        guard status == 0 else {
            let errors = String(decoding: try FileSystem.readFile(stem + ".err"), as: UTF8.self)
            throw CommandFailed(description: "\(arguments.joined(separator: " ")) failed (\(status)): \(errors)")
        }
        return output
    }
}

/// A scratch git repository whose commits are signed with throwaway SSH or
/// OpenPGP keys, for exercising `ChannelAuthenticator` end to end.
final class SigningFixture {
    enum Signer {
        case ssh(key: String)
        case openPGP(fingerprint: String)
        case none
    }

    let root: String
    let repository: String
    let gnupgHome: String
    private(set) var environment: [String: String]
    private var startedAgent = false

    /// Nil (after printing why) when a program the tests need is missing.
    static func make(needs programs: [String], test: String) throws -> SigningFixture? {
        for program in ["git"] + programs where TestProcess.find(program) == nil {
            print("SKIP: \(test): '\(program)' is not installed")
            return nil
        }
        return try SigningFixture()
    }

    private init() throws {
        let parent = ProcessEnvironment.value("TMPDIR") ?? "/tmp"
        var template = Array("\(parent)/cairn-auth-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemError("create a directory in", parent) }
        root = String(cString: made)
        repository = root + "/repo"
        gnupgHome = root + "/gnupg"
        try FileSystem.createDirectories(repository)
        guard mkdir(gnupgHome, 0o700) == 0 else { throw SystemError("create directory", gnupgHome) }
        // No global or system git configuration: the tests must not depend
        // on (or be broken by) the machine's.
        environment = ProcessEnvironment.all().filter { !$0.key.hasPrefix("GIT_") }
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Tester"
        environment["GIT_AUTHOR_EMAIL"] = "tester@example.org"
        environment["GIT_COMMITTER_NAME"] = "Tester"
        environment["GIT_COMMITTER_EMAIL"] = "tester@example.org"
        environment["GNUPGHOME"] = gnupgHome
        try git(["init", "-q", "-b", "main"])
    }

    deinit {
        if startedAgent {
            _ = try? TestProcess.run(["gpgconf", "--homedir", gnupgHome, "--kill", "gpg-agent"],
                                     scratch: root, environment: environment)
        }
        _ = try? FileSystem.removeTree(root)
    }

    @discardableResult
    func git(_ arguments: [String], input: [UInt8] = [], in directory: String? = nil) throws -> String {
        try TestProcess.run(["git", "-C", directory ?? repository] + arguments, scratch: root, environment: environment, input: input)
    }

    func head() throws -> String {
        try git(["rev-parse", "HEAD"]).trimmingSpaces()
    }

    /// A new ed25519 key; returns its private key's path and its fingerprint.
    func sshKey(_ name: String) throws -> (key: String, fingerprint: String) {
        let key = root + "/" + name
        try TestProcess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key],
                            scratch: root, environment: environment)
        let listing = try TestProcess.run(["ssh-keygen", "-l", "-f", key + ".pub"], scratch: root, environment: environment)
        let fields = listing.split(separator: " ")
        guard fields.count >= 2 else { throw CommandFailed(description: "unexpected ssh-keygen -l output: \(listing)") }
        return (key, String(fields[1]))
    }

    /// A new OpenPGP key (ed25519 primary), optionally with a signing subkey
    /// that gpg then prefers; returns the primary key's fingerprint.
    func openPGPKey(_ name: String, signingSubkey: Bool = false) throws -> String {
        startedAgent = true
        let base = ["gpg", "--batch", "--homedir", gnupgHome, "--pinentry-mode", "loopback", "--passphrase", ""]
        try TestProcess.run(base + ["--quick-gen-key", "\(name) <\(name.lowercased())@example.org>", "ed25519", "sign", "never"],
                            scratch: root, environment: environment)
        let listing = try TestProcess.run(["gpg", "--batch", "--homedir", gnupgHome, "--with-colons", "--list-keys", "<\(name.lowercased())@example.org>"],
                                          scratch: root, environment: environment)
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }),
              let fingerprint = line.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first else {
            throw CommandFailed(description: "no fingerprint in gpg's listing: \(listing)")
        }
        if signingSubkey {
            try TestProcess.run(base + ["--quick-add-key", String(fingerprint), "ed25519", "sign", "never"],
                                scratch: root, environment: environment)
        }
        return String(fingerprint)
    }

    func armoredPublicKey(_ fingerprint: String) throws -> String {
        try TestProcess.run(["gpg", "--batch", "--homedir", gnupgHome, "--armor", "--export", fingerprint],
                            scratch: root, environment: environment)
    }

    /// `.cairn-authorizations` listing `fingerprints`.
    static func authorizations(_ fingerprints: [String]) -> String {
        ";; Keys allowed to sign the next commits.\n(authorizations\n (version 0)\n ("
            + fingerprints.enumerated().map { "(\"\($0.element)\"\n   (name \"key\($0.offset)\"))" }.joined(separator: "\n  ")
            + "))\n"
    }

    /// Writes `files`, stages everything and commits, signed as asked.
    @discardableResult
    func commit(_ message: String, files: [String: String] = [:], signer: Signer) throws -> String {
        for (name, contents) in files {
            try FileSystem.writeAtomically(Array(contents.utf8), to: repository + "/" + name)
        }
        try git(["add", "-A"])
        var arguments: [String] = []
        switch signer {
        case .ssh(let key):
            arguments = ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key)", "commit", "-S"]
        case .openPGP(let fingerprint):
            arguments = ["-c", "gpg.format=openpgp", "-c", "gpg.program=gpg", "-c", "user.signingkey=\(fingerprint)", "commit", "-S"]
        case .none:
            arguments = ["commit", "--no-gpg-sign"]
        }
        try git(arguments + ["-q", "--allow-empty", "-m", message])
        return try head()
    }

    /// A `keyring` branch holding `keys` (file name → armored key), made
    /// with plumbing so that the working tree stays on its branch.
    func makeKeyringBranch(_ keys: [String: String], reference: String = "refs/heads/keyring") throws {
        var entries = ""
        for (name, armored) in keys.sorted(by: { $0.key < $1.key }) {
            let blob = try git(["hash-object", "-w", "--stdin"], input: Array(armored.utf8)).trimmingSpaces()
            entries += "100644 blob \(blob)\t\(name)\n"
        }
        let tree = try git(["mktree"], input: Array(entries.utf8)).trimmingSpaces()
        let commit = try git(["commit-tree", tree, "-m", "Keyring."]).trimmingSpaces()
        try git(["update-ref", reference, commit])
    }

    func authenticator(introduction: String, signer: String, cache: Bool = true,
                       repository: String? = nil, keyringReference: String? = nil) -> ChannelAuthenticator {
        ChannelAuthenticator(repository: repository ?? self.repository, channelName: "fixture",
                             introduction: ChannelIntroduction(commit: introduction, signer: signer),
                             cacheFile: cache ? root + "/cache/authentication/fixture" : nil,
                             keyringReference: keyringReference)
    }

    var cacheFile: String { root + "/cache/authentication/fixture" }
}

/// The reason an authentication failed, or nil when it succeeded.
func refusal(_ body: () throws -> [String]) -> ChannelAuthenticationError.Reason? {
    do {
        _ = try body()
        return nil
    } catch let error as ChannelAuthenticationError {
        return error.reason
    } catch {
        Issue.record("unexpected error: \(error)")
        return nil
    }
}
