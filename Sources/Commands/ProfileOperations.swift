import ArgumentParser
import Basics
import Builder
import Channels
import Glibc
import Packages
import Profiles
import Scheme
import Store
import StoreFormats

/// What `cairn package` does to a profile (and `install`, `remove`, `upgrade`).
struct ProfileOperations {
    let global: GlobalOptions
    let loadPath: [String]
    /// `-p PROFILE`, or nil for the user's default profile.
    let profileOption: String?

    /// `~/.cairn-profile`, the name users source.
    static var userProfileLink: String? {
        ProcessEnvironment.value("HOME").map { $0 + "/.cairn-profile" }
    }

    static var userName: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessEnvironment.value("USER") ?? "uid\(geteuid())"
    }

    /// The profile to work on. The default one lives under the state
    /// directory's `profiles/per-user/USER/`, where the collector finds its
    /// generations, and `~/.cairn-profile` points to it (made by `commit`).
    /// A `-p` naming a link to a profile (`-p ~/.cairn-profile`) means that
    /// profile, as Guix's canonicalize-profile does.
    func profile(_ store: LocalStore) throws -> Profile {
        guard let profileOption else { return Profile(path: defaultProfilePath(store)) }
        let given = ProcessEnvironment.absolutePath(profileOption)
        if let status = try FileSystem.linkStatus(given), FileSystem.kind(of: status) == .symlink {
            let target = try FileSystem.readLink(given)
            let name = FileSystem.baseName(target), base = FileSystem.baseName(given)
            let isGeneration = name.hasPrefix(base + "-") && name.hasSuffix("-link")
            if !isGeneration {
                return Profile(path: target.hasPrefix("/") ? target : FileSystem.directoryName(given) + "/" + target)
            }
        }
        return Profile(path: given)
    }

    func defaultProfilePath(_ store: LocalStore) -> String {
        store.layout.profiles + "/per-user/" + Self.userName + "/cairn-profile"
    }

    func locked<T>(_ profile: Profile, _ body: () throws -> T) throws -> T {
        try profile.withLock(waiting: "waiting for the lock on profile \(profile.path)...", body)
    }

    /// Generations outside the state directory's `profiles/` need a root of their own.
    private func root(_ store: LocalStore, _ profile: Profile, generation: Int) throws {
        if !profile.path.hasPrefix(store.layout.profiles + "/") {
            try store.addIndirectRoot(link: profile.link(of: generation))
        }
    }

    // MARK: Changes

    func change(install: [String], remove: [String], upgrade: String?, allowCollisions: Bool) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        try locked(profile) { try change(store, profile, install: install, remove: remove, upgrade: upgrade, allowCollisions: allowCollisions) }
    }

    private func change(_ store: LocalStore, _ profile: Profile, install: [String], remove: [String], upgrade: String?, allowCollisions: Bool) throws {
        let currentItem = try profile.currentItem()
        var request = ProfileChange(currentManifest: try currentItem.map { try ProfileManifest.read(profileItem: $0).text })
        request.install = install
        request.remove = remove
        request.allowCollisions = allowCollisions
        if let upgrade {
            do { request.upgrade = try Regex(upgrade.isEmpty ? "." : upgrade) } catch {
                throw ValidationError("invalid regular expression '\(upgrade)': \(error)")
            }
        }
        let interpreter = SchemeHost.makeInterpreter(loadPath: loadPath, withChannel: true)
        let evaluator = Evaluator(interpreter: interpreter, session: SchemeHost.session(store))
        let result: Result<(DerivationObject, [ProfileChange.Step]), any Error> = StackGuard.withLargeStack {
            Result {
                let collection = try evaluator.packageCollection(channel: SchemeHost.defaultChannel(), userDirectories: SchemeHost.userDirectories(loadPath))
                let lowered = try evaluator.profileDerivation(request, collection: collection)
                return (lowered.derivation, lowered.steps)
            }
        }
        let (derivation, steps) = try result.get()
        guard !steps.isEmpty else {
            Diagnostics.info("nothing to be done")
            return
        }
        Self.report(steps)
        try commit(store, profile, derivation, currentItem: currentItem)
    }

    /// `-m FILE`: the profile becomes what the manifest file describes.
    func apply(manifestFile file: String, allowCollisions: Bool) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        try locked(profile) { try apply(store, profile, manifestFile: file, allowCollisions: allowCollisions) }
    }

    private func apply(_ store: LocalStore, _ profile: Profile, manifestFile file: String, allowCollisions: Bool) throws {
        let currentItem = try profile.currentItem()
        let interpreter = SchemeHost.makeInterpreter(loadPath: loadPath, withChannel: true, evaluating: [file])
        let evaluator = Evaluator(interpreter: interpreter, session: SchemeHost.session(store))
        evaluator.enableSpecifications(channel: SchemeHost.defaultChannel(), userDirectories: SchemeHost.userDirectories(loadPath))
        let result: Result<DerivationObject, any Error> = StackGuard.withLargeStack {
            Result { try evaluator.profileDerivation(manifestFile: file, allowCollisions: allowCollisions) }
        }
        try commit(store, profile, try result.get(), currentItem: currentItem)
    }

    /// Builds the profile and makes it the next generation, unless it is the current one.
    private func commit(_ store: LocalStore, _ profile: Profile, _ derivation: DerivationObject, currentItem: String?) throws {
        guard let item = try Self.realise(store, derivation) else { return }
        if item == currentItem {
            Diagnostics.info("nothing to be done")
            return
        }
        // Made, then rooted, then current: a failure leaves the profile as it was.
        let number = try profile.addGeneration(item: item, switching: false)
        try root(store, profile, generation: number)
        try profile.switchTo(number)
        if profileOption == nil, let link = Self.userProfileLink, try FileSystem.linkStatus(link) == nil {
            try FileSystem.symlink(target: profile.path, at: link)
        }
        let shown = profileOption.map { ProcessEnvironment.absolutePath($0) } ?? Self.userProfileLink ?? profile.path
        Diagnostics.info("""
            hint: Consider setting the necessary environment variables by running:

                 CAIRN_PROFILE="\(shown)"
                 . "$CAIRN_PROFILE/etc/profile"

            Alternately, see `cairn package --search-paths -p "\(shown)"'.
            """)
    }

    /// `--export-channels`: a channels file naming the channels the
    /// profile's packages were built from, as their provenance records.
    func exportChannels() throws -> String {
        let store = try global.openStore()
        let profile = try profile(store)
        guard let item = try profile.currentItem() else { throw ProfileError.noProvenance(profile: profile.path) }
        let channels = Self.channels(ofManifest: try ProfileManifest.read(profileItem: item))
        guard !channels.isEmpty else { throw ProfileError.noProvenance(profile: profile.path) }
        return ChannelDescription.channelsFile(channels, introductions: true)
    }

    /// The channels named by a manifest's provenance, each once, in order.
    static func channels(ofManifest manifest: ProfileManifest) -> [ChannelDescription] {
        var seen = Set<ProfileManifest.Provenance>()
        return manifest.entries.flatMap(\.provenance).filter { seen.insert($0).inserted }.map { provenance in
            ChannelDescription(name: provenance.name ?? "cairn", url: provenance.url, branch: provenance.branch, commit: provenance.commit,
                               introduction: provenance.introduction.map { .init(firstSignedCommit: $0.commit, signer: $0.signer) })
        }
    }

    /// `--export-manifest`: a manifest file that installs the same packages,
    /// versions included, so that it gives back the same items with the same channel.
    func exportManifest() throws {
        let store = try global.openStore()
        let profile = try profile(store)
        let entries = try profile.currentItem().map { try ProfileManifest.read(profileItem: $0).entries } ?? []
        let specs = entries.map { entry in
            "\"" + entry.name + "@" + entry.version + (entry.output == "out" ? "" : ":" + entry.output) + "\""
        }
        var text = """
            ;; This "manifest" file can be passed to 'cairn package -m' to reproduce
            ;; the content of your profile.  It names packages and versions only: to
            ;; get the very same software, use the channels the profile was made with.

            (specifications->manifest
              (list
            """
        text += specs.isEmpty ? "))\n" : specs.enumerated().map { ($0.offset == 0 ? " " : "        ") + $0.element }.joined(separator: "\n") + "))\n"
        try StandardStreams.output.write(text)
    }

    private static func report(_ steps: [ProfileChange.Step]) {
        for kind in [ProfileChange.Step.Kind.remove, .upgrade, .install] {
            let chosen = steps.filter { $0.kind == kind }
            guard !chosen.isEmpty else { continue }
            var text = chosen.count == 1 ? "The following package will be \(kind.rawValue):\n"
                                         : "The following packages will be \(kind.rawValue):\n"
            let width = chosen.map(\.name.count).max() ?? 0
            for step in chosen {
                let name = Self.pad(step.name, width)
                let output = step.output == "out" ? "" : ":" + step.output
                text += "   \(name)\(output) \(step.version)\t\(step.item)\n"
            }
            Diagnostics.info(text)
        }
    }

    /// Builds the profile (and, through it, the packages it needs) and
    /// returns its store item, protected by a temp root from the start: an
    /// item already valid is not built, and nothing else would keep it.
    static func realise(_ store: LocalStore, _ derivation: DerivationObject) throws -> String? {
        guard let output = derivation.derivation.outputs["out"]?.path else { return nil }
        try store.addTemporaryRoot(output)
        var options = BuildOptions()
        options.cores = BuildCommand.onlineCores()
        options.builtins = BuiltinRegistry(BuildCommand.builtins)
        options.streamLogs = Diagnostics.verbosity >= 2
        let scheduler = Scheduler(store: store, options: options, progress: BuildProgress())
        try scheduler.run(try scheduler.plan([derivation.path]))
        return store.absolute(output)
    }

    // MARK: Generations

    func rollBack() throws {
        let store = try global.openStore()
        let profile = try profile(store)
        try locked(profile) { try rollBack(profile) }
    }

    private func rollBack(_ profile: Profile) throws {
        guard let current = try profile.currentNumber() else { throw ProfileError.noPreviousGeneration(profile: profile.path) }
        guard let previous = try profile.generations().last(where: { $0.number < current }) else {
            throw ProfileError.noPreviousGeneration(profile: profile.path)
        }
        try profile.switchTo(previous.number)
        Diagnostics.info("switched from generation \(current) to \(previous.number)")
    }

    func switchGeneration(_ text: String) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        let current = try profile.currentNumber()
        let number = try GenerationPattern.target(text, current: current)
        try locked(profile) { try profile.switchTo(number) }
        Diagnostics.info("switched from generation \(current.map(String.init) ?? "none") to \(number)")
    }

    func listGenerations(_ pattern: String?) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        var generations = try profile.generations()
        if let pattern { generations = try GenerationPattern.select(pattern, from: generations, now: Int(time(nil))) }
        let current = try profile.currentNumber()
        var text = ""
        for generation in generations {
            text += "Generation \(generation.number)\t\(Self.date(generation.time))\(generation.number == current ? "\t(current)" : "")\n"
            let manifest = try ProfileManifest.read(profileItem: generation.item)
            for entry in manifest.entries {
                text += "  \(entry.name)\t\(entry.version)\t\(entry.output)\t\(entry.item)\n"
            }
            text += "\n"
        }
        try StandardStreams.output.write(text)
    }

    func deleteGenerations(_ pattern: String?) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        let current = try profile.currentNumber()
        var chosen = try profile.generations()
        if let pattern {
            chosen = try GenerationPattern.select(pattern, from: chosen, now: Int(time(nil)))
            if let current, chosen.contains(where: { $0.number == current }) {
                Diagnostics.warning("not deleting generation \(current), the current one")
            }
        }
        try locked(profile) {
            for generation in chosen where generation.number != current {
                try profile.delete(generation.number)
                Diagnostics.info("deleting \(generation.link)")
            }
        }
    }

    func listInstalled(_ pattern: String?) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        guard let item = try profile.currentItem() else { return }
        let regex: Regex<AnyRegexOutput>?
        do { regex = try pattern.map { try Regex($0) } } catch {
            throw ValidationError("invalid regular expression '\(pattern ?? "")': \(error)")
        }
        let entries = try ProfileManifest.read(profileItem: item).entries.filter { entry in regex.map { entry.name.contains($0) } ?? true }
        try StandardStreams.output.write(entries.map {
            "\($0.name)\t\($0.version)\t\($0.output)\t\($0.item)\n"
        }.joined())
    }

    func printSearchPaths(kind: String) throws {
        let store = try global.openStore()
        let profile = try profile(store)
        guard let item = try profile.currentItem() else { return }
        let manifest = try ProfileManifest.read(profileItem: item)
        // Values name the profile as the user does, so they follow its generations.
        let shown = profileOption.map { ProcessEnvironment.absolutePath($0) } ?? Self.userProfileLink.flatMap { FileSystem.exists($0) ? $0 : nil } ?? profile.path
        let lines = ProfileManifest.searchPathLines(profiles: [shown], specs: manifest.searchPaths, kind: kind)
        try StandardStreams.output.write(lines.map { $0 + "\n" }.joined())
    }

    func listProfiles() throws {
        let store = try global.openStore()
        let directory = store.layout.profiles + "/per-user/" + Self.userName
        var found: [String] = []
        if FileSystem.isDirectory(directory) {
            for name in try FileSystem.entryNames(ofDirectory: directory).sorted() where !name.hasSuffix("-link") && !name.hasPrefix(".") {
                found.append(directory + "/" + name)
            }
        }
        if let link = Self.userProfileLink, found.contains(where: { _ in FileSystem.exists(link) }) {
            found = found.map { $0 == directory + "/cairn-profile" ? link : $0 }
        }
        try StandardStreams.output.write(found.map { $0 + "\n" }.joined())
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func date(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        localtime_r(&value, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%b %d %Y %H:%M:%S", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
