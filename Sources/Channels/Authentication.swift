import Basics

/// Where trust in a channel starts: its first signed commit and the
/// fingerprint of the key that signed it, as channels.scm writes them
/// (`(make-channel-introduction COMMIT (openpgp-fingerprint SIGNER))`).
package struct ChannelIntroduction: Equatable, Sendable {
    package var commit: String
    /// An OpenPGP fingerprint (spaces and case do not matter) or an SSH
    /// key fingerprint (`SHA256:…`).
    package var signer: String

    package init(commit: String, signer: String) {
        self.commit = commit
        self.signer = signer
    }

    package init(_ introduction: ChannelDescription.Introduction) {
        self.init(commit: introduction.firstSignedCommit, signer: introduction.signer)
    }
}

/// Authenticates a channel's commits, as `guix pull` does: every commit
/// from the introduction to the target must be signed by a key that the
/// `.cairn-authorizations` of its parent(s) lists. Commits that are
/// ancestors of the introduction are not checked; they predate the channel's
/// signing policy. Verified commits are recorded in `cacheFile` so that the
/// next run checks only new ones.
///
///     let authenticator = ChannelAuthenticator(
///         repository: checkout, channelName: "cairn", introduction: introduction,
///         cacheFile: cacheHome + "/cairn/authentication/cairn")
///     try authenticator.authenticate(target: fetchedCommit)
package struct ChannelAuthenticator: Sendable {
    /// A git repository, bare or with a working tree.
    package var repository: String
    package var channelName: String
    package var introduction: ChannelIntroduction
    /// Where verified commits are recorded; nil to check everything each time.
    package var cacheFile: String?
    /// The branch holding the OpenPGP keys; nil for `keyring`,
    /// `origin/keyring`, then any `refs/remotes/*/keyring`.
    package var keyringReference: String?

    package init(repository: String, channelName: String, introduction: ChannelIntroduction,
                 cacheFile: String?, keyringReference: String? = nil) {
        self.repository = repository
        self.channelName = channelName
        self.introduction = introduction
        self.cacheFile = cacheFile
        self.keyringReference = keyringReference
    }

    private func error(_ reason: ChannelAuthenticationError.Reason) -> ChannelAuthenticationError {
        ChannelAuthenticationError(channel: channelName, reason)
    }

    /// Checks every commit between the introduction and `target` (a commit
    /// id or any name git resolves) not checked before; returns those it
    /// checked now, parents first ([] when the cache already covered target).
    @discardableResult
    package func authenticate(target name: String) throws(ChannelAuthenticationError) -> [String] {
        guard let expectedSigner = SignerFingerprint(parsing: introduction.signer) else {
            throw error(.invalidIntroductionSigner(text: introduction.signer))
        }
        let scratch: AuthenticationScratch
        do { scratch = try AuthenticationScratch() } catch {
            throw self.error(.system(error as? SystemError ?? SystemError("create a temporary directory", "/tmp")))
        }
        let git = try AuthenticationRepository(channel: channelName, path: repository, scratch: scratch)
        guard let start = try git.commit(named: introduction.commit) else {
            throw error(.introductionNotFound(commit: introduction.commit, repository: repository))
        }
        guard let target = try git.commit(named: name) else {
            throw error(.commitNotFound(commit: name, repository: repository))
        }
        guard try git.isAncestor(start, of: target) else {
            throw error(.notDescendant(commit: target, introduction: start))
        }

        let cache = cacheFile.map { AuthenticationCache(path: $0, introduction: start, signer: expectedSigner) }
        let cached = cache?.load()
        // Recorded commits the repository no longer has (history rewritten
        // upstream, objects pruned) would make rev-list fail; they can go.
        var known: [String] = []
        if let cached {
            known = try zip(cached, git.lookUp(cached)).filter { $0.1?.type == "commit" }.map(\.0)
        }

        let verifier = SignatureVerifier(repository: git, scratch: scratch, keyringReference: keyringReference)
        let checker = AuthorizationChecker(repository: git, verifier: verifier)
        var verified: [String] = []
        if cached == nil {
            try checker.verifyIntroduction(start, signer: expectedSigner)
            verified.append(start)
        }
        // Descendants of the introduction not behind an already-verified
        // tip, parents first so that a refusal names the earliest bad commit.
        let revisions = [target, "^" + start] + known.map { "^" + $0 }
        let pending = try git.objectIDs(["rev-list", "--topo-order", "--reverse", "--stdin"],
                                        input: Array(revisions.map { $0 + "\n" }.joined().utf8))
        // Bounded batches: one git process per batch rather than per commit,
        // without holding a whole history's commit objects in memory.
        var batchStart = 0
        while batchStart < pending.count {
            let batch = Array(pending[batchStart..<min(batchStart + 256, pending.count)])
            try checker.verify(batch)
            verified += batch
            batchStart += batch.count
        }

        if let cache, cached == nil || !pending.isEmpty {
            // Tips that are ancestors of others add nothing to `--not`.
            let tips = try git.objectIDs(["merge-base", "--independent"] + known + [target])
            do { try cache.store(tips.isEmpty ? [target] : tips) } catch {
                throw self.error(.system(error as? SystemError ?? SystemError("write", cache.path)))
            }
        }
        return verified
    }
}
