import ArgumentParser
import Basics
import CSandbox
import Glibc
import Profiles
import Sandbox
import Store

/// `cairn shell -C` and its options, as Guix names them.
struct ContainerOptions: ParsableArguments {
    @Flag(name: [.customShort("C"), .customLong("container")], help: "Run the command in a container holding only the environment, /bin/sh, the working directory and a minimal /etc.")
    var container = false

    @Flag(name: [.customShort("N"), .customLong("network")], help: "With -C, share the host's network.")
    var network = false

    @Option(name: .customLong("share"), help: ArgumentHelp("With -C, make host directory SRC writable at DST (default: the same path).", valueName: "SRC[=DST]"))
    var share: [String] = []

    @Option(name: .customLong("expose"), help: ArgumentHelp("With -C, make host directory SRC readable at DST (default: the same path).", valueName: "SRC[=DST]"))
    var expose: [String] = []

    @Flag(name: .customLong("no-cwd"), help: "With -C, leave the working directory out; start in the (empty) home directory.")
    var noCwd = false

    @Flag(name: [.customShort("P"), .customLong("link-profile")], help: "With -C, link ~/.cairn-profile to the environment in the container.")
    var linkProfile = false

    @Flag(name: [.customShort("F"), .customLong("emulate-fhs")], help: "With -C, lay the environment out as the FHS says (/bin, /lib, /usr/…), with the channel's glibc, so prebuilt programs run.")
    var emulateFHS = false

    @Flag(name: [.customShort("W"), .customLong("nesting")], help: "With -C, make cairn work inside: it and the store are there, the store writable.")
    var nesting = false

    @Option(name: [.customShort("u"), .customLong("user")], help: ArgumentHelp("With -C, be USER (uid 1000) with home /home/USER in the container.", valueName: "USER"))
    var user: String?

    func validate() throws {
        if nesting && emulateFHS {
            // -W shows the host's libraries at /lib, where -F puts the environment's.
            throw ValidationError("--nesting and --emulate-fhs cannot be used together")
        }
        if let user, user.isEmpty || user == "." || user == ".." || user.contains("/") || user.contains(":") || user.contains("\n") {
            throw ValidationError("'\(user)' is not a user name")
        }
        guard !container else { return }
        let used = [(network, "--network"), (!share.isEmpty, "--share"), (!expose.isEmpty, "--expose"),
                    (noCwd, "--no-cwd"), (linkProfile, "--link-profile"), (user != nil, "--user"),
                    (nesting, "--nesting"), (emulateFHS, "--emulate-fhs")]
        if let (_, name) = used.first(where: { $0.0 }) {
            throw ValidationError("\(name) can only be used with --container (-C)")
        }
    }

    var settings: ContainerSettings {
        ContainerSettings(network: network, share: share, expose: expose, noCwd: noCwd, linkProfile: linkProfile, user: user,
                          nesting: nesting, emulateFHS: emulateFHS)
    }
}

/// What the container options asked for, as plain values (the fast path of
/// `cairn shell` fills them without the argument parser).
struct ContainerSettings {
    var network = false
    var share: [String] = []
    var expose: [String] = []
    var noCwd = false
    var linkProfile = false
    var user: String?
    var nesting = false
    var emulateFHS = false
}

/// Runs a command in a container made of a profile: the profile's closure
/// read-only at its store paths, `/bin/sh`, the working directory writable at
/// the same path, an empty writable home and `/tmp`, and a minimal `/etc`.
/// Nothing else of the host is there, and only the working directory and
/// `--share`d directories can be written.
struct ShellContainer {
    var options: ContainerSettings
    var profile: String
    /// An item whose `bin/sh` is `/bin/sh` when the profile has none.
    var shell: String?
    var store: LocalStore
    var searchPaths: [ProfileManifest.SearchPath]
    var preserve: [Regex<AnyRegexOutput>]

