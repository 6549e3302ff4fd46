import ArgumentParser
import Basics
import Channels

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe the channel this cairn uses: where it comes from and at which commit.",
        discussion: """
            Run from a git checkout, the channel is the checkout's: its commit, branch and
            origin. A tree with uncommitted changes is described by its commit with a warning,
            since that commit does not reproduce it. With -f channels the output is a
            channels.scm file, in Guix's syntax, that names the same commit.

            Examples:
              cairn describe
              cairn describe -f channels > channels.scm
              cairn describe -f json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, channels, json
        case channelsSansIntro = "channels-sans-intro"
    }

    @Option(name: [.customShort("f"), .customLong("format")], help: ArgumentHelp(
        "Output format: human, channels, channels-sans-intro or json.", valueName: "FORMAT"))
    var format: Format = .human

    func run() throws {
        guard let directory = SchemeHost.defaultChannel() else { throw DescribeError.noChannel }
        guard let checkout = GitCheckout.containing(directory) else { throw DescribeError.notACheckout(directory) }
        if checkout.dirty {
            Diagnostics.warning("the checkout at \(checkout.root) has uncommitted changes: commit \(checkout.commit) does not reproduce it")
        }
        let channel = ChannelDescription(name: "cairn", url: checkout.url ?? checkout.root, branch: checkout.branch, commit: checkout.commit)
        let text: String
        switch format {
        case .human:
            text = "Git checkout:\n  repository: \(checkout.root)\n"
                + (checkout.branch.map { "  branch: \($0)\n" } ?? "")
                + "  commit: \(checkout.commit)\n"
        case .channels: text = ChannelDescription.channelsFile([channel], introductions: true)
        case .channelsSansIntro: text = ChannelDescription.channelsFile([channel], introductions: false)
        case .json: text = ChannelDescription.json([channel])
        }
        try StandardStreams.output.write(text)
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
