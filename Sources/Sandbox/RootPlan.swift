import Basics
import Glibc

/// The steps that turn an empty tmpfs into the sandbox's root, computed in the
/// parent so the child between clone and execve only walks a prepared list.
/// Paths are inside paths; the spawner prefixes the staging directory.
/// Each step carries the words the error uses when it fails.
struct RootPlan {
    enum Operation: Equatable {
        case makeDirectory(String, mode: mode_t)
        case writeFile(String, contents: [UInt8], mode: mode_t)
        case symlink(linkText: String, at: String)
        case bind(source: String, at: String, attributes: BindAttributes)
        case mount(source: String, at: String, type: String, flags: UInt, options: String)
        case remountReadOnly(String)
    }

    struct BindAttributes: OptionSet, Equatable {
        let rawValue: UInt
        static let readOnly = BindAttributes(rawValue: 1)
        static let noSetuid = BindAttributes(rawValue: 2)
        static let noDevices = BindAttributes(rawValue: 4)
        /// Inputs: the builder reads them and cannot change, setuid or
        /// open devices through them.
        static let input: BindAttributes = [.readOnly, .noSetuid, .noDevices]
        static let writable: BindAttributes = [.noSetuid, .noDevices]
    }

    struct Step: Equatable {
        var operation: Operation
        /// Completes "… in the build sandbox failed: REASON".
        var description: String
    }

    private(set) var steps: [Step] = []

    /// Host device nodes bound into `/dev`, as in Nix's sandbox.
    static let devices = ["null", "zero", "full", "random", "urandom", "tty"]
    /// What fixed-output builds get from the host's `/etc` to resolve names.
    static let networkFiles = ["resolv.conf", "hosts", "services", "nsswitch.conf"]
    /// What an FHS root contributes at `/` (ARCHITECTURE.md §4).
    static let fhsDirectories = ["bin", "lib", "lib64", "usr"]

