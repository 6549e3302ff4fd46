import Basics
import Glibc

/// Checks commit signatures with the system's verifiers and says which key
/// made each one: `ssh-keygen -Y check-novalidate` for SSH signatures,
/// `gpgv` against the channel's keyring branch for OpenPGP ones. Neither
/// consults a trust database: whom to trust is `.cairn-authorizations`'s
/// business, and these only prove who signed.
final class SignatureVerifier {
    private let repository: AuthenticationRepository
    private let scratch: AuthenticationScratch
    private let keyringReference: String?
    private let environment = AuthenticationProcess.environment
    /// Built on the first OpenPGP signature: an SSH-only channel needs no
    /// keyring branch and no gpgv.
    private var keyringFile: String?

    init(repository: AuthenticationRepository, scratch: AuthenticationScratch, keyringReference: String?) {
        self.repository = repository
        self.scratch = scratch
        self.keyringReference = keyringReference
    }

    private func error(_ reason: ChannelAuthenticationError.Reason) -> ChannelAuthenticationError {
        ChannelAuthenticationError(channel: repository.channel, reason)
    }

    private func write(_ bytes: [UInt8], named stem: String) throws(ChannelAuthenticationError) -> String {
        do { return try scratch.file(bytes, named: stem) } catch {
            throw self.error(.system(error as? SystemError ?? SystemError("write", scratch.path)))
        }
    }

    /// The key that signed `commit`, once its signature is checked.
    func signer(of commit: SignedCommit) throws(ChannelAuthenticationError) -> SignerFingerprint {
        guard let signature = commit.signature, let kind = commit.kind else { throw error(.unsigned(commit: commit.id)) }
        switch kind {
        case .ssh: return try sshSigner(commit, signature)
        case .openPGP: return try openPGPSigner(commit, signature)
        case .other(let firstLine): throw error(.unsupportedSignature(commit: commit.id, firstLine: firstLine))
        }
    }

    private func sshSigner(_ commit: SignedCommit, _ signature: [UInt8]) throws(ChannelAuthenticationError) -> SignerFingerprint {
        guard let sshKeygen = AuthenticationProcess.executable(named: "ssh-keygen") else {
            throw error(.toolMissing(program: "ssh-keygen", package: "openssh-client", purpose: "to check SSH-signed commits"))
        }
        let fingerprint: SignerFingerprint
        do { fingerprint = try SSHSignature.signerFingerprint(armored: signature) } catch {
            throw self.error(.badSignature(commit: commit.id, detail: error.detail))
        }
        let signatureFile = try write(signature, named: "signature")
        let payloadFile = try write(commit.payload, named: "payload")
        // A long history would otherwise leave two files per commit until the end.
        defer {
            unlink(signatureFile)
            unlink(payloadFile)
        }
        // check-novalidate verifies the signature against the key embedded in
        // it, in git's namespace; whether that key may sign is decided later.
        guard let result = AuthenticationProcess.run(
            sshKeygen, ["-Y", "check-novalidate", "-n", "git", "-s", signatureFile],
            inputFile: payloadFile, environment: environment) else {
            throw error(.verifierFailed(commit: commit.id, program: "ssh-keygen", detail: "could not be started"))
        }
        guard result.status == 0 else {
            throw error(.badSignature(commit: commit.id, detail: result.firstErrorLine))
        }
        // ssh-keygen prints `Good "git" signature with ED25519 key SHA256:…`;
        // when it names a key, it must be the one we read from the signature.
        let reported = (result.text + " " + String(decoding: result.errors, as: UTF8.self))
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0.hasPrefix("SHA256:") }
        if let other = reported.first(where: { SignerFingerprint(parsing: String($0)) != fingerprint }) {
            throw error(.verifierFailed(commit: commit.id, program: "ssh-keygen",
                                        detail: "reported key \(other), but the signature carries \(fingerprint)"))
        }
        return fingerprint
    }

    private func openPGPSigner(_ commit: SignedCommit, _ signature: [UInt8]) throws(ChannelAuthenticationError) -> SignerFingerprint {
        guard let gpgv = AuthenticationProcess.executable(named: "gpgv") else {
            throw error(.toolMissing(program: "gpgv", package: "gpgv", purpose: "to check OpenPGP-signed commits"))
        }
        let keyring = try keyringPath(for: commit)
        let signatureFile = try write(signature, named: "signature")
        let payloadFile = try write(commit.payload, named: "payload")
        defer {
            unlink(signatureFile)
            unlink(payloadFile)
        }
        // A private home: gpgv then reads no user configuration and no
        // trustedkeys.kbx, only the keyring built from the channel.
        let home = scratch.path + "/gnupg"
        if !FileSystem.isDirectory(home) {
            guard mkdir(home, 0o700) == 0 || errno == EEXIST else { throw error(.system(SystemError("create directory", home))) }
        }
        guard let result = AuthenticationProcess.run(
            gpgv, ["--homedir", home, "--status-fd", "1", "--keyring", keyring, signatureFile, payloadFile],
            environment: environment) else {
            throw error(.verifierFailed(commit: commit.id, program: "gpgv", detail: "could not be started"))
        }
        let status = result.text.split(separator: "\n").compactMap { line -> [Substring]? in
            guard line.hasPrefix("[GNUPG:] ") else { return nil }
            return line.dropFirst("[GNUPG:] ".count).split(separator: " ")
        }
        func records(_ keyword: String) -> [[Substring]] { status.filter { $0.first.map { $0 == keyword } ?? false } }
        if let missing = records("NO_PUBKEY").first, missing.count >= 2 {
            throw error(.unknownOpenPGPKey(commit: commit.id, keyID: String(missing[1])))
        }
        if !records("BADSIG").isEmpty {
            throw error(.badSignature(commit: commit.id, detail: "gpgv reports a bad signature"))
        }
        if !records("REVKEYSIG").isEmpty {
            throw error(.badSignature(commit: commit.id, detail: "the signing key has been revoked"))
        }
        let valid = records("VALIDSIG")
        // One signature, one signer: several would leave "who signed" ambiguous.
        guard result.status == 0, valid.count == 1, records("NEWSIG").count <= 1 else {
            let detail = result.firstErrorLine
            throw error(.badSignature(commit: commit.id, detail: detail.isEmpty
                ? "gpgv found \(valid.count) valid signatures (exit status \(result.status))" : detail))
        }
        // VALIDSIG <signing-key fpr> <date> <time> <expiry> <version> <reserved>
        //          <pk-algo> <hash-algo> <class> <primary-key fpr>
        // Authorisations name primary keys; the signing key may be a subkey.
        let fields = valid[0]
        let primary = fields.count >= 11 ? fields[10] : fields.count >= 2 ? fields[1] : ""
        guard let fingerprint = SignerFingerprint(parsing: String(primary)), case .openPGP = fingerprint else {
            throw error(.verifierFailed(commit: commit.id, program: "gpgv",
                                        detail: "printed an unexpected VALIDSIG line: \(fields.joined(separator: " "))"))
        }
        return fingerprint
    }

    private func keyringPath(for commit: SignedCommit) throws(ChannelAuthenticationError) -> String {
        if let keyringFile { return keyringFile }
        guard let branch = try OpenPGPKeyring.locate(in: repository, reference: keyringReference) else {
            throw error(.missingKeyring(commit: commit.id, looked: keyringReference.map { [$0] } ?? OpenPGPKeyring.defaultReferences))
        }
        let path = try write(try OpenPGPKeyring.keyring(in: repository, commit: branch), named: "keyring.gpg")
        keyringFile = path
        return path
    }
}
