import Basics
import Channels
import Glibc
import Testing

/// End-to-end authentication over real repositories signed with throwaway
/// SSH keys: the rules (parents authorise, merges need every parent, the
/// introduction vouches for itself) and the cache.
struct SSHAuthenticationTests {
    /// A repository whose introduction authorises alice's SSH key.
    private func introduced(_ test: String) throws -> (SigningFixture, alice: (key: String, fingerprint: String), start: String)? {
        guard let fixture = try SigningFixture.make(needs: ["ssh-keygen"], test: test) else { return nil }
        let alice = try fixture.sshKey("alice")
        let start = try fixture.commit("Introduce the channel.",
                                       files: [".cairn-authorizations": SigningFixture.authorizations([alice.fingerprint])],
                                       signer: .ssh(key: alice.key))
        return (fixture, alice, start)
    }

    @Test("a chain signed by an authorised SSH key is authenticated, then cached")
    func goodChain() throws {
        guard let (fixture, alice, start) = try introduced("goodChain") else { return }
        let first = try fixture.commit("One.", files: ["a": "1"], signer: .ssh(key: alice.key))
        let second = try fixture.commit("Two.", files: ["a": "2"], signer: .ssh(key: alice.key))
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)

        #expect(try authenticator.authenticate(target: second) == [start, first, second])
        // The cache now covers `second` and everything before it.
        #expect(try authenticator.authenticate(target: second) == [])
        #expect(try authenticator.authenticate(target: first) == [])
        let third = try fixture.commit("Three.", files: ["a": "3"], signer: .ssh(key: alice.key))
        #expect(try authenticator.authenticate(target: third) == [third])

