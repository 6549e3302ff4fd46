import Basics
import Channels
import StoreFormats

/// How `pull` and `time-machine` check channel commits: from the channel's
/// introduction, each commit signed by a key its parent authorises.
enum ChannelAuthentication {
    /// The check for the resolver; nil when authentication is disabled.
    static func check(disabled: Bool) -> ((ChannelSpec, String, String) throws -> Void)? {
        if disabled {
            Diagnostics.warning("channel authentication is disabled: commits are used without checking who signed them")
            return nil
        }
        return { spec, commit, repository in
            guard let introduction = spec.introduction else {
                Diagnostics.warning("channel '\(spec.name)' lacks an introduction and cannot be authenticated")
                return
            }
            let cache = try RepositoryCache.standard()
            // One record per channel and URL: the record itself names the
            // introduction it was made from, and is ignored for another.
            let key = String(Base16.encode(HashContext.digest(.sha256, of: Array(spec.url.utf8))).prefix(16))
            try FileSystem.createDirectories(cache.directory + "/authentication", mode: 0o700)
            let verified = try ChannelAuthenticator(
                repository: repository, channelName: spec.name, introduction: ChannelIntroduction(introduction),
                cacheFile: cache.directory + "/authentication/" + PullCommand.storeName(spec.name) + "-" + key
            ).authenticate(target: commit)
            if !verified.isEmpty {
                Diagnostics.info("Authenticated \(verified.count) new commit\(verified.count == 1 ? "" : "s") of channel '\(spec.name)'.", level: 2)
            }
        }
    }
}
