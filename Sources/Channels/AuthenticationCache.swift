import Basics

/// Commits already authenticated for a channel, so that pulling again checks
/// only what is new. The file holds
///
///     introduction <commit> <signer>
///     <commit>
///     …
///
/// where each listed commit was authenticated together with every commit
/// between it and the introduction. Listing only such tips (not every
/// commit) keeps the file a few lines long for any history: `git rev-list
/// TARGET --not TIPS…` then yields exactly the commits not yet checked.
/// The first line ties the list to one introduction: authenticating from
/// another introduction proves nothing about these commits.
struct AuthenticationCache {
    let path: String
    let introduction: String
    let signer: SignerFingerprint

    private var headerLine: String { "introduction \(introduction) \(signer.compactForm)" }

    /// The recorded commits; nil when there is no usable record for this
    /// introduction. The cache only saves work, so an unreadable or odd file
    /// is treated as absent and rewritten rather than reported.
    func load() -> [String]? {
        guard let bytes = try? FileSystem.readFile(path) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.trimmingSpaces() }
        guard lines.first == headerLine else { return nil }
        let commits = lines.dropFirst()
        guard commits.allSatisfy(AuthenticationRepository.isObjectID) else { return nil }
        return Array(commits)
    }

    /// Replaces the record; written whole, then renamed, so that a reader
    /// never sees half a list.
    func store(_ commits: [String]) throws {
        try FileSystem.createDirectories(FileSystem.directoryName(path))
        let text = ([headerLine] + commits).map { $0 + "\n" }.joined()
        try FileSystem.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
    }
}
