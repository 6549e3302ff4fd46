import ArgumentParser
import Basics
import Channels
import Profiles

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe the channels cairn uses: where they come from, at which commits.",
        discussion: """
            The channels are those of `cairn time-machine` or `cairn pull`, with
            the built-in channel when they name no 'cairn' channel. Run from a
            git checkout, the built-in channel is the checkout's: its commit,
            branch and origin; uncommitted changes bring a warning, since the
            commit does not reproduce them. With -f channels the output is a
            channels.scm in Guix's syntax that names the same commits; with -p,
            the channels a profile's packages came from.

            Examples:
              cairn describe
              cairn describe -f channels > channels.scm
              cairn describe -f json
              cairn describe -p ~/.cairn-profile -f channels
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, channels, json
        case channelsSansIntro = "channels-sans-intro"
    }

    @Option(name: [.customShort("f"), .customLong("format")], help: ArgumentHelp(
        "Output format: human, channels, channels-sans-intro or json.", valueName: "FORMAT"))
    var format: Format = .human

    @Option(name: [.customShort("p"), .customLong("profile")], help: ArgumentHelp(
        "Describe the channels PROFILE's packages came from (as its manifest records them).", valueName: "PROFILE"))
    var profile: String?

    func run() throws {
        // A rootless user's pulled channels are in the store, at /cairn only
        // inside Cairn's namespace: enter it before looking.
        _ = try? GlobalOptions.layout(storeDirectory: nil, stateDirectory: nil)
        let channels = try profile.map(Self.channels(ofProfile:)) ?? Self.channelsInUse()
        let text: String
        switch format {
        case .human: text = try Self.human(channels, generation: profile == nil)
        case .channels: text = ChannelDescription.channelsFile(channels.map(\.description), introductions: true)
        case .channelsSansIntro: text = ChannelDescription.channelsFile(channels.map(\.description), introductions: false)
        case .json: text = ChannelDescription.json(channels.map(\.description))
        }
        try StandardStreams.output.write(text)
    }

    /// A channel in use, and the checkout it runs from when it is the built-in one.
    struct InUse {
        var description: ChannelDescription
        var checkout: GitCheckout?
    }

    /// The channels in use: those of `time-machine` or `pull`, with the
    /// built-in channel added when they do not name a `cairn` channel (its
    /// modules are then the built-in ones, so its commit is part of the story).
    static func channelsInUse(warnIfDirty: Bool = true) throws -> [InUse] {
        var channels = (SchemeHost.activeChannels()?.descriptions ?? []).map { InUse(description: $0, checkout: nil) }
        if !channels.contains(where: { $0.description.name == "cairn" }) {
            guard let directory = SchemeHost.builtinChannel() else {
                if channels.isEmpty { throw DescribeError.noChannel }
                return channels
            }
            guard let checkout = GitCheckout.containing(directory) else { throw DescribeError.notACheckout(directory) }
            if checkout.dirty && warnIfDirty {
                Diagnostics.warning("the checkout at \(checkout.root) has uncommitted changes: commit \(checkout.commit) does not reproduce it")
            }
            let builtin = ChannelDescription(name: "cairn", url: checkout.url ?? checkout.root, branch: checkout.branch, commit: checkout.commit)
            channels.insert(InUse(description: builtin, checkout: checkout), at: 0)
        }
        return channels
    }

    /// Guix's provenance form of a channel, as manifest entries record it.
    static func provenance(_ channel: ChannelDescription) -> String {
        var text = "(repository (version 0) (name \(channel.name)) (url \(ChannelDescription.quoted(channel.url)))"
        if let branch = channel.branch { text += " (branch \(ChannelDescription.quoted(branch)))" }
        text += " (commit \(ChannelDescription.quoted(channel.commit)))"
        if let introduction = channel.introduction {
            text += " (introduction (channel-introduction (version 0) (commit \(ChannelDescription.quoted(introduction.firstSignedCommit)))"
                + " (signer \(ChannelDescription.quoted(introduction.signer)))))"
        }
        return text + ")"
    }

    /// The channels a profile records (the profile link, a generation or its store item).
    static func channels(ofProfile path: String) throws -> [InUse] {
        // A rootless user's store is at /cairn only inside Cairn's namespace.
        _ = try? GlobalOptions.layout(storeDirectory: nil, stateDirectory: nil)
        let given = ProcessEnvironment.absolutePath(path)
        guard let item = FileSystem.realPath(given), FileSystem.isDirectory(item) else {
            throw ProfileError.notAProfile(path: given)
        }
        let channels = ProfileOperations.channels(ofManifest: try ProfileManifest.read(profileItem: item))
        guard !channels.isEmpty else { throw ProfileError.noProvenance(profile: given) }
        return channels.map { InUse(description: $0, checkout: nil) }
    }

    static func human(_ channels: [InUse], generation showGeneration: Bool) throws -> String {
        var text = ""
        if showGeneration, let generation = try PullCommand.currentGeneration(), SchemeHost.activeChannelsFile != nil,
           ProcessEnvironment.value("CAIRN_CHANNELS") == nil {
            text += "Generation \(generation.number)\t\(ProfileOperations.date(generation.time))\t(current)\n"
        }
        for channel in channels {
            if let checkout = channel.checkout {
                text += "Git checkout:\n  repository: \(checkout.root)\n"
                    + (checkout.branch.map { "  branch: \($0)\n" } ?? "")
                    + "  commit: \(checkout.commit)\n"
            } else {
                text += PullCommand.describe(channel.description)
            }
        }
        return text
    }
}

enum DescribeError: UserFacingError {
    case noChannel
    case notACheckout(String)

    var message: String {
        switch self {
        case .noChannel: "cannot find the channel this cairn uses"
        case .notACheckout(let directory): "the channel at \(directory) is not in a git checkout, so no commit describes it"
        }
    }

    var hint: String? {
        switch self {
        case .noChannel: "set CAIRN_CHANNEL_DIR to the channel's directory"
        case .notACheckout: "run cairn from a git checkout of its channel (or set CAIRN_CHANNEL_DIR to one)"
        }
    }
}
