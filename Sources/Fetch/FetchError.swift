import Basics
import StoreFormats

/// One source that was tried and why it gave nothing usable. Kept as text:
/// the reasons come from HTTP, TLS, DNS and the file system, and all a user
/// (or a build log) does with them is read them.
package struct FetchFailure: Sendable, Equatable, CustomStringConvertible {
    package let url: String
    package let reason: String

    package init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    package var description: String { "\(url): \(reason)" }
}

/// Why a fixed-output download did not produce its file. Every case names
/// what the user can act on: the URL, the hashes, the mirror table's files.
package enum FetchError: UserFacingError, Equatable {
    /// A source delivered bytes whose hash is not the expected one. Takes
    /// precedence over other failures: it usually means the recipe's hash is
    /// wrong (or the upstream file was replaced), and retrying cannot help.
    case hashMismatch(url: String, expected: Hash, actual: Hash, otherFailures: [FetchFailure])
    /// Every URL (and content-addressed mirror) was tried; each with its reason.
    case allSourcesFailed(name: String, failures: [FetchFailure])
    /// `mirror://NAME/…` with a NAME the mirror table does not have.
    case unknownMirror(name: String, url: String, known: [String], configurationFiles: [String])
    case invalidURL(String, reason: String)
    /// A line of a mirrors file that cannot be read.
    case invalidConfiguration(file: String, line: Int, reason: String)
    case noURLs(name: String)
    /// The destination's directory cannot take the temporary file or the rename.
    case destination(SystemError)

    package var message: String {
        switch self {
        case .hashMismatch(let url, let expected, let actual, let others):
            var text = """
                hash mismatch in fixed-output download from '\(url)':
                  expected: \(Self.describe(expected))
                  actual:   \(Self.describe(actual))
                """
            if !others.isEmpty {
                text += "\nother sources tried:" + others.map { "\n  \($0)" }.joined()
            }
            return text
        case .allSourcesFailed(let name, let failures):
            return "cannot download '\(name)'; every source failed:" + failures.map { "\n  \($0)" }.joined()
        case .unknownMirror(let name, let url, let known, _):
            let list = known.isEmpty ? "none are configured" : "known mirrors: " + known.sorted().joined(separator: ", ")
            return "unknown mirror '\(name)' in '\(url)' (\(list))"
        case .invalidURL(let url, let reason):
            return "invalid download URL '\(url)': \(reason)"
        case .invalidConfiguration(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        case .noURLs(let name):
            return "no URL to download '\(name)' from"
        case .destination(let error):
            return error.message
        }
    }

    package var hint: String? {
        switch self {
        case .hashMismatch(_, let expected, let actual, _):
            "if the new content is the one you want, use \(actual.encoded(.sri)) (\(actual)) in place of \(expected.encoded(.sri)); otherwise the server sent something else than the recipe expects"
        case .allSourcesFailed:
            "check the URLs and your network; mirrors and content-addressed mirrors are set in ~/.config/cairn/mirrors (see the README, \"Mirrors\")"
        case .unknownMirror(let name, _, _, let files):
            (name == "debian"
                ? "the debian mirror is read from the system's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/) or CAIRN_DEBIAN_MIRROR; "
                : "")
                + "add a line '\(name) URL-PREFIX' to "
                + (files.first ?? "~/.config/cairn/mirrors") + " (or the file CAIRN_MIRRORS_FILE names)"
        case .invalidConfiguration:
            "mirror lines are 'NAME URL-PREFIX…', content-addressed ones 'content-addressed TEMPLATE' with {algo} and {hex} or {nix32}"
        case .invalidURL, .noURLs:
            nil
        case .destination(let error):
            error.hint
        }
    }

    /// Both notations Nix prints (`sha256:<nix32>` and SRI), so the user can
    /// paste whichever form their recipe uses.
    static func describe(_ hash: Hash) -> String {
        "\(hash.encoded(.nixBase32)) (\(hash.encoded(.sri)))"
    }
}