    init(_ spec: SandboxSpec, hostEtc: String = "/etc") throws {
        try Self.validate(spec)
        var claims = try Self.claims(for: spec, hostEtc: hostEtc)
        claims.sort { $0.components.lexicographicallyPrecedes($1.components) }
        try Self.checkOverlaps(claims)

        addDevices()
        add(.makeDirectory("/proc", mode: 0o555), "creating /proc")
        // A proc instance of the new PID namespace: only the build's processes.
        add(.mount(source: "proc", at: "/proc", type: "proc",
                   flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), options: ""),
            "mounting /proc")
        var created: Set<String> = ["/", "/dev", "/proc"]
        for claim in claims {
            var ancestor = ""
            for component in claim.components.dropLast() {
                ancestor += "/" + component
                if created.insert(ancestor).inserted {
                    add(.makeDirectory(ancestor, mode: 0o755), "creating the directory '\(ancestor)'")
                }
            }
            created.insert(claim.target)
            add(claim)
        }
        add(.remountReadOnly("/"), "making the root read-only")
    }

    private mutating func add(_ operation: Operation, _ description: String) {
        steps.append(Step(operation: operation, description: description))
    }

    /// A minimal `/dev`: host device nodes, a private devpts for terminals,
    /// a tmpfs for POSIX shared memory.
    private mutating func addDevices() {
        add(.makeDirectory("/dev", mode: 0o755), "creating /dev")
        add(.mount(source: "tmpfs", at: "/dev", type: "tmpfs",
                   flags: UInt(MS_NOSUID | MS_NOEXEC), options: "mode=0755"),
            "mounting a tmpfs at /dev")
        for device in Self.devices where FileSystem.exists("/dev/" + device) {
            add(.writeFile("/dev/" + device, contents: [], mode: 0o666), "creating the mount point /dev/\(device)")
            // No nodev here: the whole point is to use the device.
            add(.bind(source: "/dev/" + device, at: "/dev/" + device, attributes: []),
                "bind-mounting the device /dev/\(device)")
        }
        add(.makeDirectory("/dev/pts", mode: 0o755), "creating /dev/pts")
        // newinstance: the build's terminals are its own, not the host's.
        add(.mount(source: "devpts", at: "/dev/pts", type: "devpts", flags: UInt(MS_NOSUID | MS_NOEXEC),
                   options: "newinstance,ptmxmode=0666,mode=0620"),
            "mounting a devpts instance at /dev/pts")
        add(.symlink(linkText: "pts/ptmx", at: "/dev/ptmx"), "creating /dev/ptmx")
        add(.makeDirectory("/dev/shm", mode: 0o1777), "creating /dev/shm")
        add(.mount(source: "tmpfs", at: "/dev/shm", type: "tmpfs",
                   flags: UInt(MS_NOSUID | MS_NODEV), options: "mode=1777"),
            "mounting a tmpfs at /dev/shm")
        for (name, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                               ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")] {
            add(.symlink(linkText: target, at: "/dev/" + name), "creating /dev/\(name)")
        }
        add(.remountReadOnly("/dev"), "making /dev read-only")
    }

    // MARK: - Claims: every path in the root that is not a plain directory

    struct Claim {
        enum Kind {
            case bind(source: String, directory: Bool, attributes: BindAttributes)
            case symlink(String)
            case file([UInt8])
            case scratch(mode: UInt32)
        }
        var target: String
        var components: [String]
        var kind: Kind
        /// Where the claim came from, to name it in errors.
        var origin: String

        /// A file with contents or a link: made in place, not mounted.
        var writesIntoEnclosing: Bool {
            switch kind {
            case .file, .symlink: true
            default: false
            }
        }

        /// A claim inside which others may go: what the caller gave as
        /// writable, or a scratch tmpfs of the sandbox's own.
        var isWritableBind: Bool {
            switch kind {
            case .bind(_, _, let attributes): !attributes.contains(.readOnly)
            case .scratch: true
            default: false
            }
        }
    }

    private mutating func add(_ claim: Claim) {
        let target = claim.target
        switch claim.kind {
        case .symlink(let text):
            add(.symlink(linkText: text, at: target), "creating the symbolic link '\(target)' -> '\(text)'")
        case .file(let contents):
            add(.writeFile(target, contents: contents, mode: 0o644), "writing '\(target)'")
        case .scratch(let mode):
            add(.makeDirectory(target, mode: 0o755), "creating the mount point '\(target)'")
            add(.mount(source: "tmpfs", at: target, type: "tmpfs", flags: UInt(MS_NOSUID | MS_NODEV),
                       options: "mode=" + String(mode, radix: 8)),
                "mounting a tmpfs at '\(target)'")
        case .bind(let source, let directory, let attributes):
            if directory {
                add(.makeDirectory(target, mode: 0o755), "creating the mount point '\(target)'")
            } else {
                add(.writeFile(target, contents: [], mode: 0o644), "creating the mount point '\(target)'")
            }
            let how = attributes.contains(.readOnly) ? "read-only" : "writable"
            add(.bind(source: source, at: target, attributes: attributes),
                "bind-mounting '\(source)' \(how) at '\(target)'")
        }
    }

    private static func claims(for spec: SandboxSpec, hostEtc: String) throws -> [Claim] {
        var claims: [Claim] = []
        func claim(_ target: String, _ kind: Claim.Kind, _ origin: String) throws {
            let components = try insideComponents(target, what: origin)
            claims.append(Claim(target: "/" + components.joined(separator: "/"), components: components,
                                kind: kind, origin: origin))
        }
        /// A host path as a claim: symlinks are recreated, directories and
        /// files bound; nil when nothing is there.
        func hostEntry(_ source: String, attributes: BindAttributes, follow: Bool) throws -> Claim.Kind? {
            var st = stat()
            let found = follow ? stat(source, &st) : lstat(source, &st)
            if found != 0 {
                if errno == ENOENT || errno == ENOTDIR { return nil }
                throw SystemError("stat", source)
            }
            switch FileSystem.kind(of: st) {
            case .symlink:
                return .symlink(try readLink(source))
            case .directory:
                return .bind(source: source, directory: true, attributes: attributes)
            case .regular:
                return .bind(source: source, directory: false, attributes: attributes)
            case .other:
                return nil
            }
        }

        var etcWritten: Set<String> = ["passwd", "group"]
        if spec.network == .host {
            for name in networkFiles {
                let source = hostEtc + "/" + name
                if let kind = try hostEntry(source, attributes: .input, follow: true) {
                    try claim("/etc/" + name, kind, "the host's \(source)")
                    etcWritten.insert(name)
                }
            }
        }
        if !etcWritten.contains("hosts") {
            try claim("/etc/hosts", .file(Array("127.0.0.1 localhost\n::1 localhost\n".utf8)), "the sandbox's /etc/hosts")
            etcWritten.insert("hosts")
        }
        try claim("/etc/passwd", .file(Array(passwd(for: spec.user).utf8)), "the sandbox's /etc/passwd")
        try claim("/etc/group", .file(Array(group(for: spec.user).utf8)), "the sandbox's /etc/group")

        if let root = spec.fhsRoot {
            guard FileSystem.isDirectory(root) else { throw SandboxError.missingPath(root, role: "FHS root") }
            for name in fhsDirectories {
                if let kind = try hostEntry(root + "/" + name, attributes: .input, follow: false) {
                    try claim("/" + name, kind, "the FHS root's \(name)")
                }
            }
            let etc = root + "/etc"
            if FileSystem.isDirectory(etc) {
                let directory = try OpenFile(etc, flags: O_RDONLY | O_DIRECTORY)
                for raw in try FileSystem.entries(ofDirectory: directory.fd, path: etc) {
                    // Names that are not UTF-8 cannot be passed on faithfully; skip them.
                    guard let name = String(validating: raw, as: UTF8.self), !etcWritten.contains(name) else { continue }
                    if let kind = try hostEntry(etc + "/" + name, attributes: .input, follow: false) {
                        try claim("/etc/" + name, kind, "the FHS root's etc/\(name)")
                    }
                }
            }
        }
        for binding in spec.readOnlyPaths {
            guard let kind = try hostEntry(binding.source, attributes: .input, follow: false) else {
                throw SandboxError.missingPath(binding.source, role: "read-only input")
            }
            try claim(binding.target, kind, "the read-only input '\(binding.source)'")
        }
        for scratch in spec.scratchPaths {
            try claim(scratch.path, .scratch(mode: scratch.mode), "the scratch directory '\(scratch.path)'")
        }
        for (target, text) in spec.symlinks {
            try claim(target, .symlink(text), "the link '\(target)'")
        }
        for binding in spec.writablePaths {
            guard let kind = try hostEntry(binding.source, attributes: .writable, follow: true),
                  case .bind = kind else {
                throw SandboxError.missingPath(binding.source, role: "writable path")
            }
            try claim(binding.target, kind, "the writable path '\(binding.source)'")
        }
        return claims
    }

    /// Two claims on one path, or a claim inside a read-only bind, a file or
    /// a symlink, cannot be set up (and creating a mount point there would
    /// write into the host's input, or follow a symlink out of the root).
    /// Inside a writable bind is fine: the caller gave us that directory.
    private static func checkOverlaps(_ sorted: [Claim]) throws {
        var open: [Claim] = []
        for claim in sorted {
            while let last = open.last, !claim.components.starts(with: last.components) { open.removeLast() }
            if let enclosing = open.last {
                if enclosing.components == claim.components {
                    throw SandboxError.conflictingPaths(claim.target, enclosing.origin, claim.origin)
                }
                if !enclosing.isWritableBind {
                    throw SandboxError.conflictingPaths(claim.target, enclosing.origin, claim.origin)
                }
                // A file or link of the sandbox's own inside the caller's
                // directory would be written into that host directory.
                if case .bind = enclosing.kind, claim.writesIntoEnclosing {
                    throw SandboxError.conflictingPaths(claim.target, enclosing.origin, claim.origin)
                }
            }
            open.append(claim)
        }
    }

    private static func validate(_ spec: SandboxSpec) throws {
        func checkText(_ text: String, _ what: String) throws {
            if text.utf8.contains(0) { throw SandboxError.invalidSpec("\(what) contains a NUL byte") }
        }
        _ = try insideComponents(spec.builder, what: "the builder")
        _ = try insideComponents(spec.workingDirectory, what: "the working directory", allowRoot: true)
        for argument in spec.arguments { try checkText(argument, "a builder argument") }
        for (name, value) in spec.environment {
            if name.isEmpty || name.contains("=") {
                throw SandboxError.invalidSpec("the environment variable name '\(name)' is empty or contains '='")
            }
            try checkText(name, "an environment variable name")
            try checkText(value, "the value of the environment variable \(name)")
        }
        let hostname = spec.hostname.utf8
        if hostname.isEmpty || hostname.count > 64 || hostname.contains(0) {
            throw SandboxError.invalidSpec("the host name '\(spec.hostname)' must have 1 to 64 bytes")
        }
        for name in [spec.user.userName, spec.user.groupName, spec.user.home, spec.user.shell]
            where name.contains(":") || name.contains("\n") || name.isEmpty {
            throw SandboxError.invalidSpec("the user's name, group, home and shell must be non-empty without ':' or newlines")
        }
        if spec.user.fullName.contains(":") || spec.user.fullName.contains("\n") {
            throw SandboxError.invalidSpec("the user's full name must not contain ':' or newlines")
        }
    }

    /// The components of an absolute inside path, refusing `.`, `..` and the
    /// parts of the root the sandbox manages itself.
    static func insideComponents(_ path: String, what: String, allowRoot: Bool = false) throws -> [String] {
        guard path.hasPrefix("/"), !path.utf8.contains(0) else {
            throw SandboxError.invalidSpec("\(what) '\(path)' must be an absolute path inside the sandbox")
        }
        let components = path.split(separator: "/").map(String.init)
        if components.contains(where: { $0 == "." || $0 == ".." }) {
            throw SandboxError.invalidSpec("\(what) '\(path)' must not contain '.' or '..'")
        }
        if components.isEmpty && !allowRoot {
            throw SandboxError.invalidSpec("\(what) cannot be the sandbox's root '/'")
        }
        if !allowRoot, let first = components.first, first == "dev" || first == "proc" {
            throw SandboxError.invalidSpec("\(what) '\(path)' lies in /\(first), which the sandbox provides itself")
        }
        return components
    }

    static func passwd(for user: SandboxSpec.BuildUser) -> String {
        // A user who is root outside (and so inside) is the root line.
        let root = user.uid == 0 ? "" : "root:x:0:0:Cairn build root:\(user.home):/noshell\n"
        return root + """
        \(user.userName):x:\(user.uid):\(user.gid):\(user.fullName):\(user.home):\(user.shell)
        nobody:x:65534:65534:Nobody:/:/noshell

        """
    }

    static func group(for user: SandboxSpec.BuildUser) -> String {
        let root = user.gid == 0 ? "" : "root:x:0:\n"
        return root + """
        \(user.groupName):!:\(user.gid):
        nogroup:x:65534:

        """
    }

    private static func readLink(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { throw SystemError("read the link", path) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