        try FileSystem.removeFile(fixture.cacheFile)
        #expect(try authenticator.authenticate(target: third) == [start, first, second, third])
        // Without a cache file, everything is checked every time.
        let uncached = fixture.authenticator(introduction: start, signer: alice.fingerprint, cache: false)
        #expect(try uncached.authenticate(target: third).count == 4)
        #expect(try uncached.authenticate(target: start) == [start])
    }

    @Test("the cache belongs to one introduction")
    func cacheIsKeyedByIntroduction() throws {
        guard let (fixture, alice, start) = try introduced("cacheIsKeyedByIntroduction") else { return }
        let first = try fixture.commit("One.", files: ["a": "1"], signer: .ssh(key: alice.key))
        let second = try fixture.commit("Two.", files: ["a": "2"], signer: .ssh(key: alice.key))
        #expect(try fixture.authenticator(introduction: start, signer: alice.fingerprint).authenticate(target: second).count == 3)
        // A later introduction (first is signed by alice and lists her) must
        // redo its own work rather than trust what was checked from `start`.
        let later = fixture.authenticator(introduction: first, signer: alice.fingerprint)
        #expect(try later.authenticate(target: second) == [first, second])
        #expect(try later.authenticate(target: second) == [])
    }

    @Test("an unsigned commit is refused")
    func unsignedCommit() throws {
        guard let (fixture, alice, start) = try introduced("unsignedCommit") else { return }
        let unsigned = try fixture.commit("Unsigned.", files: ["a": "1"], signer: .none)
        let after = try fixture.commit("After.", files: ["a": "2"], signer: .ssh(key: alice.key))
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)
        #expect(refusal { try authenticator.authenticate(target: after) } == .unsigned(commit: unsigned))
        do throws(ChannelAuthenticationError) {
            try authenticator.authenticate(target: after)
            Issue.record("an unsigned commit was accepted")
        } catch {
            #expect(error.message == "channel 'fixture': commit \(unsigned) is not signed")
            #expect(error.hint != nil)
        }
        // Nothing was recorded: the next attempt refuses again.
        #expect(refusal { try authenticator.authenticate(target: after) } == .unsigned(commit: unsigned))
    }

    @Test("a commit signed by a key its parent does not list is refused")
    func unauthorisedSigner() throws {
        guard let (fixture, alice, start) = try introduced("unauthorisedSigner") else { return }
        let mallory = try fixture.sshKey("mallory")
        let bad = try fixture.commit("Sneaky.", files: ["a": "1"], signer: .ssh(key: mallory.key))
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)
        #expect(refusal { try authenticator.authenticate(target: bad) }
            == .unauthorisedSigner(commit: bad, signer: mallory.fingerprint, parents: 1))
        let error = ChannelAuthenticationError(channel: "fixture", .unauthorisedSigner(commit: bad, signer: mallory.fingerprint, parents: 1))
        #expect(error.message == "channel 'fixture': commit \(bad) is signed by \(mallory.fingerprint) which is not authorised in its parent's .cairn-authorizations")
    }

    @Test("a forged introduction is refused")
    func forgedIntroduction() throws {
        guard let (fixture, alice, start) = try introduced("forgedIntroduction") else { return }
        let mallory = try fixture.sshKey("mallory")
        let claimed = fixture.authenticator(introduction: start, signer: mallory.fingerprint)
        #expect(refusal { try claimed.authenticate(target: start) }
            == .forgedIntroduction(commit: start, signer: alice.fingerprint, expected: mallory.fingerprint))
        #expect(!FileSystem.exists(fixture.cacheFile))

        // Signed by the right key, but not listing it: not a valid introduction either.
        let silent = try fixture.commit("Forget alice.", files: [".cairn-authorizations": SigningFixture.authorizations([mallory.fingerprint])],
                                        signer: .ssh(key: alice.key))
        #expect(refusal { try fixture.authenticator(introduction: silent, signer: alice.fingerprint).authenticate(target: silent) }
            == .introductionSignerNotAuthorised(commit: silent, signer: alice.fingerprint))
        #expect(refusal { try fixture.authenticator(introduction: start, signer: "not a fingerprint").authenticate(target: start) }
            == .invalidIntroductionSigner(text: "not a fingerprint"))
    }

    @Test("a target that does not descend from the introduction is refused; older commits are not checked")
    func targetOutsideIntroduction() throws {
        guard let fixture = try SigningFixture.make(needs: ["ssh-keygen"], test: "targetOutsideIntroduction") else { return }
        let alice = try fixture.sshKey("alice")
        let before = try fixture.commit("Before signing.", files: ["a": "0"], signer: .none)
        let start = try fixture.commit("Introduce.", files: [".cairn-authorizations": SigningFixture.authorizations([alice.fingerprint])],
                                       signer: .ssh(key: alice.key))
        let next = try fixture.commit("Next.", files: ["a": "1"], signer: .ssh(key: alice.key))
        try fixture.git(["checkout", "-q", "-b", "elsewhere", before])
        let sibling = try fixture.commit("Elsewhere.", files: ["b": "1"], signer: .ssh(key: alice.key))
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)

        #expect(try authenticator.authenticate(target: next) == [start, next])
        #expect(refusal { try authenticator.authenticate(target: before) } == .notDescendant(commit: before, introduction: start))
        #expect(refusal { try authenticator.authenticate(target: sibling) } == .notDescendant(commit: sibling, introduction: start))
        let error = ChannelAuthenticationError(channel: "fixture", .notDescendant(commit: sibling, introduction: start))
        #expect(error.message == "channel 'fixture': commit \(sibling) is not a descendant of the introductory commit \(start)")
        #expect(refusal { try authenticator.authenticate(target: "0123456789abcdef0123456789abcdef01234567") }
            == .commitNotFound(commit: "0123456789abcdef0123456789abcdef01234567", repository: fixture.repository))
    }

    @Test("a key added to .cairn-authorizations may sign only the commits after")
    func newKeyAuthorisesLaterCommits() throws {
        guard let (fixture, alice, start) = try introduced("newKeyAuthorisesLaterCommits") else { return }
        let bob = try fixture.sshKey("bob")
        let both = SigningFixture.authorizations([alice.fingerprint, bob.fingerprint])

        // bob adding himself, in the commit he signs: refused.
        try fixture.git(["checkout", "-q", "-b", "self-granted"])
        let selfGranted = try fixture.commit("Add bob.", files: [".cairn-authorizations": both], signer: .ssh(key: bob.key))
        // alice adding bob: bob may sign from the next commit on.
        try fixture.git(["checkout", "-q", "-B", "main", start])
        let granted = try fixture.commit("Add bob.", files: [".cairn-authorizations": both], signer: .ssh(key: alice.key))
        let byBob = try fixture.commit("Bob's work.", files: ["a": "1"], signer: .ssh(key: bob.key))
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)

        #expect(refusal { try authenticator.authenticate(target: selfGranted) }
            == .unauthorisedSigner(commit: selfGranted, signer: bob.fingerprint, parents: 1))
        #expect(try authenticator.authenticate(target: byBob) == [start, granted, byBob])

        // Removing a key takes effect for the next commits the same way.
        let revoked = try fixture.commit("Remove bob.", files: [".cairn-authorizations": SigningFixture.authorizations([alice.fingerprint])],
                                         signer: .ssh(key: bob.key))
        let late = try fixture.commit("Too late.", files: ["a": "2"], signer: .ssh(key: bob.key))
        #expect(refusal { try authenticator.authenticate(target: late) }
            == .unauthorisedSigner(commit: late, signer: bob.fingerprint, parents: 1))
        #expect(try authenticator.authenticate(target: revoked) == [revoked])
    }

    @Test("a merge's signer must be authorised by every parent")
    func mergeNeedsEveryParent() throws {
        guard let (fixture, alice, start) = try introduced("mergeNeedsEveryParent") else { return }
        let bob = try fixture.sshKey("bob")
        try fixture.git(["checkout", "-q", "-b", "side"])
        let side = try fixture.commit("Add bob on a side branch.",
                                      files: [".cairn-authorizations": SigningFixture.authorizations([alice.fingerprint, bob.fingerprint]), "side": "1"],
                                      signer: .ssh(key: alice.key))
        try fixture.git(["checkout", "-q", "main"])
        let mainline = try fixture.commit("Main line.", files: ["main": "1"], signer: .ssh(key: alice.key))

        try fixture.git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(bob.key)", "merge", "-q", "-S", "--no-ff", "-m", "Merge by bob.", "side"])
        let bobsMerge = try fixture.head()
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)
        #expect(refusal { try authenticator.authenticate(target: bobsMerge) }
            == .unauthorisedSigner(commit: bobsMerge, signer: bob.fingerprint, parents: 2))

        try fixture.git(["reset", "-q", "--hard", mainline])
        try fixture.git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(alice.key)", "merge", "-q", "-S", "--no-ff", "-m", "Merge by alice.", "side"])
        let alicesMerge = try fixture.head()
        let verified = try authenticator.authenticate(target: alicesMerge)
        #expect(Set(verified) == [start, side, mainline, alicesMerge])
        #expect(verified.first == start && verified.last == alicesMerge)
    }

    @Test("a commit altered after signing is refused")
    func tamperedCommit() throws {
        guard let (fixture, alice, start) = try introduced("tamperedCommit") else { return }
        let honest = try fixture.commit("Pay alice 10.", files: ["a": "1"], signer: .ssh(key: alice.key))
        let object = try fixture.git(["cat-file", "commit", honest])
        let forged = object.replacing("Pay alice 10.", with: "Pay mallory 99.")
        let tampered = try fixture.git(["hash-object", "-t", "commit", "-w", "--stdin"], input: Array(forged.utf8)).trimmingSpaces()
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)
        guard case .badSignature(let commit, _)? = refusal({ try authenticator.authenticate(target: tampered) }) else {
            Issue.record("a tampered commit was not refused for its signature")
            return
        }
        #expect(commit == tampered)
        #expect(try authenticator.authenticate(target: honest) == [start, honest])
    }

    @Test("a malformed .cairn-authorizations names its commit")
    func malformedAuthorizations() throws {
        guard let (fixture, alice, start) = try introduced("malformedAuthorizations") else { return }
        let broken = try fixture.commit("Break it.", files: [".cairn-authorizations": "(authorizations (version 0) ((\"\(alice.fingerprint)\")"],
                                        signer: .ssh(key: alice.key))
        let after = try fixture.commit("After.", files: ["a": "1"], signer: .ssh(key: alice.key))
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint)
        guard case .malformedAuthorizations(let commit, let detail)? = refusal({ try authenticator.authenticate(target: after) }) else {
            Issue.record("a malformed authorizations file was not reported")
            return
        }
        #expect(commit == broken)
        #expect(detail.contains("never closed"))
    }

    @Test("a bare repository works, and a removed file authorises nobody")
    func bareRepositoryAndMissingFile() throws {
        guard let (fixture, alice, start) = try introduced("bareRepositoryAndMissingFile") else { return }
        try fixture.git(["rm", "-q", ".cairn-authorizations"])
        let removal = try fixture.commit("Drop the file.", signer: .ssh(key: alice.key))
        let orphaned = try fixture.commit("Nobody may sign this.", files: ["a": "1"], signer: .ssh(key: alice.key))
        let bare = fixture.root + "/bare.git"
        try fixture.git(["clone", "-q", "--bare", fixture.repository, bare], in: fixture.root)
        let authenticator = fixture.authenticator(introduction: start, signer: alice.fingerprint, repository: bare)
        #expect(try authenticator.authenticate(target: removal) == [start, removal])
        #expect(refusal { try authenticator.authenticate(target: orphaned) }
            == .unauthorisedSigner(commit: orphaned, signer: alice.fingerprint, parents: 1))
    }
}
