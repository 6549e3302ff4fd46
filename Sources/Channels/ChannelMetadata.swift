import Basics
import Scheme

/// What a channel says about itself in the `.cairn-channel` file at the
/// top of its repository, in the syntax of Guix's `.guix-channel`:
///
///     (channel
///       (version 0)
///       (directory "channel")
///       (dependencies (channel (name 'extras) (url "…") (branch "main")))
///       (news-file "news.scm"))
package struct ChannelMetadata: Equatable, Sendable {
    /// Where the modules are, relative to the top of the repository; nil for the top.
    package var directory: String?
    /// Other channels this one needs, unless the user's channels file names them.
    package var dependencies: [ChannelSpec] = []
    package var newsFile: String?

    package static let fileName = ".cairn-channel"

    /// The metadata in the tree `tree` of channel `channel`: none when the file is absent.
    package static func read(tree: String, channel: String) throws -> ChannelMetadata {
        let path = tree + "/" + fileName
        guard FileSystem.exists(path) else { return ChannelMetadata() }
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        return try parse(text, file: path, channel: channel)
    }

    package static func parse(_ text: String, file: String, channel: String) throws -> ChannelMetadata {
        func bad(_ detail: String) -> ChannelError { .badMetadata(channel: channel, file: fileName, detail: detail) }
        let forms: [Value]
        do { forms = try Reader.readAll(text: text, file: SourceFile(name: file, text: text)) } catch {
            throw bad("\(error)")
        }
        guard forms.count == 1, let top = forms[0].listElements, top.first?.symbolName == "channel" else {
            throw bad("expected one (channel …) form")
        }
        var metadata = ChannelMetadata()
        for clause in top.dropFirst() {
            guard let parts = clause.listElements, let key = parts.first?.symbolName else { throw bad("expected (FIELD VALUE…)") }
            switch key {
            case "version":
                guard parts.count == 2, case .fixnum(let version) = parts[1], version == 0 else {
                    throw bad("only (version 0) is known")
                }
            case "directory":
                guard parts.count == 2, let directory = parts[1].stringValue, !directory.hasPrefix("/"),
                      !directory.split(separator: "/").contains("..") else {
                    throw bad("(directory \"…\") must name a directory inside the repository")
                }
                metadata.directory = directory
            case "news-file":
                guard parts.count == 2, let news = parts[1].stringValue else { throw bad("(news-file \"…\") expects a file name") }
                metadata.newsFile = news
            case "dependencies":
                metadata.dependencies = try parts.dropFirst().map { try dependency($0, bad) }
            default:
                // Guix adds fields over time (keyring-reference, build-builtin);
                // one this version does not know is not an error.
                continue
            }
        }
        return metadata
    }

    private static func dependency(_ form: Value, _ bad: (String) -> ChannelError) throws -> ChannelSpec {
        guard let parts = form.listElements, parts.first?.symbolName == "channel" else { throw bad("a dependency is a (channel …) form") }
        var name: String?, url: String?, branch: String?, commit: String?
        var introduction: ChannelDescription.Introduction?
        for field in parts.dropFirst() {
            guard let pair = field.listElements, pair.count == 2, let key = pair[0].symbolName else { throw bad("expected (FIELD VALUE)") }
            switch key {
            case "name": name = pair[1].symbolName ?? pair[1].quotedSymbolName
            case "url": url = pair[1].stringValue
            case "branch": branch = pair[1].stringValue
            case "commit": commit = pair[1].stringValue
            case "introduction":
                // (introduction (channel-introduction (version 0) (commit "…") (signer "…")))
                guard let intro = pair[1].listElements, intro.first?.symbolName == "channel-introduction" else {
                    throw bad("(introduction (channel-introduction (version 0) (commit \"…\") (signer \"…\"))) is expected")
                }
                func value(_ key: String) -> String? {
                    intro.dropFirst().compactMap(\.listElements).first { $0.count == 2 && $0[0].symbolName == key }?[1].stringValue
                }
                guard let first = value("commit"), let signer = value("signer") else { throw bad("an introduction needs a commit and a signer") }
                introduction = .init(firstSignedCommit: first, signer: signer)
            default: continue
            }
        }
        guard let name, let url else { throw bad("a dependency needs (name …) and (url \"…\")") }
        return ChannelSpec(name: name, url: url, branch: branch, commit: commit, introduction: introduction)
    }
}

extension Value {
    var symbolName: String? {
        if case .symbol(let symbol) = self { return symbol.name }
        return nil
    }

    /// `'name` reads as `(quote name)`.
    var quotedSymbolName: String? {
        guard let parts = listElements, parts.count == 2, parts[0].symbolName == "quote" else { return nil }
        return parts[1].symbolName
    }

    var stringValue: String? {
        if case .string(let text) = self { return text.string }
        return nil
    }
}
