import Basics

/// What can go wrong while fetching, reading or recording channels.
package enum ChannelError: UserFacingError {
    case gitMissing
    case badURL(channel: String, url: String)
    case modulesOutsideTree(channel: String, directory: String)
    case unauthenticatedDependency(channel: String, dependency: String)
    case downgradeUnknown(channel: String, from: String, to: String)
    case fetchFailed(channel: String, url: String, detail: String)
    case unknownCommit(channel: String, url: String, commit: String)
    case unknownBranch(channel: String, url: String, branch: String)
    case checkoutFailed(channel: String, commit: String, detail: String)
    case badMetadata(channel: String, file: String, detail: String)
    case missingModules(channel: String, directory: String)
    case badChannelSet(file: String, detail: String)
    case downgrade(channel: String, from: String, to: String)
    case cacheUnavailable

    package var message: String {
        switch self {
        case .gitMissing:
            "git is needed to fetch channels, and it is not on PATH"
        case .badURL(let channel, let url):
            "channel '\(channel)' has an invalid URL '\(url)'"
        case .modulesOutsideTree(let channel, let directory):
            "the module directory '\(directory)' of channel '\(channel)' leads out of its repository"
        case .unauthenticatedDependency(let channel, let dependency):
            "channel '\(channel)' is authenticated but depends on channel '\(dependency)', which has no introduction"
        case .downgradeUnknown(let channel, let from, let to):
            "cannot tell whether commit \(to) of channel '\(channel)' descends from the current commit \(from): it could be a downgrade"
        case .fetchFailed(let channel, let url, let detail):
            "cannot fetch channel '\(channel)' from \(url)" + (detail.isEmpty ? "" : ":\n" + detail)
        case .unknownCommit(let channel, let url, let commit):
            "channel '\(channel)' has no commit \(commit) (fetched from \(url))"
        case .unknownBranch(let channel, let url, let branch):
            "channel '\(channel)' has no branch '\(branch)' at \(url)"
        case .checkoutFailed(let channel, let commit, let detail):
            "cannot check out commit \(commit) of channel '\(channel)': \(detail)"
        case .badMetadata(let channel, let file, let detail):
            "\(file) of channel '\(channel)' is malformed: \(detail)"
        case .missingModules(let channel, let directory):
            "channel '\(channel)' has no module directory \(directory)"
        case .badChannelSet(let file, let detail):
            "cannot read the channel set \(file): \(detail)"
        case .downgrade(let channel, let from, let to):
            "commit \(to) of channel '\(channel)' is not a descendant of the current commit \(from): this would be a downgrade"
        case .cacheUnavailable:
            "no cache directory for channel checkouts: HOME and XDG_CACHE_HOME are unset"
        }
    }

    package var hint: String? {
        switch self {
        case .gitMissing: "install git (Debian: apt-get install git)"
        case .badURL: "a URL is a path or starts with a scheme such as https:// or file://"
        case .modulesOutsideTree: "a channel's (directory …) must be a directory of the repository, not a link out of it"
        case .unauthenticatedDependency: "name the dependency in your channels file, with an introduction, or pass --disable-authentication"
        case .downgradeUnknown: "the repository no longer holds the current commit (another URL, or history rewritten); pass --allow-downgrades if this is expected"
        case .fetchFailed: "check the URL and that the repository is reachable; `git ls-remote URL` tells"
        case .unknownCommit: "check the commit in your channels file; `git log` in a clone of the channel lists them"
        case .unknownBranch: "name an existing branch with --branch or (branch \"…\") in the channels file"
        case .badMetadata: "the file reads like Guix's .guix-channel: (channel (version 0) (directory \"…\"))"
        case .missingModules: "the channel's .cairn-channel names a (directory …) that its commit does not hold"
        case .badChannelSet: "run `cairn pull` again to record a fresh generation"
        case .downgrade: "pass --allow-downgrades if you mean to go back to an older commit"
        case .cacheUnavailable: "set XDG_CACHE_HOME or HOME"
        default: nil
        }
    }
}
