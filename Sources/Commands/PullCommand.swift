import ArgumentParser
import Basics
import Channels
import Glibc
import Profiles
import Store
import StoreFormats

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch channels and make them the ones every cairn command uses.",
        discussion: """
            The channels come from -C FILE, else ~/.config/cairn/channels.scm,
            else the built-in channel. Their repositories are cached under
            ~/.cache/cairn/checkouts and fetched incrementally. The result is a
            new generation of ~/.config/cairn/current; --roll-back returns to the
            previous one. A commit that is not a descendant of the current one is
            refused unless --allow-downgrades is given.

            Examples:
              cairn pull
              cairn pull -C channels.scm
              cairn pull --commit 1a2b3c4
              cairn pull -l
              cairn pull --roll-back
            """)

    @OptionGroup var channels: ChannelOptions

    @Flag(name: .customLong("allow-downgrades"), help: "Allow going to a commit that is not a descendant of the current one.")
    var allowDowngrades = false

    @Flag(name: [.customShort("l"), .customLong("list-generations")], help: "List the generations matching PATTERN (all without one) and their channels.")
    var listGenerations = false

    @Argument(help: ArgumentHelp("With -l: which generations, as in `cairn package -l` (1, 2..4, 2w).", valueName: "PATTERN"))
    var pattern: String?

    @Flag(name: .customLong("roll-back"), help: "Switch to the previous generation.")
    var rollBack = false

    @Flag(name: [.customShort("N"), .customLong("news")], help: "List the news of the channels since the previous generation.")
    var news = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openStore()
        let profile = Self.profile(store)
        if listGenerations { return try Self.list(profile, pattern: pattern) }
        if let pattern { throw ValidationError("unexpected argument '\(pattern)'; only -l takes a pattern") }
        if rollBack { return try Self.locked(profile) { try Self.rollBack(profile) } }
        if news { return try Self.showNews(profile) }
        try pull(store, profile)
    }

    /// `STATEDIR/profiles/per-user/USER/current-cairn`, where the collector
    /// finds its generations; `~/.config/cairn/current` points to it.
    static func profile(_ store: LocalStore) -> Profile {
        Profile(path: store.layout.profiles + "/per-user/" + ProfileOperations.userName + "/current-cairn")
    }

    /// The channels' profile, locked: a pull and a roll-back cannot both make a generation.
    static func locked<T>(_ profile: Profile, _ body: () throws -> T) throws -> T {
        try profile.withLock(waiting: "waiting for another cairn pull to finish...", body)
    }

    private func pull(_ store: LocalStore, _ profile: Profile) throws {
        try Self.locked(profile) { try pullLocked(store, profile) }
        // The new generation is not what commands use while these name other channels.
        for variable in ["CAIRN_CHANNELS", "CAIRN_CHANNEL_DIR"] where !(ProcessEnvironment.value(variable) ?? "").isEmpty {
            Diagnostics.warning("\(variable) is set: commands use the channels it names, not the pulled ones")
        }
    }

    private func pullLocked(_ store: LocalStore, _ profile: Profile) throws {
        let set = try channels.instantiate()
        let previous = try profile.currentItem().flatMap { try? ChannelSet.read($0) }
        if let previous, !allowDowngrades {
            do { try Self.refuseDowngrades(from: previous, to: set) } catch let error as ChannelError where channels.disableAuthentication {
                // Without authentication nothing vouches for the history either: say what is let through.
                Diagnostics.warning(error.message + "; allowed, since authentication is disabled")
            }
        }

        // Each channel's modules become a store item; the generation is
        // the `channels.json` that names them, so it keeps them alive.
        var recorded: [ChannelInstance] = []
        var references: [StorePath] = []
        for instance in set.channels {
            let name = "cairn-channel-" + Self.storeName(instance.description.name) + "-" + instance.description.commit.prefix(7)
            let path = try store.add(instance.modules, name: name)
            try store.addTemporaryRoot(path)
            references.append(path)
            recorded.append(ChannelInstance(description: instance.description, modules: store.absolute(path)))
        }
        let text = ChannelSet(channels: recorded).json()
        let item = store.absolute(try store.addText(name: "cairn-channels.json", contents: Array(text.utf8), references: references))
        for instance in set.channels {
            Diagnostics.info("  \(instance.description.name)\t\(instance.description.url)\t\(instance.description.commit)")
        }
        if item == (try profile.currentItem()) {
            try Self.linkCurrent(to: profile)
            Diagnostics.info("nothing to be done: the channels are those of the current generation")
            return
        }
        let number = try profile.addGeneration(item: item)
        try Self.linkCurrent(to: profile)
        Diagnostics.info("switched to generation \(number) of \(SchemeHost.currentChannelsLink ?? profile.path)")
        if let previous { Self.printNews(from: previous, to: set) }
    }

    /// Store names allow fewer characters than channel names.
    static func storeName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "+-._?=".contains($0)) ? $0 : "-" })
    }

    /// `~/.config/cairn/current` -> the profile, made once.
    static func linkCurrent(to profile: Profile) throws {
        guard let link = SchemeHost.currentChannelsLink else { return }
        if let status = try FileSystem.linkStatus(link) {
            if FileSystem.kind(of: status) == .symlink, try FileSystem.readLink(link) == profile.path { return }
            guard FileSystem.kind(of: status) == .symlink else { throw PullError.currentNotALink(link) }
            try FileSystem.removeFile(link)
        }
        try FileSystem.createDirectories(FileSystem.directoryName(link))
        try FileSystem.symlink(target: profile.path, at: link)
    }

    /// A channel whose new commit does not descend from its current one is a downgrade.
    static func refuseDowngrades(from previous: ChannelSet, to next: ChannelSet) throws {
        let cache = try RepositoryCache.standard()
        for instance in next.channels {
            guard let old = previous.channels.first(where: { $0.description.name == instance.description.name })?.description,
                  old.commit != instance.description.commit else { continue }
            let repository = cache.repository(for: instance.description.url)
            switch try cache.isAncestor(old.commit, of: instance.description.commit, repository: repository) {
            case true?: continue
            case false?: throw ChannelError.downgrade(channel: old.name, from: old.commit, to: instance.description.commit)
            case nil:
                throw ChannelError.downgradeUnknown(channel: old.name, from: old.commit, to: instance.description.commit)
            }
        }
    }

    static func currentGeneration() throws -> Profile.Generation? {
        guard let link = SchemeHost.currentChannelsLink, let status = try FileSystem.linkStatus(link),
              FileSystem.kind(of: status) == .symlink else { return nil }
        return try Profile(path: try FileSystem.readLink(link)).current()
    }

    static func list(_ profile: Profile, pattern: String?) throws {
        var generations = try profile.generations()
        if let pattern { generations = try GenerationPattern.select(pattern, from: generations, now: Int(time(nil))) }
        let current = try profile.currentNumber()
        var text = ""
        for generation in generations {
            text += "Generation \(generation.number)\t\(ProfileOperations.date(generation.time))\(generation.number == current ? "\t(current)" : "")\n"
            for channel in (try? ChannelSet.read(generation.item))?.descriptions ?? [] { text += describe(channel) }
            text += "\n"
        }
        try StandardStreams.output.write(text)
    }

    /// A channel as `guix describe` and `guix pull -l` show it.
    static func describe(_ channel: ChannelDescription) -> String {
        "  \(channel.name) \(channel.commit.prefix(8))\n    repository URL: \(channel.url)\n"
            + (channel.branch.map { "    branch: \($0)\n" } ?? "") + "    commit: \(channel.commit)\n"
    }

    static func rollBack(_ profile: Profile) throws {
        guard let current = try profile.currentNumber(),
              let previous = try profile.generations().last(where: { $0.number < current }) else {
            throw PullError.noPreviousGeneration
        }
        try profile.switchTo(previous.number)
        try linkCurrent(to: profile)
        Diagnostics.info("switched from generation \(current) to \(previous.number)")
    }

    static func showNews(_ profile: Profile) throws {
        let generations = try profile.generations()
        guard let current = try profile.current(), let next = try? ChannelSet.read(current.item) else { throw PullError.noGeneration }
        let previous = generations.last { $0.number < current.number }.flatMap { try? ChannelSet.read($0.item) }
        if !printNews(from: previous ?? ChannelSet(channels: []), to: next) { Diagnostics.info("no news") }
    }

    /// The news entries of commits between the two sets, newest first.
    @discardableResult
    static func printNews(from previous: ChannelSet, to next: ChannelSet) -> Bool {
        var printed = false
        for instance in next.channels {
            let old = previous.channels.first { $0.description.name == instance.description.name }?.description.commit
            guard let cache = try? RepositoryCache.standard(),
                  let entries = try? ChannelNews.entries(of: instance, since: old, cache: cache), !entries.isEmpty else { continue }
            var text = "News for channel '\(instance.description.name)':\n"
            for entry in entries { text += "  \(entry.title)\n" + entry.body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 + "\n" }.joined() }
            Diagnostics.writeStandardError(text)
            printed = true
        }
        return printed
    }
}

enum PullError: UserFacingError {
    case noPreviousGeneration
    case noGeneration
    case currentNotALink(String)

    var message: String {
        switch self {
        case .noPreviousGeneration: "there is no previous generation of the channels to roll back to"
        case .noGeneration: "no channels have been pulled yet"
        case .currentNotALink(let path): "\(path) exists and is not a symbolic link"
        }
    }

    var hint: String? {
        switch self {
        case .noPreviousGeneration, .noGeneration: "run `cairn pull` first"
        case .currentNotALink: "move it away; cairn pull makes it a link to the channels in use"
        }
    }
}
