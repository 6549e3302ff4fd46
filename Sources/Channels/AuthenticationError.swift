import Basics

/// Why a channel's commits could not be authenticated. Every message names the
/// channel and the commit at fault, so that a user pulling several channels
/// knows which one to distrust and which commit to report.
package struct ChannelAuthenticationError: UserFacingError, Equatable {
    package enum Reason: Equatable, Sendable {
        /// A program authentication needs is not on PATH.
        case toolMissing(program: String, package: String, purpose: String)
        /// git failed on the channel's repository (not a repository, corrupt objects…).
        case gitFailed(command: String, detail: String)
        case commitNotFound(commit: String, repository: String)
        case introductionNotFound(commit: String, repository: String)
        case notDescendant(commit: String, introduction: String)
        case unsigned(commit: String)
        /// The signature is present but does not verify: the commit was altered
        /// after signing, or the signature is corrupt.
        case badSignature(commit: String, detail: String)
        case unsupportedSignature(commit: String, firstLine: String)
        /// `parents` is how many parents had to authorise the signer (0: a root
        /// commit reached without passing through the introduction).
        case unauthorisedSigner(commit: String, signer: String, parents: Int)
        case forgedIntroduction(commit: String, signer: String, expected: String)
        case introductionSignerNotAuthorised(commit: String, signer: String)
        case malformedAuthorizations(commit: String, detail: String)
        case invalidIntroductionSigner(text: String)
        case missingKeyring(commit: String, looked: [String])
        case unknownOpenPGPKey(commit: String, keyID: String)
        case malformedKey(file: String, detail: String)
        /// gpgv or ssh-keygen answered in a way we cannot interpret; refusing
        /// is the only safe reading.
        case verifierFailed(commit: String, program: String, detail: String)
        case system(SystemError)
    }

    package var channel: String
    package var reason: Reason

    package init(channel: String, _ reason: Reason) {
        self.channel = channel
        self.reason = reason
    }

    package var message: String {
        "channel '\(channel)': " + reasonText
    }

    private var reasonText: String {
        switch reason {
        case .toolMissing(let program, _, let purpose):
            return "cannot authenticate the channel: '\(program)' is not installed (it is needed \(purpose))"
        case .gitFailed(let command, let detail):
            return "'git \(command)' failed" + (detail.isEmpty ? "" : ": \(detail)")
        case .commitNotFound(let commit, let repository):
            return "commit \(commit) is not in the repository '\(repository)'"
        case .introductionNotFound(let commit, let repository):
            return "the introductory commit \(commit) is not in the repository '\(repository)'"
        case .notDescendant(let commit, let introduction):
            return "commit \(commit) is not a descendant of the introductory commit \(introduction)"
        case .unsigned(let commit):
            return "commit \(commit) is not signed"
        case .badSignature(let commit, let detail):
            return "the signature of commit \(commit) does not verify" + (detail.isEmpty ? "" : ": \(detail)")
        case .unsupportedSignature(let commit, let firstLine):
            return "commit \(commit) has a signature of an unsupported kind ('\(firstLine)')"
        case .unauthorisedSigner(let commit, let signer, let parents):
            switch parents {
            case 0:
                return "commit \(commit) is signed by \(signer) but has no parent whose .cairn-authorizations could authorise it"
            case 1:
                return "commit \(commit) is signed by \(signer) which is not authorised in its parent's .cairn-authorizations"
            default:
                return "merge commit \(commit) is signed by \(signer) which is not authorised in the .cairn-authorizations of every one of its \(parents) parents"
            }
        case .forgedIntroduction(let commit, let signer, let expected):
            return "the introductory commit \(commit) is signed by \(signer), not by the introduction's signer \(expected) (forged introduction?)"
        case .introductionSignerNotAuthorised(let commit, let signer):
            return "the introductory commit \(commit) is signed by \(signer), which its own .cairn-authorizations does not authorise"
        case .malformedAuthorizations(let commit, let detail):
            return "the .cairn-authorizations file of commit \(commit) is malformed: \(detail)"
        case .invalidIntroductionSigner(let text):
            return "the introduction's signer '\(text)' is neither an OpenPGP fingerprint (40 or 64 hexadecimal digits) nor an SSH one (SHA256:…)"
        case .missingKeyring(let commit, let looked):
            return "commit \(commit) has an OpenPGP signature but the repository has no keyring branch (looked for \(looked.joined(separator: ", ")))"
        case .unknownOpenPGPKey(let commit, let keyID):
            return "commit \(commit) is signed by OpenPGP key \(keyID), which is not on the keyring branch"
        case .malformedKey(let file, let detail):
            return "'\(file)' on the keyring branch is not an OpenPGP public key: \(detail)"
        case .verifierFailed(let commit, let program, let detail):
            return "cannot check the signature of commit \(commit): \(program) \(detail)"
        case .system(let error):
            return error.message
        }
    }

    package var hint: String? {
        switch reason {
        case .toolMissing(let program, let package, _):
            "install \(package) (for example 'apt install \(package)') so that '\(program)' is on PATH"
        case .gitFailed:
            "check that the channel's repository is a git repository and not corrupt ('git fsck'); fetching the channel again may help"
        case .commitNotFound:
            "fetch the channel again; a force-push upstream may have removed the commit"
        case .introductionNotFound:
            "check the channel's (introduction …) in channels.scm; the repository may hold another project or a rewritten history"
        case .notDescendant:
            "the channel's URL may point to another repository, or its history was rewritten; check (url …) and (introduction …) in channels.scm"
        case .unsigned, .unauthorisedSigner:
            "every commit after the introduction must be signed by a key that its parent's .cairn-authorizations lists; do not use this commit, and tell the channel's maintainers"
        case .badSignature:
            "the commit was altered after it was signed, or its signature is corrupt; do not use it"
        case .unsupportedSignature:
            "Cairn checks OpenPGP and SSH signatures only"
        case .forgedIntroduction, .introductionSignerNotAuthorised, .invalidIntroductionSigner:
            "compare the introduction's commit and signer in channels.scm with those the channel's maintainers published"
        case .malformedAuthorizations:
            "the expected form is (authorizations (version 0) ((\"FINGERPRINT\" (name \"NAME\")) …)); fingerprints are OpenPGP (hexadecimal) or SSH (SHA256:…)"
        case .missingKeyring:
            "fetch the channel's 'keyring' branch as well (git fetch origin keyring:keyring); it holds the signers' public keys"
        case .unknownOpenPGPKey:
            "the signer's public key must be committed as a .key file at the top of the channel's 'keyring' branch"
        case .malformedKey:
            "keys on the keyring branch must be ASCII-armored exports ('gpg --armor --export FINGERPRINT')"
        case .verifierFailed:
            "run the check again with a current GnuPG or OpenSSH; report the output above if it persists"
        case .system(let error):
            error.hint
        }
    }
}
