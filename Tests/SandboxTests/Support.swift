import Basics
import Foundation
import Glibc
import Sandbox
import Synchronization
import Testing
import CSandbox

/// A temporary host directory for one test: build directory, outputs, inputs,
/// secrets and the log live here. World-traversable so a build running as
/// another user can reach what the test hands it.
final class Fixture: Sendable {
    let root: String

    init(_ name: String) throws {
        var template = Array("/tmp/cairn-sandbox-test-\(name)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemError("create a directory in", "/tmp") }
        root = String(cString: made)
        chmod(root, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    @discardableResult
    func directory(_ relative: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
        return path(relative)
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: FileSystem.directoryName(path(relative)), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(relative)))
        return path(relative)
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Hands the whole fixture to `uid` (for the unprivileged runs).
    func give(to uid: uid_t, _ gid: gid_t) throws {
        let enumerator = FileManager.default.enumerator(atPath: root)
        chown(root, uid, gid)
        while let relative = enumerator?.nextObject() as? String { lchown(path(relative), uid, gid) }
    }
}

/// A build with the host's /bin/sh and coreutils as read-only inputs, a build
/// directory and an output directory, the way a derivation's build will look.
struct ShellBuild: Sendable {
    static let buildDirectory = "/tmp/cairn-build-test-0"
    static let output = "/cairn/store/0123456789abcdfghijklmnpqrsvwxyz-test-out"
    /// The test decides the inputs: the host's tools, read-only. `/bin` and
    /// friends are symlinks on merged-/usr systems and are recreated as such.
    static let hostTools = ["/usr", "/bin", "/lib", "/lib64", "/sbin"]
        .filter { FileManager.default.fileExists(atPath: $0) }
        .map { SandboxSpec.Binding($0) }

    let fixture: Fixture
    var spec: SandboxSpec

    init(_ fixture: Fixture, script: String, shell: String = "/bin/sh") throws {
        self.fixture = fixture
        spec = SandboxSpec(
            builder: shell,
            arguments: ["-c", script],
            environment: ["PATH": "/usr/bin:/bin", "out": Self.output, "HOME": "/homeless-shelter",
                          "TMPDIR": Self.buildDirectory],
            workingDirectory: Self.buildDirectory,
            readOnlyPaths: Self.hostTools,
            writablePaths: [
                .init(try fixture.directory("build"), at: Self.buildDirectory),
                .init(try fixture.directory("out"), at: Self.output),
            ]
        )
    }

    /// Runs the build with stdout and stderr in a log file; returns how it
    /// ended and the log.
    func run() throws -> (SandboxTermination, String) {
        let log = try OpenFile(fixture.path("log"), flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o666)
        var spec = spec
        spec.standardOutput = log.fd
        spec.standardError = log.fd
        let termination = try spec.run()
        return (termination, fixture.read("log") ?? "")
    }
}

enum SandboxSupport {
    /// Nil when a trivial sandbox starts; otherwise why not. Only a refusal
    /// of namespaces by the kernel skips the tests: any other failure is a
    /// bug the tests must show.
    static let unavailableReason: String? = {
        guard let fixture = try? Fixture("probe"), let build = try? ShellBuild(fixture, script: "exit 0") else {
            return nil
        }
        do {
            _ = try build.run()
            return nil
        } catch let error as SandboxError {
            if case .namespacesUnavailable = error { return "\(error.message) (\(error.hint ?? ""))" }
            return nil
        } catch {
            return nil
        }
    }()

    static let available = unavailableReason == nil
    static var skipComment: Comment {
        "skipped: this kernel refuses the build sandbox's namespaces: \(unavailableReason ?? "")"
    }

    /// Command lines of the host's processes, to find any left behind by a build.
    static func hostProcesses(containing marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(marker) ? "\(pid): \(line)" : nil
        }
    }
}

/// A TCP listener on 127.0.0.1 in the test process (outside any sandbox).
/// Connections complete in the kernel's backlog, so nothing needs to accept.
final class LoopbackListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("open", "a socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { close(fd); throw SystemError("listen on", "127.0.0.1") }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}

/// Runs `body` on a thread of its own whose credentials are switched to
/// `uid`/`gid` (and no supplementary groups) with raw system calls, so only
/// that thread changes: the test process stays root for the other tests,
/// and the thread ends with the body.
///
/// Why not `setpriv` around a child process: the sandbox API runs in-process
/// and the package has no executable to run it with (and should not gain
/// one for tests). Per-thread credentials are what the kernel checks for
/// clone, the uid_map writes and every mount, so this exercises exactly the
/// unprivileged path: a process with a non-zero uid and no capabilities.
func onThread<T: Sendable>(asUser uid: uid_t, _ gid: gid_t, _ body: @escaping @Sendable () throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let code = cairn_sandbox_become_user_on_this_thread(uid, gid)
        if code != 0 {
            result.withLock { $0 = .failure(SystemError("switch this thread to uid \(uid) with", "setresuid", code: code)) }
        } else {
            result.withLock { $0 = Result { try body() } }
        }
        done.signal()
    }
    thread.start()
    done.wait()
    guard let outcome = result.withLock({ $0 }) else { throw SystemError("run a thread as", "uid \(uid)", code: EINVAL) }
    return try outcome.get()
}
