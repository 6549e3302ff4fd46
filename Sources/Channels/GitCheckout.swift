import Basics
import Glibc

/// A git working tree as `git` reports it: where Cairn's channel comes from
/// when Cairn runs from a checkout (`cairn describe`).
package struct GitCheckout: Equatable, Sendable {
    /// The top of the working tree.
    package var root: String
    package var commit: String
    /// The current branch; nil on a detached HEAD.
    package var branch: String?
    /// `origin`'s URL, when there is one.
    package var url: String?
    /// Uncommitted changes (tracked or untracked files): the tree then
    /// differs from `commit` and cannot be reproduced from it.
    package var dirty: Bool

    /// The checkout holding `directory`; nil when it is in none, or git is missing.
    package static func containing(_ directory: String) -> GitCheckout? {
        guard let root = Git.line(["rev-parse", "--show-toplevel"], in: directory),
              let commit = Git.line(["rev-parse", "HEAD"], in: directory) else { return nil }
        let branch = Git.line(["symbolic-ref", "--quiet", "--short", "HEAD"], in: directory)
        let url = Git.line(["config", "--get", "remote.origin.url"], in: directory)
        let status = Git.run(["status", "--porcelain", "--untracked-files=normal"], in: directory)
        return GitCheckout(root: root, commit: commit, branch: branch, url: url,
                           dirty: status.map { $0.status != 0 || !$0.output.isEmpty } ?? true)
    }
}

/// Running the `git` found on PATH.
package enum Git {
    /// The first line of what `git -C DIRECTORY ARGUMENTS` prints, when it succeeds.
    static func line(_ arguments: [String], in directory: String) -> String? {
        guard let result = run(arguments, in: directory), result.status == 0,
              let first = result.output.split(separator: "\n").first, !first.isEmpty else { return nil }
        return String(first)
    }

    /// Exit status and standard output (standard error is dropped); nil when git cannot start.
    package static func run(_ arguments: [String], in directory: String) -> (status: Int32, output: String)? {
        guard let git = Subprocess.find("git"),
              let result = Subprocess.run(git, ["-C", directory] + arguments, completeEnvironment: Self.environment,
                                          captureError: false) else { return nil }
        return (result.status, String(decoding: result.output, as: UTF8.self))
    }

    /// `git ARGUMENTS` with both outputs; throws when git is not installed.
    /// Git never prompts: standard input is /dev/null, and a fetch that
    /// needs a password fails with git's message instead of hanging. The
    /// caller's `GIT_*` variables (`GIT_DIR`, replace refs) stay out of it,
    /// as they do out of authentication.
    package static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Subprocess.Result {
        guard let git = Subprocess.find("git") else { throw ChannelError.gitMissing }
        var variables = Self.environment
        for (name, value) in environment { variables[name] = value }
        guard let result = Subprocess.run(git, arguments, completeEnvironment: variables) else { throw ChannelError.gitMissing }
        return Subprocess.Result(status: result.status, output: String(decoding: result.output, as: UTF8.self),
                                 error: String(decoding: result.error, as: UTF8.self))
    }

    /// The caller's environment without what would point git at another
    /// repository or other objects; what fetching needs (proxies,
    /// `GIT_SSH_COMMAND`, `GIT_SSL_CAINFO`) stays.
    static var environment: [String: String] {
        let redirecting: Set<String> = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                                        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_REPLACE_REF_BASE", "GIT_NAMESPACE", "GIT_GRAFT_FILE",
                                        "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"]
        var variables = ProcessEnvironment.all().filter { !redirecting.contains($0.key) }
        variables["GIT_NO_REPLACE_OBJECTS"] = "1"
        variables["GIT_TERMINAL_PROMPT"] = "0"
        variables["LC_ALL"] = "C"
        return variables
    }

    /// The full hash of the commit `revision` names in `repository`, nil when there is none.
    package static func resolveCommit(_ revision: String, in repository: String) throws -> String? {
        // `--end-of-options` keeps a revision that starts with '-' from being read as an option.
        let result = try run(["--git-dir=" + repository, "rev-parse", "--quiet", "--verify", "--end-of-options", revision + "^{commit}"])
        let hash = result.output.trimmingTrailingNewlines
        return result.status == 0 && !hash.isEmpty ? hash : nil
    }
}
