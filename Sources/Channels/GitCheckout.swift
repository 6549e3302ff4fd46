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
        let path = ProcessEnvironment.value("PATH") ?? "/usr/bin:/bin"
        guard let git = path.split(separator: ":").map({ String($0) + "/git" }).first(where: { access($0, X_OK) == 0 }) else { return nil }
        return Subprocess.output(git, ["-C", directory] + arguments)
    }
}
