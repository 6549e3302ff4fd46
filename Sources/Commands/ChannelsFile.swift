import Basics
import Channels
import Scheme

/// Reading a `channels.scm` file as Guix does: its last value is a list of
/// `channel` records, `(guix channels)` is in scope without importing it,
/// and `%default-channels` names the channels Cairn uses by default.
enum ChannelsFile {
    /// The channels `file` asks for. Evaluated with the built-in channel's
    /// `(guix channels)`, so any channel commit can be named from any other.
    static func read(_ file: String) throws -> [ChannelSpec] {
        let text: String
        do { text = String(decoding: try FileSystem.readFile(file), as: UTF8.self) } catch {
            throw ChannelsFileError.unreadable(file: file, detail: "\(error)")
        }
        return try evaluate(text, name: file)
    }

    /// `%default-channels`: the built-in channel, as `describe` names it.
    static func defaultChannels() -> [ChannelSpec] {
        guard let builtin = SchemeHost.builtinChannel(), let checkout = GitCheckout.containing(builtin) else { return [] }
        return [ChannelSpec(name: "cairn", url: checkout.url ?? checkout.root, branch: checkout.branch ?? "main")]
    }

    static func evaluate(_ text: String, name: String) throws -> [ChannelSpec] {
        var path: [String] = []
        if let builtin = SchemeHost.builtinChannel() { path.append(builtin) }
        let interpreter = Interpreter(loadPath: path)
        if let cache = FormCache.standard() {
            interpreter.runtime.modules.readSource = { try cache.forms(ofFile: $0) }
        }
        // A channels file is shared like a manifest, and confined like one.
        interpreter.runtime.confinement = Confinement(
            readableRoots: path + [FileSystem.directoryName(ProcessEnvironment.absolutePath(name))])
        let defaults = defaultChannels().map { spec in
            "(channel (name '\(spec.name)) (url \(ChannelDescription.quoted(spec.url)))"
                + (spec.branch.map { " (branch \(ChannelDescription.quoted($0)))" } ?? "") + ")"
        }
        try interpreter.evaluate("(use-modules (guix channels)) (define %default-channels (list \(defaults.joined(separator: " "))))",
                                 name: "<default channels>")
        let value = try interpreter.evaluateOnLargeStack(text, name: name).get()
        return try SchemeExecution.exclusively { try specs(of: value, interpreter: interpreter, file: name) }
    }

    private static func specs(of value: Value, interpreter: Interpreter, file: String) throws -> [ChannelSpec] {
        let runtime = interpreter.runtime
        let module = try runtime.modules.resolve(["cairn", "channels"].map { Symbol.intern($0) })
        func export(_ name: String) throws -> Value {
            guard let cell = module.exports[Symbol.intern(name)], cell.isBound else {
                throw SchemeError(.module, message: "(cairn channels) does not export \(name)", hint: "is the channel complete?")
            }
            return cell.value
        }
        func string(_ accessor: String, _ record: Value) throws -> String? {
            let field = try runtime.apply(try export(accessor), [record])
            switch field {
            case .string(let text): return text.string
            case .symbol(let symbol): return symbol.name
            default: return nil
            }
        }
        guard let items = value.listElements else { throw ChannelsFileError.notAList(file: file, value: value.written(limit: 80)) }
        return try items.map { item in
            guard try runtime.apply(try export("channel?"), [item]).isTrue else {
                throw ChannelsFileError.notAChannel(file: file, value: item.written(limit: 80))
            }
            guard let name = try string("channel-name", item), let url = try string("channel-url", item) else {
                throw ChannelsFileError.incomplete(file: file, value: item.written(limit: 80))
            }
            var introduction: ChannelDescription.Introduction?
            let intro = try runtime.apply(try export("channel-introduction"), [item])
            if intro.isTrue {
                let first = try string("channel-introduction-first-signed-commit", intro)
                let signerValue = try runtime.apply(try export("channel-introduction-first-commit-signer"), [intro])
                let signer = signerValue.isTrue ? try string("openpgp-fingerprint->string", signerValue) : nil
                guard let first, let signer else { throw ChannelsFileError.incomplete(file: file, value: intro.written(limit: 80)) }
                // Trust starts at exactly one commit: a branch or a short id could move.
                guard ChannelResolver.isFullCommit(first) else { throw ChannelsFileError.shortIntroduction(file: file, commit: first) }
                introduction = .init(firstSignedCommit: first, signer: signer)
            }
            return ChannelSpec(name: name, url: url, branch: try string("channel-branch", item),
                               commit: try string("channel-commit", item), introduction: introduction)
        }
    }

    /// The user's own channels file, `~/.config/cairn/channels.scm`, when there is one.
    static var userFile: String? {
        guard let link = SchemeHost.currentChannelsLink else { return nil }
        let file = FileSystem.directoryName(link) + "/channels.scm"
        return FileSystem.exists(file) ? file : nil
    }

    /// The channels `pull` and `time-machine` start from: `-C FILE`, else
    /// (unless `-q`) the user's channels file, else `%default-channels`;
    /// then `--url`, `--commit` and `--branch` applied to the `cairn` channel.
    static func requested(file: String?, ignoreUserFile: Bool, url: String?, commit: String?, branch: String?) throws -> [ChannelSpec] {
        var specs: [ChannelSpec]
        if let file { specs = try read(file) }
        else if !ignoreUserFile, let user = userFile { specs = try read(user) }
        else { specs = defaultChannels() }
        if url != nil || commit != nil || branch != nil {
            var index = specs.firstIndex { $0.name == "cairn" }
            if index == nil {
                guard let url = url ?? defaultChannels().first?.url else { throw ChannelsFileError.noURL }
                specs.insert(ChannelSpec(name: "cairn", url: url, branch: "main"), at: 0)
                index = 0
            }
            if let index {
                if let url { specs[index].url = url }
                if let branch { specs[index].branch = branch; specs[index].commit = nil }
                if let commit { specs[index].commit = commit }
                // Another URL or commit than the introduction was made for is
                // still authenticated from it, as Guix does.
            }
        }
        if specs.isEmpty { throw ChannelsFileError.noChannels }
        return specs
    }
}

enum ChannelsFileError: UserFacingError {
    case unreadable(file: String, detail: String)
    case notAList(file: String, value: String)
    case notAChannel(file: String, value: String)
    case incomplete(file: String, value: String)
    case noURL
    case noChannels
    case shortIntroduction(file: String, commit: String)

    var message: String {
        switch self {
        case .unreadable(let file, let detail): "cannot read channels file \(file): \(detail)"
        case .notAList(let file, let value): "\(file) must evaluate to a list of channels, not \(value)"
        case .notAChannel(let file, let value): "\(file): \(value) is not a channel"
        case .incomplete(let file, let value): "\(file): \(value) lacks a name, a URL or an introduction field"
        case .noURL: "there is no default 'cairn' channel to change, and no --url names one"
        case .noChannels: "no channels to use: the channels file lists none and this cairn has no built-in channel"
        case .shortIntroduction(let file, let commit): "\(file): the introduction names '\(commit)', not a full commit id"
        }
    }

    var hint: String? {
        switch self {
        case .notAList, .notAChannel, .incomplete:
            "write (list (channel (name 'cairn) (url \"…\") (commit \"…\"))), as `cairn describe -f channels` prints it"
        case .noURL: "pass --url URL"
        case .noChannels: "pass -C channels.scm"
        case .shortIntroduction: "write the introductory commit's full 40-character id"
        default: nil
        }
    }
}
