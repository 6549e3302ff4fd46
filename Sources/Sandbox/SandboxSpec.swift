import Basics

/// Everything one sandboxed build sees: which host paths appear where, the
/// builder and its arguments, the exact environment, who it runs as, and
/// whether it has the network (ARCHITECTURE.md §1.4, §4).
///
/// The root starts empty (a tmpfs private to the build). Nothing of the host
/// appears unless listed here; `/dev`, `/proc` and `/etc/{passwd,group,hosts}`
/// are provided by the sandbox itself. Once prepared, the root and `/dev` are
/// read-only: the builder writes only to `writablePaths`, `/dev/shm` and its
/// terminals.
package struct SandboxSpec: Sendable {
    /// A host path (`source`) shown at `target` inside the sandbox.
    package struct Binding: Sendable, Equatable {
        package var source: String
        package var target: String

        /// `target` defaults to the same path, as store paths are bound.
        package init(_ source: String, at target: String? = nil) {
            self.source = source
            self.target = target ?? source
        }
    }

    package enum Network: Sendable, Equatable {
        /// A network namespace with only a loopback interface: 127.0.0.1 works
        /// inside, nothing reaches out (every build but fixed-output ones).
        case isolated
        /// The host's network, with its `/etc/resolv.conf`, `/etc/hosts`,
        /// `/etc/services` and `/etc/nsswitch.conf` read-only, for fixed-output
        /// builds, whose result is checked against a known hash anyway.
        case host
    }

    /// The identity inside the sandbox. Nix's sandboxed builds run as uid 1000,
    /// gid 100; Cairn uses the same numbers so that build scripts written for
    /// Nix or Guix that print `id` or test ownership behave the same. The
    /// names are Cairn's.
    package struct BuildUser: Sendable, Equatable {
        package var uid: UInt32
        package var gid: UInt32
        package var userName: String
        package var groupName: String
        package var home: String
        /// The `/etc/passwd` comment and login shell.
        package var fullName: String
        package var shell: String

        package init(uid: UInt32 = 1000, gid: UInt32 = 100, userName: String = "cairnbld",
                     groupName: String = "cairnbld", home: String = "/homeless-shelter",
                     fullName: String = "Cairn build user", shell: String = "/noshell") {
            self.uid = uid
            self.gid = gid
            self.userName = userName
            self.groupName = groupName
            self.home = home
            self.fullName = fullName
            self.shell = shell
        }
    }

    /// Who the sandbox is for.
    package enum Session: Sendable, Equatable {
        /// A build: a session of its own, standard input from /dev/null, the
        /// builder as PID 1.
        case build
        /// A container a person uses (`cairn shell -C`): the caller's
        /// terminal, session and standard streams; a small init as PID 1 runs
        /// the program and passes signals on; `wait()` reports the program's
        /// own end.
        case interactive
    }

    /// An empty tmpfs the sandbox mounts (a container's home and `/tmp`).
    package struct Scratch: Sendable, Equatable {
        package var path: String
        package var mode: UInt32

        package init(_ path: String, mode: UInt32 = 0o755) {
            self.path = path
            self.mode = mode
        }
    }

    /// The program run as the sandbox's PID 1, an absolute path inside.
    package var builder: String
    /// `argv[1...]`; `argv[0]` is the builder's path.
    package var arguments: [String]
    /// Exactly the builder's environment: nothing of the caller's is added.
    package var environment: [String: String]
    /// Inside path the builder starts in; usually the build directory.
    package var workingDirectory: String
    /// Input closure and tools, bound read-only, nosuid, nodev. A source that
    /// is a symlink is recreated as the same symlink (as Nix does), so `/bin`
    /// -> `usr/bin` works once `/usr` is listed too.
    package var readOnlyPaths: [Binding]
    /// The build directory and outputs (or a directory that will hold them),
    /// bound writable, nosuid, nodev. They must exist; pass fresh directories,
    /// since mount points for paths nested inside them are created there.
    package var writablePaths: [Binding]
    /// A host directory whose `bin`, `lib`, `lib64` and `usr` appear at `/`
    /// and whose `etc` entries appear in `/etc` (except the files the sandbox
    /// writes itself): how a Debian seed provides `/bin/sh` (ARCHITECTURE.md §4).
    package var fhsRoot: String?
    /// Writable scratch directories, private to this sandbox and gone with it.
    package var scratchPaths: [Scratch] = []
    /// Symbolic links created in the root: inside path to link text (how a
    /// container gets `/bin/sh`).
    package var symlinks: [String: String] = [:]
    package var session: Session = .build
    /// Capability numbers the program keeps in the sandbox's user namespace
    /// (ambient). A container whose user is root keeps CAP_SETFCAP (31) so
    /// that cairn inside may map that user in the namespaces of its builds.
    package var keptCapabilities: [Int32] = []
    package var network: Network
    package var user: BuildUser
    package var hostname: String
    /// Descriptors the builder's stdout and stderr are copied from (the log).
    /// Standard input is always /dev/null.
    package var standardOutput: Int32
    package var standardError: Int32
    /// Where the empty directory the root is mounted on is created. It stays
    /// empty on the host; one serves every build of the process and is
    /// removed when the process exits.
    package var stagingDirectory: String

    package init(
        builder: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        workingDirectory: String,
        readOnlyPaths: [Binding] = [],
        writablePaths: [Binding] = [],
        fhsRoot: String? = nil,
        network: Network = .isolated,
        user: BuildUser = BuildUser(),
        hostname: String = "localhost",
        standardOutput: Int32 = 1,
        standardError: Int32 = 2,
        stagingDirectory: String = ProcessEnvironment.value("TMPDIR") ?? "/tmp"
    ) {
        self.builder = builder
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.readOnlyPaths = readOnlyPaths
        self.writablePaths = writablePaths
        self.fhsRoot = fhsRoot
        self.network = network
        self.user = user
        self.hostname = hostname
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.stagingDirectory = stagingDirectory
    }
}

extension SandboxSpec {
    /// Starts the build; the caller waits for it (or kills it) through the
    /// returned handle. This is the hook for timeouts and max-silent-time: a
    /// supervisor watching the log calls `kill(SIGKILL)`, and the kernel
    /// tears down the whole PID namespace with the builder.
    package func start() throws -> SandboxedBuild {
        try SandboxedBuild.start(self)
    }

    /// Runs the build to its end. Blocks the calling thread: call it from a
    /// thread of its own, not from a task on the cooperative pool.
    package func run() throws -> SandboxTermination {
        try start().wait()
    }
}