    func run(_ command: [String]) throws -> Never {
        let spec: SandboxSpec
        do {
            spec = try self.spec(command)
        } catch let error as ContainerError {
            guard case .commandNotFound = error else { throw error }
            // As a shell says it: 127.
            Diagnostics.error(error)
            exit(127)
        }
        let build = try spec.start()
        cairn_sandbox_forward_signals(build.pid)
        // From here on nothing may throw back to the caller: the command has
        // run, and the fast path would run it again.
        let end: SandboxTermination
        do {
            // Forwarding stops before the init is reaped, so a late signal
            // never reaches a recycled pid.
            end = try build.wait(beforeReaping: { cairn_sandbox_forward_signals(0) })
        } catch {
            Diagnostics.error(error)
            exit(1)
        }
        switch end {
        case .exited(let status):
            exit(status)
        case .signaled(let signal):
            // End the same way, so the caller's shell sees the signal; no
            // core dump of cairn for the program's crash, no staging
            // directory left behind (atexit does not run).
            var none = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
            SandboxedBuild.removeStagingDirectories()
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
            exit(128 + signal)
        }
    }

    func spec(_ command: [String]) throws -> SandboxSpec {
        let identity = Identity(user: options.user)
        let cwd = ProcessEnvironment.currentDirectory
        let insideCwd = identity.mapped(cwd)
        var writable: [SandboxSpec.Binding] = []
        var readOnly: [SandboxSpec.Binding] = []
        if !options.noCwd {
            writable.append(.init(cwd, at: insideCwd))
        }
        writable += try options.share.map { try binding($0, option: "--share", identity: identity) }
        readOnly += try options.expose.map { try binding($0, option: "--expose", identity: identity) }

        var links: [String: String] = [:]
        var roots = [profile]
        if FileSystem.exists(profile + "/bin/sh") {
            links["/bin/sh"] = profile + "/bin/sh"
        } else if let shell, FileSystem.exists(shell + "/bin/sh") {
            links["/bin/sh"] = shell + "/bin/sh"
            roots.append(shell)
        } else {
            Diagnostics.warning("the container has no /bin/sh: neither the environment nor the channel's bash provides bin/sh")
        }
        if !options.nesting {
            let closure = try store.unorderedClosure(of: try roots.map { try store.storePath(forUserPath: $0) })
            readOnly += closure.sorted().map { SandboxSpec.Binding(store.absolute($0)) }
        }
        if options.linkProfile { links[identity.home + "/.cairn-profile"] = profile }

        if options.emulateFHS { links.merge(Self.fhsLinks(profile)) { first, _ in first } }
        try checkShares(writable + readOnly.filter { !$0.source.hasPrefix(store.layout.storeDirectory.path + "/") },
                        home: identity.home, links: Array(links.keys))
        // After the check: nesting shares the store itself.
        let nesting = options.nesting ? try ShellNesting.make(layout: store.layout) : ShellNesting()
        readOnly += nesting.readOnly
        writable += nesting.writable
        links.merge(nesting.links) { first, _ in first }
        // The hardware's description, read-only, as Guix's containers have
        // it: hwloc and MPI libraries find the machine's topology there.
        if FileSystem.isDirectory("/sys") { readOnly.append(SandboxSpec.Binding("/sys")) }
        var scratch: [SandboxSpec.Scratch] = []
        let targets = Set((writable + readOnly).map(\.target))
        if !targets.contains(identity.home) { scratch.append(.init(identity.home, mode: 0o700)) }
        if !targets.contains("/tmp") { scratch.append(.init("/tmp", mode: 0o1777)) }

        var environment = ShellEnvironment.make(
            base: ProcessEnvironment.all(), profile: profile, searchPaths: searchPaths, pure: true, preserve: preserve)
        environment["HOME"] = identity.home
        environment["USER"] = identity.name
        environment["LOGNAME"] = identity.name
        environment.merge(nesting.environment) { _, nested in nested }
        if options.nesting || options.emulateFHS { environment["PATH"] = (environment["PATH"].map { $0 + ":" } ?? "") + "/bin:/usr/bin" }

        let workingDirectory = options.noCwd ? identity.home : insideCwd
        let program = try resolve(command, environment: environment, links: links, workingDirectory: workingDirectory)
        var spec = SandboxSpec(
            builder: program, arguments: Array(command.dropFirst()), environment: environment,
            workingDirectory: workingDirectory, readOnlyPaths: readOnly, writablePaths: writable,
            network: options.network ? .host : .isolated,
            user: SandboxSpec.BuildUser(uid: identity.uid, gid: identity.gid, userName: identity.name,
                                        groupName: identity.group, home: identity.home, fullName: "", shell: "/bin/sh"),
            hostname: Self.hostName())
        spec.scratchPaths = scratch
        spec.symlinks = links
        spec.session = .interactive
        // A root user's cairn maps root in its builds' namespaces, which the
        // kernel allows only with CAP_SETFCAP (in the container's namespace).
        if options.nesting && identity.uid == 0 { spec.keptCapabilities = [31] }
        return spec
    }

