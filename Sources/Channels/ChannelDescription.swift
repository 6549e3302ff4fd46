import Basics

/// One channel as `cairn describe` reports it, and as `channels.scm` says
/// it in Guix's syntax.
package struct ChannelDescription: Equatable, Sendable {
    package struct Introduction: Equatable, Sendable {
        package var firstSignedCommit: String
        package var signer: String

        package init(firstSignedCommit: String, signer: String) {
            self.firstSignedCommit = firstSignedCommit
            self.signer = signer
        }
    }

    package var name: String
    package var url: String
    package var branch: String?
    package var commit: String
    package var introduction: Introduction?

    package init(name: String, url: String, branch: String?, commit: String, introduction: Introduction? = nil) {
        self.name = name
        self.url = url
        self.branch = branch
        self.commit = commit
        self.introduction = introduction
    }

    /// `(list (channel …) …)`, loadable with `(use-modules (guix channels))`.
    package static func channelsFile(_ channels: [ChannelDescription], introductions: Bool) -> String {
        let forms = channels.map { $0.form(introduction: introductions) }
        return "(list " + forms.joined(separator: "\n      ") + ")\n"
    }

    func form(introduction withIntroduction: Bool) -> String {
        var lines = ["(channel", "  (name '\(name))", "  (url \(Self.quoted(url)))"]
        if let branch { lines.append("  (branch \(Self.quoted(branch)))") }
        lines.append("  (commit")
        lines.append("    \(Self.quoted(commit))")
        if withIntroduction, let introduction {
            lines[lines.count - 1] += ")"
            lines.append("  (introduction")
            lines.append("    (make-channel-introduction")
            lines.append("      \(Self.quoted(introduction.firstSignedCommit))")
            lines.append("      (openpgp-fingerprint")
            lines.append("        \(Self.quoted(introduction.signer))))))")
        } else {
            lines[lines.count - 1] += "))"
        }
        return lines.joined(separator: "\n       ")
    }

    /// `[{"name": …, "url": …, "branch": …, "commit": …}]`, as `guix describe -f json`.
    package static func json(_ channels: [ChannelDescription]) -> String {
        JSONValue.array(channels.map { .object($0.jsonFields) }).rendered() + "\n"
    }

    /// The channel's members in a JSON object (`channels.json` adds its own).
    package var jsonFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("name", .string(name)), ("url", .string(url))]
        if let branch { fields.append(("branch", .string(branch))) }
        fields.append(("commit", .string(commit)))
        if let introduction {
            fields.append(("introduction", .object([("commit", .string(introduction.firstSignedCommit)),
                                                    ("signer", .string(introduction.signer))])))
        }
        return fields
    }

    /// A Scheme string literal.
    package static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
