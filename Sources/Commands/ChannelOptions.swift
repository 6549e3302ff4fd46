import ArgumentParser
import Basics
import Channels
import StoreFormats

/// The options `pull` and `time-machine` share, as Guix spells them.
struct ChannelOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .customLong("channels")], help: ArgumentHelp(
        "Use the channels FILE evaluates to (a channels.scm, as `cairn describe -f channels` prints).", valueName: "FILE"))
    var channelsFile: String?

    @Option(name: .customLong("url"), help: ArgumentHelp("Fetch the 'cairn' channel from URL.", valueName: "URL"))
    var url: String?

    @Option(name: .customLong("commit"), help: ArgumentHelp("Use COMMIT of the 'cairn' channel.", valueName: "COMMIT"))
    var commit: String?

    @Option(name: .customLong("branch"), help: ArgumentHelp("Use the tip of BRANCH of the 'cairn' channel.", valueName: "BRANCH"))
    var branch: String?

    @Flag(name: .customLong("disable-authentication"), help: "Do not check that each commit is signed by an authorised key.")
    var disableAuthentication = false

    @Flag(name: [.customShort("q"), .customLong("no-channel-files")], help: "Ignore ~/.config/cairn/channels.scm.")
    var ignoreUserFile = false

    /// The channels asked for, fetched, authenticated and checked out.
    func instantiate() throws -> ChannelSet {
        let specs = try ChannelsFile.requested(file: channelsFile, ignoreUserFile: ignoreUserFile,
                                               url: url, commit: commit, branch: branch)
        let resolver = ChannelResolver(cache: try RepositoryCache.standard(),
                                       authenticate: ChannelAuthentication.check(disabled: disableAuthentication))
        return try resolver.instantiate(specs)
    }
}
