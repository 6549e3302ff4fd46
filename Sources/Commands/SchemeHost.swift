import Basics
import Channels
import Packages
import Store
import Scheme
import StoreFormats

/// How commands run Scheme: the load path from `-L`, `CAIRN_PACKAGE_PATH` and the channels,
/// and module files read through an on-disk cache of parsed forms keyed by
/// the SHA-256 of their content (never by mtime), so an unchanged file is
/// decoded instead of parsed.
enum SchemeHost {
    /// An interpreter for `loadPath`; with the channel, one that evaluates
    /// package code, confined: it may read only the module directories, the
    /// store and the directories of `files` (the manifests and package
    /// files the command evaluates), and may write nothing and run nothing.
    /// Channel code comes from the network; a manifest from a colleague.
    static func makeInterpreter(loadPath: [String], withChannel: Bool = false, evaluating files: [String] = []) -> Interpreter {
        var path = loadPath + environmentDirectories()
        if withChannel {
            path += activeChannels()?.otherModuleDirectories ?? []
            if let channel = defaultChannel() { path.append(channel) }
        }
        let interpreter = Interpreter(loadPath: path)
        if let cache = FormCache.standard() {
            interpreter.runtime.modules.readSource = { try cache.forms(ofFile: $0) }
        }
        if withChannel {
            let store = ProcessEnvironment.value("CAIRN_STORE_DIR") ?? "/cairn/store"
            let directories = files.map { FileSystem.directoryName(ProcessEnvironment.absolutePath($0)) }
            interpreter.runtime.confinement = Confinement(
                readableRoots: path.map { ProcessEnvironment.absolutePath($0) } + [ProcessEnvironment.absolutePath(store)] + directories)
        }
        return interpreter
    }

    /// A store session for evaluating packages, whose manifest entries
    /// record the channels in use (none when they cannot be named, as for
    /// a channel that is not in a git checkout).
    static func session(_ store: LocalStore) -> StoreSession {
        let session = StoreSession(store: store)
        session.channelProvenance = {
            ((try? DescribeCommand.channelsInUse(warnIfDirty: false)) ?? []).map { DescribeCommand.provenance($0.description) }
        }
        return session
    }

    /// Directories of package modules besides the `cairn` channel's: `-L`,
    /// `CAIRN_PACKAGE_PATH` (as Guix's `GUIX_PACKAGE_PATH`), `CAIRN_LOAD_PATH`,
    /// and the other channels in use. All their modules are package modules.
    static func userDirectories(_ loadPath: [String]) -> [String] {
        loadPath.map { ProcessEnvironment.absolutePath($0) } + environmentDirectories()
            + (activeChannels()?.otherModuleDirectories ?? [])
    }

    private static func environmentDirectories() -> [String] {
        ["CAIRN_PACKAGE_PATH", "CAIRN_LOAD_PATH"].flatMap { name in
            (ProcessEnvironment.value(name) ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
    }

    /// The modules of the `cairn` channel in use: the channel set's (from
    /// `time-machine` or `pull`) when it has one, else the built-in channel.
    static func defaultChannel() -> String? {
        activeChannels()?.primary?.modules ?? builtinChannel()
    }

    /// The channels commands evaluate against, when they are not only the
    /// built-in one: `$CAIRN_CHANNELS` (a `channels.json`, set by
    /// `time-machine` for the command it runs), else, unless
    /// `CAIRN_CHANNEL_DIR` names a channel explicitly, the generation of
    /// `~/.config/cairn/current` that `cairn pull` made.
    static func activeChannels() -> ChannelSet? {
        ActiveChannels.shared.set
    }

    /// Where the active channel set was read from, for `describe`.
    static var activeChannelsFile: String? { ActiveChannels.shared.file }

    /// The channel this cairn comes with: `$CAIRN_CHANNEL_DIR`, else the
    /// `channel/` directory of the source tree it was built in (found
    /// upwards from the executable).
    static func builtinChannel() -> String? {
        if let explicit = ProcessEnvironment.value("CAIRN_CHANNEL_DIR"), !explicit.isEmpty { return explicit }
        guard var directory = try? FileSystem.readLink("/proc/self/exe") else { return nil }
        for _ in 0..<5 {
            directory = FileSystem.directoryName(directory)
            if FileSystem.exists(directory + "/channel/cairn") { return directory + "/channel" }
            if directory == "/" { break }
        }
        return nil
    }

    /// `~/.config/cairn/current` (under `$XDG_CONFIG_HOME` when set).
    static var currentChannelsLink: String? {
        if let xdg = ProcessEnvironment.value("XDG_CONFIG_HOME"), xdg.hasPrefix("/") { return xdg + "/cairn/current" }
        guard let home = ProcessEnvironment.value("HOME"), home.hasPrefix("/") else { return nil }
        return home + "/.config/cairn/current"
    }
}

/// The channel set read once per process.
private final class ActiveChannels: @unchecked Sendable {
    static let shared = ActiveChannels()
    let file: String?
    let set: ChannelSet?

    private init() {
        var file: String?
        if let explicit = ProcessEnvironment.value("CAIRN_CHANNELS"), !explicit.isEmpty {
            file = explicit
        } else if (ProcessEnvironment.value("CAIRN_CHANNEL_DIR") ?? "").isEmpty, let link = SchemeHost.currentChannelsLink,
                  (try? FileSystem.linkStatus(link)) != nil {
            // A link whose target is gone is reported below, not ignored.
            file = FileSystem.isDirectory(link) ? link + "/" + ChannelSet.fileName : link
        }
        self.file = file
        guard let file else {
            set = nil
            return
        }
        do {
            set = try ChannelSet.read(file)
        } catch {
            // Evaluating against other channels than the user chose would be
            // a silently wrong result: say so loudly, then use the built-in one.
            Diagnostics.warning("\(error); using the built-in channel instead")
            set = nil
        }
    }
}

/// Parsed forms of source files, stored under the user's cache directory.
struct FormCache {
    let directory: String

    /// `$CAIRN_SCHEME_CACHE`, else `$XDG_CACHE_HOME/cairn/scheme`, else `~/.cache/cairn/scheme`.
    static func standard() -> FormCache? {
        if let explicit = ProcessEnvironment.value("CAIRN_SCHEME_CACHE"), !explicit.isEmpty {
            return explicit == "off" ? nil : FormCache(directory: explicit)
        }
        if let xdg = ProcessEnvironment.value("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            return FormCache(directory: xdg + "/cairn/scheme")
        }
        guard let home = ProcessEnvironment.value("HOME"), home.hasPrefix("/") else { return nil }
        return FormCache(directory: home + "/.cache/cairn/scheme")
    }

    func forms(ofFile path: String) throws -> SourceForms {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            throw SchemeError(.system, message: "cannot read \(path): \(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let file = SourceFile(name: path, text: text)
        let key = Base16.encode(HashContext.digest(.sha256, of: bytes))
        let entry = directory + "/" + key + ".forms"
        if let cached = try? FileSystem.readFile(entry), let next = FormCodec.stream(cached, file: file) {
            return SourceForms(next: next)
        }
        let forms = try Reader.readAll(text: text, file: file)
        // A cache that cannot be written (read-only home, full disk) only costs speed.
        try? FileSystem.createDirectories(directory, mode: 0o700)
        try? FileSystem.writeAtomically(FormCodec.encode(forms), to: entry, mode: 0o600)
        return SourceForms(forms)
    }
}
