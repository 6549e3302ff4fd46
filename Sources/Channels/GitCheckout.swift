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
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([git, "-C", directory] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let started = posix_spawn(&pid, git, &actions, nil, argv, environ)
        close(pipeEnds[1])
        defer { close(pipeEnds[0]) }
        guard started == 0 else { return nil }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, String(decoding: output, as: UTF8.self))
    }
}
