import Basics
import Scheme

/// A channel's news, in the format of Guix's news files:
///
///     (channel-news
///       (version 0)
///       (entry (commit "…")
///              (title (en "…"))
///              (body (en "…"))))
package struct ChannelNews: Equatable, Sendable {
    package var commit: String
    package var title: String
    package var body: String

    /// The entries of `instance`'s news file for commits that came after
    /// `previous` (none on a channel's first pull), in the file's order.
    package static func entries(of instance: ChannelInstance, since previous: String?, cache: RepositoryCache) throws -> [ChannelNews] {
        guard let previous, previous != instance.description.commit else { return [] }
        let tree = cache.treeDirectory(of: instance.description.commit)
        let metadata = try ChannelMetadata.read(tree: tree, channel: instance.description.name)
        // Only a regular file of the tree, of sane size: the name comes from the channel.
        guard let newsFile = metadata.newsFile, !newsFile.hasPrefix("/"), !newsFile.split(separator: "/").contains(".."),
              let status = try FileSystem.linkStatus(tree + "/" + newsFile), FileSystem.kind(of: status) == .regular,
              status.st_size <= 4 << 20, let real = FileSystem.realPath(tree + "/" + newsFile),
              let root = FileSystem.realPath(tree), real.hasPrefix(root + "/") else { return [] }
        let text = String(decoding: try FileSystem.readFile(tree + "/" + newsFile), as: UTF8.self)
        let repository = cache.repository(for: instance.description.url)
        let new = try cache.commits(from: previous, to: instance.description.commit, repository: repository)
        return try parse(text, file: newsFile, channel: instance.description.name).filter { new.contains($0.commit) }
    }

    package static func parse(_ text: String, file: String, channel: String) throws -> [ChannelNews] {
        func bad(_ detail: String) -> ChannelError { .badMetadata(channel: channel, file: file, detail: detail) }
        let forms: [Value]
        do { forms = try Reader.readAll(text: text, file: SourceFile(name: file, text: text)) } catch { throw bad("\(error)") }
        guard forms.count == 1, let top = forms[0].listElements, top.first?.symbolName == "channel-news" else {
            throw bad("expected one (channel-news …) form")
        }
        var entries: [ChannelNews] = []
        for clause in top.dropFirst() {
            guard let parts = clause.listElements, parts.first?.symbolName == "entry" else { continue }
            var commit: String?, title: String?, body = ""
            for field in parts.dropFirst() {
                guard let items = field.listElements, let key = items.first?.symbolName else { continue }
                switch key {
                case "commit": commit = items.dropFirst().first?.stringValue
                case "title": title = english(items)
                case "body": body = english(items) ?? ""
                default: continue
                }
            }
            if let commit, let title { entries.append(ChannelNews(commit: commit, title: title, body: body)) }
        }
        return entries
    }

    /// The English text of `(title (en "…") (fr "…"))`, else the first one.
    private static func english(_ items: [Value]) -> String? {
        let texts = items.dropFirst().compactMap { item -> (String, String)? in
            guard let pair = item.listElements, pair.count == 2, let language = pair[0].symbolName,
                  let text = pair[1].stringValue else { return nil }
            return (language, text)
        }
        return (texts.first { $0.0 == "en" } ?? texts.first)?.1
    }
}
