import ArgumentParser
import Basics
import Channels
import Glibc
import StoreFormats

struct TimeMachineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time-machine",
        abstract: "Run a cairn command with other channels, such as those of a channels.scm.",
        discussion: """
            cairn time-machine [OPTIONS] -- COMMAND ARGS…

            Fetches the channels (only what the local cache lacks), checks them
            out and runs the cairn COMMAND against them. Nothing of the user's own
            channels changes: `cairn pull` does that. A commit the cache already
            holds needs no network, so the second journey to the same commits
            starts at once. Without a command, prints the file that records the
            channels.

            Examples:
              cairn describe -f channels > channels.scm
              cairn time-machine -C channels.scm -- shell -m manifest.scm
              cairn time-machine --commit 1a2b3c4 -- build hello
              cairn time-machine --url ~/src/my-channel --branch next -- show hello
            """)

    @OptionGroup var channels: ChannelOptions

    /// `-- COMMAND ARGS…`, taken off the command line before parsing.
    nonisolated(unsafe) static var command: [String] = []

    func run() throws {
        let set = try channels.instantiate()
        let file = try Self.record(set)
        guard !Self.command.isEmpty else {
            try StandardStreams.output.write(file + "\n")
            return
        }
        setenv("CAIRN_CHANNELS", file, 1)
        let argv = (["cairn"] + Self.command).map { strdup($0) } + [nil]
        execv("/proc/self/exe", argv)
        throw SystemError("run", "/proc/self/exe")
    }

    /// The set as `~/.cache/cairn/time-machine/HASH.json`, named by its
    /// content, so the same channels are the same file.
    static func record(_ set: ChannelSet) throws -> String {
        let text = set.json()
        let cache = try RepositoryCache.standard()
        let name = String(Base16.encode(HashContext.digest(.sha256, of: Array(text.utf8))).prefix(32))
        let file = cache.directory + "/time-machine/" + name + ".json"
        if !FileSystem.exists(file) {
            try FileSystem.createDirectories(cache.directory + "/time-machine", mode: 0o700)
            try FileSystem.writeAtomically(Array(text.utf8), to: file, mode: 0o644)
        }
        return file
    }
}
