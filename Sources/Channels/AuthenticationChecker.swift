import Basics

/// The rules of channel authentication, as Guix states them: a commit is
/// authentic when a key that its parent's `.cairn-authorizations` lists
/// signed it; a merge's signer must be listed by every parent (a side branch
/// cannot grant what the main line did not); the introductory commit is
/// vouched for by the introduction itself instead of a parent.
final class AuthorizationChecker {
    static let fileName = ".cairn-authorizations"

    private let repository: AuthenticationRepository
    private let verifier: SignatureVerifier
    /// Parsed files by blob id: most commits leave the file unchanged, so a
    /// long history has only a handful of distinct versions of it.
    private var parsed: [String: Result<Set<SignerFingerprint>, AuthorizationsFile.SyntaxError>] = [:]

    init(repository: AuthenticationRepository, verifier: SignatureVerifier) {
        self.repository = repository
        self.verifier = verifier
    }

    private func error(_ reason: ChannelAuthenticationError.Reason) -> ChannelAuthenticationError {
        ChannelAuthenticationError(channel: repository.channel, reason)
    }

    /// The introductory commit must be signed by the introduction's signer,
    /// who must also be listed in the commit's own authorisations (as Guix
    /// requires: an introduction that does not authorise itself is a mistake).
    func verifyIntroduction(_ id: String, signer expected: SignerFingerprint) throws(ChannelAuthenticationError) {
        guard let commit = try commits([id]).first else {
            throw error(.commitNotFound(commit: id, repository: repository.path))
        }
        let signer = try verifier.signer(of: commit)
        guard signer == expected else {
            throw error(.forgedIntroduction(commit: id, signer: signer.description, expected: expected.description))
        }
        guard try authorizations(of: [id])[id]?.contains(signer) == true else {
            throw error(.introductionSignerNotAuthorised(commit: id, signer: signer.description))
        }
    }

    /// Checks `ids`, which must come parents first for errors to name the
    /// earliest bad commit; throws on the first that is not authentic.
    func verify(_ ids: [String]) throws(ChannelAuthenticationError) {
        let commits = try commits(ids)
        let authorized = try authorizations(of: Array(Set(commits.flatMap(\.parents))))
        for commit in commits {
            let signer = try verifier.signer(of: commit)
            var allowed: Set<SignerFingerprint>?
            for parent in commit.parents {
                let listed = authorized[parent] ?? []
                allowed = allowed.map { $0.intersection(listed) } ?? listed
            }
            guard allowed?.contains(signer) == true else {
                throw error(.unauthorisedSigner(commit: commit.id, signer: signer.description, parents: commit.parents.count))
            }
        }
    }

    private func commits(_ ids: [String]) throws(ChannelAuthenticationError) -> [SignedCommit] {
        let objects = try repository.objects(ids)
        var commits: [SignedCommit] = []
        for id in ids {
            guard let object = objects[id], object.type == "commit" else {
                throw error(.commitNotFound(commit: id, repository: repository.path))
            }
            commits.append(SignedCommit(id: id, object: object.bytes))
        }
        return commits
    }

    /// For each commit, the signers its authorisations file lists: none
    /// when it has no such file (nobody may then sign its children).
    private func authorizations(of ids: [String]) throws(ChannelAuthenticationError) -> [String: Set<SignerFingerprint>] {
        let entries = try repository.lookUp(ids.map { $0 + ":" + Self.fileName })
        let unread = Set(entries.compactMap { $0 }.filter { $0.type == "blob" && parsed[$0.id] == nil }.map(\.id))
        for (blob, object) in try repository.objects(Array(unread)) {
            parsed[blob] = Result { () throws(AuthorizationsFile.SyntaxError) in
                try AuthorizationsFile(parsing: object.bytes).signers
            }
        }
        var result: [String: Set<SignerFingerprint>] = [:]
        for (id, entry) in zip(ids, entries) {
            guard let entry else {
                result[id] = []
                continue
            }
            guard entry.type == "blob", let outcome = parsed[entry.id] else {
                throw error(.malformedAuthorizations(commit: id, detail: "it is a \(entry.type), not a file"))
            }
            switch outcome {
            case .success(let signers): result[id] = signers
            case .failure(let failure): throw error(.malformedAuthorizations(commit: id, detail: failure.detail))
            }
        }
        return result
    }
}
