import Basics
import CSandbox
import Glibc
import Synchronization

/// How the builder ended.
package enum SandboxTermination: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    package var succeeded: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let status): "exited with status \(status)"
        case .signaled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
    }
}

/// A running sandboxed build. The builder is PID 1 of its own PID namespace,
/// so when it ends (or is killed) the kernel kills every other process of the
/// build before `wait()` returns: nothing survives the build.
package final class SandboxedBuild: Sendable {
    /// The builder's pid in the caller's PID namespace.
    package let pid: pid_t
    private let stagingRoot: String
    private let outcome = Mutex<SandboxTermination?>(nil)
    /// An interactive container's init writes the program's wait status here.
    private let statusPipe: OpenFile?

    private init(pid: pid_t, stagingRoot: String, statusPipe: OpenFile? = nil) {
        self.pid = pid
        self.stagingRoot = stagingRoot
        self.statusPipe = statusPipe
    }

    /// Sends `signal` to the builder unless it has been reaped already (so a
    /// recycled pid is never hit). From the parent namespace only SIGKILL and
    /// SIGSTOP reach a PID 1 that has no handler, which is what timeouts use.
    package func kill(_ signal: Int32 = SIGKILL) {
        outcome.withLock { outcome in
            if outcome == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// Waits for the builder to end. Blocks the calling thread.
    package func wait(beforeReaping: () -> Void = {}) throws -> SandboxTermination {
        let initEnd = try waitForPID1(beforeReaping: beforeReaping)
        // The program's own end, when the init reported it; otherwise the
        // init's (it was killed before the program ended).
        guard let statusPipe else { return initEnd }
        var status: Int32 = 0
        let count = try withUnsafeMutableBytes(of: &status) { try statusPipe.read(into: $0) }
        guard count == MemoryLayout<Int32>.size else { return initEnd }
        return Self.termination(status)
    }

    private func waitForPID1(beforeReaping: () -> Void) throws -> SandboxTermination {
        // Learn that it ended without reaping it, then reap under the lock,
        // so `kill` from another thread never races with pid reuse.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            if errno == EINTR { continue }
            if errno == ECHILD, let done = outcome.withLock({ $0 }) { return done }
            throw SandboxError.system(SystemError("wait for the builder of", stagingRoot))
        }
        beforeReaping()
        let termination = outcome.withLock { outcome -> SandboxTermination in
            if let done = outcome { return done }
            let done = Self.reap(pid)
            outcome = done
            return done
        }
        return termination
    }

    deinit {
        if outcome.withLock({ $0 }) == nil {
            _ = Glibc.kill(pid, SIGKILL)
            _ = Self.reap(pid)
        }
    }

    private static func reap(_ pid: pid_t) -> SandboxTermination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return termination(status)
    }

    private static func termination(_ status: Int32) -> SandboxTermination {
        // WIFEXITED and friends are macros Swift does not import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    // MARK: - Starting

    static func start(_ spec: SandboxSpec) throws -> SandboxedBuild {
        let plan = try RootPlan(spec)
        let staging = try stagingDirectory(in: spec.stagingDirectory)
        guard spec.session == .interactive else {
            let input = try OpenFile("/dev/null", flags: O_RDONLY)
            let pid = try spawn(spec, plan, root: staging, input: input.fd, statusFD: -1)
            return SandboxedBuild(pid: pid, stagingRoot: staging)
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SandboxError.system(SystemError("create a pipe for", staging)) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let reading = OpenFile(adopting: ends[0], path: "the container's status pipe")
        let writing = OpenFile(adopting: ends[1], path: "the container's status pipe")
        // Only the init keeps the write end once this one is released, so a
        // killed init means end of file.
        let pid = try withExtendedLifetime(writing) {
            try spawn(spec, plan, root: staging, input: 0, statusFD: writing.fd)
        }
        return SandboxedBuild(pid: pid, stagingRoot: staging, statusPipe: reading)
    }

    /// One staging directory per parent for the whole process. Each child
    /// mounts its own tmpfs on it inside its own mount namespace, so
    /// concurrent sandboxes share it; hundreds of builds then do not create
    /// and delete hundreds of directories (after many recent deletions, ext4
    /// scans long for a free inode: that was most of a trivial build's cost).
    /// Removed when the process exits. If it is killed, an empty directory
    /// is left in the parent: the builder gives its own per-process
    /// directory, which the next `cairn build` sweeps.
    private static let stagingDirectories = Mutex<[String: String]>([:])

    private static func stagingDirectory(in parent: String) throws -> String {
        try stagingDirectories.withLock { directories in
            if let existing = directories[parent], FileSystem.isDirectory(existing) { return existing }
            let made = try makeStagingDirectory(in: parent)
            if directories.isEmpty { atexit { SandboxedBuild.removeStagingDirectories() } }
            directories[parent] = made
            return made
        }
    }

    /// Removes the staging directories now (atexit does it otherwise), for
    /// a process about to end by a signal.
    package static func removeStagingDirectories() {
        stagingDirectories.withLock { directories in
            for directory in directories.values { rmdir(directory) }
            directories.removeAll()
        }
    }

    private static func makeStagingDirectory(in parent: String) throws -> String {
        var template = Array("\(parent)/cairn-sandbox-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SandboxError.system(SystemError("create a directory in", parent))
        }
        return String(cString: made)
    }

    private static func spawn(_ spec: SandboxSpec, _ plan: RootPlan, root: String, input: Int32, statusFD: Int32) throws -> pid_t {
        let strings = CStrings()
        func host(_ inside: String) throws -> UnsafeMutablePointer<CChar> {
            try strings.copy(inside == "/" ? root : root + inside)
        }
        var operations: [cairn_sandbox_operation] = []
        for step in plan.steps {
            var op = cairn_sandbox_operation()
            switch step.operation {
            case .makeDirectory(let path, let mode):
                op.kind = kind(CAIRN_SANDBOX_MAKE_DIRECTORY)
                op.target = UnsafePointer(try host(path))
                op.mode = UInt32(mode)
            case .writeFile(let path, let contents, let mode):
                op.kind = kind(CAIRN_SANDBOX_WRITE_FILE)
                op.target = UnsafePointer(try host(path))
                op.data = UnsafePointer(try strings.copy(bytes: contents))
                op.data_length = contents.count
                op.mode = UInt32(mode)
            case .symlink(let text, let path):
                op.kind = kind(CAIRN_SANDBOX_SYMLINK)
                op.source = UnsafePointer(try strings.copy(text))
                op.target = UnsafePointer(try host(path))
            case .bind(let source, let path, let attributes):
                op.kind = kind(CAIRN_SANDBOX_BIND)
                op.source = UnsafePointer(try strings.copy(source))
                op.target = UnsafePointer(try host(path))
                op.flags = attributes.rawValue
            case .mount(let source, let path, let type, let flags, let options):
                op.kind = kind(CAIRN_SANDBOX_MOUNT)
                op.source = UnsafePointer(try strings.copy(source))
                op.target = UnsafePointer(try host(path))
                op.data = UnsafePointer(try strings.copy(type))
                op.options = UnsafePointer(try strings.copy(options))
                op.flags = flags
            case .remountReadOnly(let path):
                op.kind = kind(CAIRN_SANDBOX_REMOUNT_READ_ONLY)
                op.target = UnsafePointer(try host(path))
            }
            operations.append(op)
        }
        let argv = try ([spec.builder] + spec.arguments).map { Optional(try strings.copy($0)) } + [nil]
        // Sorted, so the same spec gives the builder the same environment bytes.
        let envp = try spec.environment.sorted { $0.key < $1.key }
            .map { Optional(try strings.copy("\($0.key)=\($0.value)")) } + [nil]

        // As root we may keep setgroups allowed and drop the caller's
        // supplementary groups in the child. An unprivileged caller must deny
        // setgroups to write gid_map, and keeps its supplementary groups (the
        // kernel gives no way to drop them then).
        let privileged = geteuid() == 0 && Self.holdsIdentityCapabilities
        var config = cairn_sandbox_config()
        config.isolate_network = spec.network == .isolated ? 1 : 0
        config.setgroups = UnsafePointer(try strings.copy(privileged ? "allow" : "deny"))
        // One id mapped: the build user inside is the caller outside, so what
        // the build writes belongs to the caller and nothing else is reachable.
        config.uid_map = UnsafePointer(try strings.copy("\(spec.user.uid) \(geteuid()) 1\n"))
        config.gid_map = UnsafePointer(try strings.copy("\(spec.user.gid) \(getegid()) 1\n"))
        config.clear_groups = privileged ? 1 : 0
        config.uid = spec.user.uid
        config.gid = spec.user.gid
        config.hostname = UnsafePointer(try strings.copy(spec.hostname))
        config.root = UnsafePointer(try strings.copy(root))
        config.operation_count = operations.count
        config.working_directory = UnsafePointer(try strings.copy(spec.workingDirectory))
        config.stdin_fd = input
        config.stdout_fd = spec.standardOutput
        config.stderr_fd = spec.standardError
        config.executable = UnsafePointer(try strings.copy(spec.builder))
        config.interactive = spec.session == .interactive ? 1 : 0
        config.status_fd = statusFD
        config.keep_capabilities = spec.keptCapabilities.reduce(0) { $0 | (1 << UInt64($1)) }

        var pid: pid_t = 0
        var failure = cairn_sandbox_failure()
        let started = operations.withUnsafeBufferPointer { operations in
            argv.withUnsafeBufferPointer { argv in
                envp.withUnsafeBufferPointer { envp in
                    config.operations = operations.baseAddress
                    config.argv = argv.baseAddress
                    config.envp = envp.baseAddress
                    return cairn_sandbox_spawn(&config, &pid, &failure)
                }
            }
        }
        if started == 0 { return pid }
        throw error(for: failure, spec: spec, plan: plan, root: root, privileged: privileged)
    }

    /// Whether this process may map other ids and keep setgroups (root with
    /// CAP_SETUID and CAP_SETGID). Root without them, as in a container
    /// (`cairn shell -C -W`), maps like an ordinary user.
    private static let holdsIdentityCapabilities: Bool = {
        guard let status = try? FileSystem.readFile("/proc/self/status"),
              let text = String(validating: status, as: UTF8.self),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(String(line.dropFirst("CapEff:".count).filter { !$0.isWhitespace }), radix: 16) else { return true }
        let setgid: UInt64 = 1 << 6, setuid: UInt64 = 1 << 7
        return mask & (setgid | setuid) == (setgid | setuid)
    }()

    private static func kind(_ value: cairn_sandbox_operation_kind) -> Int32 {
        Int32(bitPattern: value.rawValue)
    }

    /// The typed error for a step the C side reported.
    private static func error(
        for failure: cairn_sandbox_failure, spec: SandboxSpec, plan: RootPlan, root: String, privileged: Bool
    ) -> SandboxError {
        let code = failure.error
        let index = Int(failure.index)
        func setup(_ step: String) -> SandboxError {
            let restriction = code == EPERM || code == EACCES
                ? NamespaceRestriction.detect(privileged: privileged) : nil
            return .setupFailed(step: step, code: code, restriction: restriction)
        }
        func refused(_ operation: String) -> SandboxError {
            .namespacesUnavailable(operation: operation, code: code,
                                   restriction: NamespaceRestriction.detect(privileged: privileged))
        }
        switch cairn_sandbox_step(rawValue: UInt32(bitPattern: failure.step)) {
        case CAIRN_SANDBOX_STEP_CLONE: return refused("clone")
        case CAIRN_SANDBOX_STEP_SETGROUPS_FILE: return refused("writing the user namespace's setgroups file")
        case CAIRN_SANDBOX_STEP_UID_MAP: return refused("writing the user namespace's uid map")
        case CAIRN_SANDBOX_STEP_GID_MAP: return refused("writing the user namespace's gid map")
        case CAIRN_SANDBOX_STEP_PREPARE: return setup("preparing to start the builder")
        case CAIRN_SANDBOX_STEP_WAIT_FOR_PARENT: return setup("releasing the builder")
        case CAIRN_SANDBOX_STEP_IDENTITY:
            let steps = ["dropping the supplementary groups", "switching to the build group \(spec.user.gid)",
                         "switching to the build user \(spec.user.uid)", "starting a session"]
            return setup(steps.indices.contains(index) ? steps[index] : "switching to the build user")
        case CAIRN_SANDBOX_STEP_HOSTNAME: return setup("setting the host name '\(spec.hostname)'")
        case CAIRN_SANDBOX_STEP_PRIVATE_MOUNTS: return setup("making the mounts private")
        case CAIRN_SANDBOX_STEP_ROOT_TMPFS: return setup("mounting a tmpfs for the root at '\(root)'")
        case CAIRN_SANDBOX_STEP_OPERATION:
            return setup(plan.steps.indices.contains(index) ? plan.steps[index].description : "preparing the root")
        case CAIRN_SANDBOX_STEP_LOOPBACK: return setup("bringing up the loopback interface")
        case CAIRN_SANDBOX_STEP_PIVOT_ROOT: return setup("switching to the new root (pivot_root)")
        case CAIRN_SANDBOX_STEP_WORKING_DIRECTORY: return .workingDirectoryUnavailable(spec.workingDirectory, code: code)
        case CAIRN_SANDBOX_STEP_STANDARD_STREAMS: return setup("connecting the standard streams")
        case CAIRN_SANDBOX_STEP_CLOSE_DESCRIPTORS: return setup("closing the inherited file descriptors")
        case CAIRN_SANDBOX_STEP_CAPABILITIES: return setup("dropping the capabilities")
        case CAIRN_SANDBOX_STEP_PARENT_DEATH_SIGNAL: return setup("setting the parent-death signal")
        case CAIRN_SANDBOX_STEP_EXECUTE: return .builderNotRunnable(spec.builder, code: code)
        case CAIRN_SANDBOX_STEP_FORK: return setup("starting the program under the container's init")
        default: return setup("starting the builder")
        }
    }
}

/// C copies of the strings handed to the child, alive until spawning returns.
private final class CStrings {
    private var storage: [UnsafeMutablePointer<CChar>] = []

    func copy(_ text: String) throws -> UnsafeMutablePointer<CChar> {
        try copy(bytes: Array(text.utf8))
    }

    /// NUL-terminated; `bytes` may hold anything but the child only reads
    /// the given length for file contents.
    func copy(bytes: [UInt8]) throws -> UnsafeMutablePointer<CChar> {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        bytes.withUnsafeBufferPointer { source in
            for (offset, byte) in source.enumerated() { pointer[offset] = CChar(bitPattern: byte) }
        }
        pointer[bytes.count] = 0
        storage.append(pointer)
        return pointer
    }

    deinit {
        for pointer in storage { pointer.deallocate() }
    }
}
