import Basics
import Glibc
import StoreFormats

/// Channel repositories, kept as bare git repositories under
/// `~/.cache/cairn/checkouts/` (one per URL, fetched incrementally, never
/// cloned twice), and the trees of their commits under
/// `~/.cache/cairn/channels/COMMIT`, written once and then only read: a
/// commit names its content, so a tree is shared by every URL that has it.
package struct RepositoryCache: Sendable {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    /// `$CAIRN_CHANNEL_CACHE`, else `$XDG_CACHE_HOME/cairn`, else `~/.cache/cairn`.
    package static func standard() throws -> RepositoryCache {
        if let explicit = ProcessEnvironment.value("CAIRN_CHANNEL_CACHE"), explicit.hasPrefix("/") {
            return RepositoryCache(directory: explicit)
        }
        if let xdg = ProcessEnvironment.value("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            return RepositoryCache(directory: xdg + "/cairn")
        }
        guard let home = ProcessEnvironment.value("HOME"), home.hasPrefix("/") else { throw ChannelError.cacheUnavailable }
        return RepositoryCache(directory: home + "/.cache/cairn")
    }

    /// The bare repository for `url`, named by the SHA-256 of the URL.
    package func repository(for url: String) -> String {
        directory + "/checkouts/" + String(Base16.encode(HashContext.digest(.sha256, of: Array(url.utf8))).prefix(40))
    }

    /// Where the tree of `commit` lives once checked out.
    package func treeDirectory(of commit: String) -> String {
        directory + "/channels/" + commit
    }

    /// The full commit of `channel` to use: its `commit` when the repository
    /// already holds it (no network at all), else after fetching; with no
    /// commit, the tip of its branch after fetching. `fetched` tells whether
    /// the network was used.
    package func resolve(_ channel: ChannelSpec, commit: String?) throws -> (commit: String, repository: String, fetched: Bool) {
        // A URL git would read as an option (`--upload-pack=…`) runs commands.
        guard !channel.url.hasPrefix("-"), !channel.url.isEmpty else { throw ChannelError.badURL(channel: channel.name, url: channel.url) }
        let repository = repository(for: channel.url)
        let lock = try lockRepository(repository)
        defer { lock.unlock() }
        // Only a full commit id names the same thing everywhere; a tag or a
        // short id is looked up after fetching, never in a stale cache.
        if let commit, ChannelResolver.isFullCommit(commit), let known = try Git.resolveCommit(commit, in: repository) {
            return (known, repository, false)
        }
        try fetch(channel, into: repository)
        if let commit {
            guard let known = try Git.resolveCommit(commit, in: repository) else {
                throw ChannelError.unknownCommit(channel: channel.name, url: channel.url, commit: commit)
            }
            return (known, repository, true)
        }
        let branch = channel.branch ?? "main"
        guard let tip = try Git.resolveCommit("refs/remotes/origin/" + branch, in: repository) else {
            throw ChannelError.unknownBranch(channel: channel.name, url: channel.url, branch: branch)
        }
        return (tip, repository, true)
    }

    private func lockRepository(_ repository: String) throws -> FileLock {
        try FileSystem.createDirectories(directory + "/checkouts", mode: 0o700)
        let lock = try FileLock(path: repository + ".lock")
        try lock.lock(.exclusive)
        return lock
    }

    /// Brings every branch and tag of `url` into the bare repository,
    /// made on first use. Branches land under `refs/remotes/origin/`, so a
    /// channel's `keyring` branch is there for authentication too.
    private func fetch(_ channel: ChannelSpec, into repository: String) throws {
        if !FileSystem.isDirectory(repository) {
            let staging = repository + ".tmp-" + FileSystem.randomSuffix()
            let made = try Git.run(["init", "--bare", "--quiet", staging])
            guard made.status == 0 else {
                _ = try? FileSystem.removeTree(staging)
                throw ChannelError.fetchFailed(channel: channel.name, url: channel.url, detail: made.error)
            }
            try FileSystem.rename(staging, repository)
        }
        Diagnostics.info("Updating channel '\(channel.name)' from Git repository at '\(channel.url)'...")
        let result = try Git.run(["--git-dir=" + repository, "fetch", "--quiet", "--prune", "--tags", "--force",
                                  "--end-of-options", channel.url, "+refs/heads/*:refs/remotes/origin/*"])
        guard result.status == 0 else {
            let lines = result.error.split(separator: "\n").suffix(10).joined(separator: "\n")
            throw ChannelError.fetchFailed(channel: channel.name, url: channel.url, detail: lines)
        }
    }

    /// The directory holding the files of `commit`, checked out on first use.
    package func tree(of commit: String, repository: String, channel: String) throws -> String {
        let final = treeDirectory(of: commit)
        if FileSystem.isDirectory(final) { return final }
        try FileSystem.createDirectories(directory + "/channels", mode: 0o755)
        let staging = directory + "/channels/.tmp-" + commit + "-" + FileSystem.randomSuffix()
        let index = staging + ".index"
        defer {
            try? FileSystem.removeFile(index)
            if FileSystem.exists(staging) { _ = try? FileSystem.removeTree(staging) }
        }
        try FileSystem.createDirectories(staging)
        // A private index: the bare repository has none, and two checkouts
        // at once must not share one.
        // Without the user's or the system's configuration, so no
        // `core.autocrlf` or smudge filter makes one user's tree of a
        // commit differ from another's.
        let environment = ["GIT_INDEX_FILE": index, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"]
        for arguments in [["read-tree", commit], ["checkout-index", "--all", "--force"]] {
            let result = try Git.run(["-c", "core.autocrlf=false", "-c", "core.symlinks=true", "--git-dir=" + repository,
                                      "--work-tree=" + staging] + arguments, environment: environment)
            guard result.status == 0 else {
                throw ChannelError.checkoutFailed(channel: channel, commit: commit, detail: result.error.trimmingTrailingNewlines)
            }
        }
        if rename(staging, final) != 0 && !FileSystem.isDirectory(final) {
            throw SystemError("rename", staging)
        }
        return final
    }

    /// Whether `descendant` has `ancestor` in its history (or is it); nil
    /// when the repository cannot tell (it lacks one of them).
    package func isAncestor(_ ancestor: String, of descendant: String, repository: String) throws -> Bool? {
        guard FileSystem.isDirectory(repository), ChannelResolver.isFullCommit(ancestor), ChannelResolver.isFullCommit(descendant) else { return nil }
        switch try Git.run(["--git-dir=" + repository, "merge-base", "--is-ancestor", ancestor, descendant]).status {
        case 0: return true
        case 1: return false
        default: return nil
        }
    }

    /// The commits reachable from `to` and not from `from`.
    package func commits(from: String, to: String, repository: String) throws -> Set<String> {
        guard ChannelResolver.isFullCommit(from), ChannelResolver.isFullCommit(to) else { return [] }
        let result = try Git.run(["--git-dir=" + repository, "rev-list", to, "^" + from])
        guard result.status == 0 else { return [] }
        return Set(result.output.split(separator: "\n").map(String.init))
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
