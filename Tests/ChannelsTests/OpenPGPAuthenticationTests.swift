import Basics
import Channels
import Testing

/// Authentication of OpenPGP-signed commits: gpgv against the keys of the
/// channel's `keyring` branch, authorised by primary-key fingerprint.
struct OpenPGPAuthenticationTests {
    private static let programs = ["gpg", "gpgv", "gpgconf"]

    @Test("a chain signed by an authorised OpenPGP key (through its subkey) is authenticated; others are refused")
    func goodChainAndStrangers() throws {
        guard let fixture = try SigningFixture.make(needs: Self.programs, test: "goodChainAndStrangers") else { return }
        let alice = try fixture.openPGPKey("Alice", signingSubkey: true)
        let bob = try fixture.openPGPKey("Bob")
        let carol = try fixture.openPGPKey("Carol")
        try fixture.makeKeyringBranch(["alice.key": fixture.armoredPublicKey(alice), "bob.key": fixture.armoredPublicKey(bob)])
        // As people paste it from `gpg --fingerprint`: grouped, any case.
        let written = SignerFingerprint.openPGP(alice).description.lowercased()
        let start = try fixture.commit("Introduce.", files: [".cairn-authorizations": SigningFixture.authorizations([written])],
                                       signer: .openPGP(fingerprint: alice))
        let first = try fixture.commit("One.", files: ["a": "1"], signer: .openPGP(fingerprint: alice))
        let authenticator = fixture.authenticator(introduction: start, signer: written)
        #expect(try authenticator.authenticate(target: first) == [start, first])
        #expect(try authenticator.authenticate(target: first) == [])

        // bob's key is on the keyring branch, which authorises nothing by itself.
        try fixture.git(["checkout", "-q", "-b", "bob"])
        let byBob = try fixture.commit("Bob.", files: ["a": "2"], signer: .openPGP(fingerprint: bob))
        #expect(refusal { try authenticator.authenticate(target: byBob) }
            == .unauthorisedSigner(commit: byBob, signer: SignerFingerprint.openPGP(bob).description, parents: 1))

        // carol's key is not even there.
        try fixture.git(["checkout", "-q", "-b", "carol", first])
        let byCarol = try fixture.commit("Carol.", files: ["a": "3"], signer: .openPGP(fingerprint: carol))
        guard case .unknownOpenPGPKey(let commit, _)? = refusal({ try authenticator.authenticate(target: byCarol) }) else {
            Issue.record("a signature by a key missing from the keyring was not refused as such")
            return
        }
        #expect(commit == byCarol)

        // Forged introduction: the channel claims bob introduced it.
        let claimed = fixture.authenticator(introduction: start, signer: bob, cache: false)
        #expect(refusal { try claimed.authenticate(target: first) }
            == .forgedIntroduction(commit: start, signer: SignerFingerprint.openPGP(alice).description,
                                   expected: SignerFingerprint.openPGP(bob).description))
    }

    @Test("the keyring branch is found in a bare mirror's refs/remotes; its absence is reported")
    func keyringLocations() throws {
        guard let fixture = try SigningFixture.make(needs: Self.programs, test: "keyringLocations") else { return }
        let alice = try fixture.openPGPKey("Alice")
        try fixture.makeKeyringBranch(["alice.key": fixture.armoredPublicKey(alice)])
        let start = try fixture.commit("Introduce.", files: [".cairn-authorizations": SigningFixture.authorizations([alice])],
                                       signer: .openPGP(fingerprint: alice))
        let first = try fixture.commit("One.", files: ["a": "1"], signer: .openPGP(fingerprint: alice))

        let mirror = fixture.root + "/mirror.git"
        try fixture.git(["init", "-q", "--bare", mirror], in: fixture.root)
        try fixture.git(["fetch", "-q", fixture.repository, "refs/heads/*:refs/remotes/upstream/*"], in: mirror)
        let fromMirror = fixture.authenticator(introduction: start, signer: alice, cache: false, repository: mirror)
        #expect(try fromMirror.authenticate(target: "refs/remotes/upstream/main") == [start, first])
        let named = fixture.authenticator(introduction: start, signer: alice, cache: false, repository: mirror,
                                          keyringReference: "refs/remotes/upstream/keyring")
        #expect(try named.authenticate(target: first) == [start, first])
        let misnamed = fixture.authenticator(introduction: start, signer: alice, cache: false, repository: mirror,
                                             keyringReference: "keys")
        #expect(refusal { try misnamed.authenticate(target: first) } == .missingKeyring(commit: start, looked: ["keys"]))

        let bare = fixture.root + "/no-keyring.git"
        try fixture.git(["init", "-q", "--bare", bare], in: fixture.root)
        try fixture.git(["fetch", "-q", fixture.repository, "refs/heads/main:refs/heads/main"], in: bare)
        let keyless = fixture.authenticator(introduction: start, signer: alice, cache: false, repository: bare)
        guard case .missingKeyring(let commit, let looked)? = refusal({ try keyless.authenticate(target: first) }) else {
            Issue.record("a missing keyring branch was not reported")
            return
        }
        #expect(commit == start)
        #expect(looked.contains("refs/heads/keyring"))
    }

    @Test("a malformed key on the keyring branch is named")
    func malformedKey() throws {
        guard let fixture = try SigningFixture.make(needs: Self.programs, test: "malformedKey") else { return }
        let alice = try fixture.openPGPKey("Alice")
        var armored = try fixture.armoredPublicKey(alice)
        // Corrupt one base64 character of the body: the armor checksum catches it.
        if let index = armored.firstIndex(of: "m") { armored.replaceSubrange(index...index, with: "n") }
        try fixture.makeKeyringBranch(["alice.key": armored])
        let start = try fixture.commit("Introduce.", files: [".cairn-authorizations": SigningFixture.authorizations([alice])],
                                       signer: .openPGP(fingerprint: alice))
        guard case .malformedKey(let file, _)? = refusal({
            try fixture.authenticator(introduction: start, signer: alice).authenticate(target: start)
        }) else {
            Issue.record("a corrupt key file was not reported")
            return
        }
        #expect(file == "alice.key")
    }
}
