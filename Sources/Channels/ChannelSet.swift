import Basics

/// A channel as a channels file asks for it: the commit may be left to the
/// tip of a branch.
package struct ChannelSpec: Equatable, Sendable {
    package var name: String
    package var url: String
    package var branch: String?
    package var commit: String?
    package var introduction: ChannelDescription.Introduction?

    package init(name: String, url: String, branch: String? = nil, commit: String? = nil,
                 introduction: ChannelDescription.Introduction? = nil) {
        self.name = name
        self.url = url
        self.branch = branch
        self.commit = commit
        self.introduction = introduction
    }
}

/// One channel fetched and checked out: what it is, and where its modules are.
package struct ChannelInstance: Equatable, Sendable {
    package var description: ChannelDescription
    /// The absolute directory of its Scheme modules (the tree plus the
    /// `directory` its `.cairn-channel` names).
    package var modules: String

    package init(description: ChannelDescription, modules: String) {
        self.description = description
        self.modules = modules
    }
}

/// The channels one command evaluates against, recorded as `channels.json`:
/// what `cairn pull` makes a generation of and what `cairn time-machine`
/// hands to the command it runs (through `CAIRN_CHANNELS`).
package struct ChannelSet: Equatable, Sendable {
    package var channels: [ChannelInstance]

    package init(channels: [ChannelInstance]) {
        self.channels = channels
    }

    package static let fileName = "channels.json"

    /// The channel that provides Cairn's own modules (`(cairn packages)`, the
    /// build systems): the one named `cairn`, when the set has it.
    package var primary: ChannelInstance? { channels.first { $0.description.name == "cairn" } }

    /// The module directories of the other channels, whose modules are all package modules.
    package var otherModuleDirectories: [String] {
        channels.filter { $0.description.name != "cairn" }.map(\.modules)
    }

    package var descriptions: [ChannelDescription] { channels.map(\.description) }

    package func json() -> String {
        let entries: [JSONValue] = channels.map { .object($0.description.jsonFields + [("modules", .string($0.modules))]) }
        return JSONValue.object([("version", .integer(0)), ("channels", .array(entries))]).prettyRendered() + "\n"
    }

    /// The set recorded in `file` (a `channels.json`).
    package static func read(_ file: String) throws -> ChannelSet {
        let text: String
        do { text = String(decoding: try FileSystem.readFile(file), as: UTF8.self) } catch {
            throw ChannelError.badChannelSet(file: file, detail: "\(error)")
        }
        return try parse(text, file: file)
    }

    package static func parse(_ text: String, file: String) throws -> ChannelSet {
        func bad(_ detail: String) -> ChannelError { .badChannelSet(file: file, detail: detail) }
        let top: JSONValue
        do { top = try JSONValue.parse(text) } catch { throw bad("\(error)") }
        guard case .integer(0) = top["version"] else { throw bad("unknown version") }
        guard let entries = top["channels"]?.arrayValue else { throw bad("no \"channels\" list") }
        return ChannelSet(channels: try entries.map { entry in
            guard let name = entry["name"]?.stringValue, let url = entry["url"]?.stringValue,
                  let commit = entry["commit"]?.stringValue, let modules = entry["modules"]?.stringValue else {
                throw bad("a channel needs a name, url, commit and modules")
            }
            var introduction: ChannelDescription.Introduction?
            if let intro = entry["introduction"] {
                guard let first = intro["commit"]?.stringValue, let signer = intro["signer"]?.stringValue else {
                    throw bad("an introduction needs a commit and a signer")
                }
                introduction = .init(firstSignedCommit: first, signer: signer)
            }
            return ChannelInstance(description: ChannelDescription(name: name, url: url, branch: entry["branch"]?.stringValue,
                                                                   commit: commit, introduction: introduction),
                                   modules: modules)
        })
    }
}