    /// -F: the FHS directories as links into the profile. `/bin` is a
    /// directory of links (it also holds `/bin/sh`); `/lib` and `/lib64`
    /// hold glibc's loader and libraries at the paths prebuilt programs name.
    static func fhsLinks(_ profile: String) -> [String: String] {
        var links: [String: String] = [:]
        let bin = profile + "/bin"
        if let names = try? FileSystem.entryNames(ofDirectory: bin) {
            for name in names { links["/bin/" + name] = bin + "/" + name }
        }
        links["/usr/bin"] = "/bin"
        for (fhs, directory) in [("/lib", "lib"), ("/lib64", "lib64"), ("/sbin", "sbin"), ("/usr/lib", "lib"),
                                 ("/usr/lib64", "lib64"), ("/usr/sbin", "sbin"), ("/usr/include", "include"),
                                 ("/usr/share", "share"), ("/usr/libexec", "libexec")]
            where FileSystem.isDirectory(profile + "/" + directory) {
            links[fhs] = profile + "/" + directory
        }
        return links
    }

    /// SRC[=DST] of --share or --expose, with relative paths taken from the
    /// working directory.
    private func binding(_ text: String, option: String, identity: Identity) throws -> SandboxSpec.Binding {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw ValidationError("\(option) needs SRC[=DST], not '\(text)'")
        }
        let source = ProcessEnvironment.absolutePath(first)
        guard FileSystem.exists(source) else { throw ContainerError.noSuchSource(option: option, source) }
        let given = parts.count == 2 ? parts[1] : identity.mapped(source)
        guard given.hasPrefix("/"), let target = Self.normalized(given), !target.split(separator: "/").contains("..") else {
            throw ValidationError("\(option): the container path '\(given)' must be absolute, without '..'")
        }
        return .init(source, at: target)
    }

    /// A shared directory must not hold what the container makes itself
    /// (`/etc`'s files, `/bin/sh`, the store, the home with -P): creating
    /// them would write into the host's directory, or hide them.
    private func checkShares(_ bindings: [SandboxSpec.Binding], home: String, links: [String]) throws {
        var reserved = ["/etc", "/bin", "/dev", "/proc", "/sys", store.layout.storeDirectory.path] + links
        if options.linkProfile { reserved.append(home) }
        for binding in bindings {
            let target = binding.target
            if let hidden = reserved.first(where: { $0 == target || target == "/" || $0.hasPrefix(target + "/") }) {
                throw ContainerError.sharesReserved(binding.source, target: target, reserved: hidden)
            }
        }
    }

    /// The program's path inside: looked up on the container's PATH (store
    /// paths, the same inside and out) or among the container's own links.
    private func resolve(_ command: [String], environment: [String: String], links: [String: String],
                         workingDirectory: String) throws -> String {
        var name = command.first ?? ""
        if command.isEmpty {
            let shell = ProcessEnvironment.value("SHELL").map { FileSystem.baseName($0) } ?? "sh"
            name = ShellExec.resolve(shell, path: environment["PATH"] ?? "") == nil && links["/bin/sh"] != nil ? "/bin/sh" : shell
        }
        if name.hasPrefix("/") { return Self.normalized(name) ?? name }
        if name.contains("/") { return Self.normalized(workingDirectory + "/" + name) ?? name }
        // /bin and /usr/bin are the container's own: looked up among its links.
        let storePath = (environment["PATH"] ?? "").split(separator: ":").filter { $0 != "/bin" && $0 != "/usr/bin" }
        if let found = ShellExec.resolve(name, path: storePath.joined(separator: ":")) { return found }
        if links["/bin/" + name] != nil { return "/bin/" + name }
        throw ContainerError.commandNotFound(name)
    }

    /// `path` without empty, `.` and `..` components (`..` taken lexically,
    /// as the container has no host symlinks to follow); nil when not absolute.
    static func normalized(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var components: [Substring] = []
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 65)
        guard gethostname(&buffer, 64) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }

    /// Who the command runs as: the caller, or USER with uid 1000 (-u).
    struct Identity {
        var uid: UInt32, gid: UInt32
        var name: String, group: String
        var home: String
        /// The caller's home, which -u moves to /home/USER.
        var hostHome: String

        init(user: String?) {
            let account = getpwuid(getuid())
            let callerName = account.map { String(cString: $0.pointee.pw_name) } ?? ProcessEnvironment.value("USER") ?? "user"
            // An absolute home other than `/`, without trailing slashes; else /home/NAME.
            let given = ProcessEnvironment.value("HOME") ?? account.map { String(cString: $0.pointee.pw_dir) } ?? ""
            let normalized = ShellContainer.normalized(given) ?? "/"
            hostHome = normalized == "/" || normalized == "/tmp" ? "/home/" + callerName : normalized
            if let user {
                uid = 1000; gid = 1000; name = user; group = user; home = "/home/" + user
            } else {
                uid = getuid(); gid = getgid(); name = callerName; home = hostHome
                group = getgrgid(getgid()).map { String(cString: $0.pointee.gr_name) } ?? callerName
            }
        }

        /// A host path as the container shows it: under the home, in the new home.
        func mapped(_ path: String) -> String {
            guard home != hostHome, hostHome != "/" else { return path }
            if path == hostHome { return home }
            if path.hasPrefix(hostHome + "/") { return home + path.dropFirst(hostHome.count) }
            return path
        }
    }
}

package enum ContainerError: UserFacingError {
    case noSuchSource(option: String, String)
    case sharesReserved(String, target: String, reserved: String)
    case commandNotFound(String)
    case nestingUnavailable(String)

    package var message: String {
        switch self {
        case .nestingUnavailable(let reason): "cannot make cairn work in the container (--nesting): \(reason)"
        case .noSuchSource(let option, let path): "\(option): '\(path)' does not exist"
        case .sharesReserved(let source, let target, let reserved):
            target == source
                ? "cannot share '\(source)' with the container: it would cover \(reserved), which the container provides itself"
                : "cannot share '\(source)' at '\(target)' in the container: it would cover \(reserved), which the container provides itself"
        case .commandNotFound(let name): "\(name): command not found in the container"
        }
    }

    package var hint: String? {
        switch self {
        case .noSuchSource: "give an existing file or directory"
        case .sharesReserved: "share a directory below it, or use --no-cwd when it is the working directory"
        case .commandNotFound: "add the package that provides it; only the environment's programs and /bin/sh are in the container"
        case .nestingUnavailable: "leave -W out, or run a cairn whose executable and libraries you can read"
        }
    }
}
