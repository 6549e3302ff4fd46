import Basics
import Glibc
import Profiles

/// `cairn shell --check`: starts the user's shell as an interactive shell in
/// the environment, lets its startup files run, and says which of the
/// environment's variables they change (a `PATH=…` in ~/.bashrc is the usual
/// culprit: the environment's programs are then not found).
enum ShellCheck {
    /// Warns for each variable of `expected` the shell's startup files change;
    /// returns those names.
    @discardableResult
    static func run(shell: String, environment: [String: String], expected: [String]) -> [String] {
        Diagnostics.info("checking the environment variables visible from shell '\(shell)'...")
        guard let seen = environmentSeen(by: shell, environment: environment) else {
            Diagnostics.warning("could not run '\(shell)' to check the variables it sees")
            return []
        }
        let clobbered = expected.filter { seen[$0] != environment[$0] }
        for name in clobbered {
            Diagnostics.warning("variable '\(name)' is changed by the startup files of '\(shell)'")
        }
        if clobbered.isEmpty {
            Diagnostics.info("all is well: the shell sees the environment's variables")
        } else {
            Diagnostics.writeStandardError(
                "hint: a startup file (such as ~/.bashrc) sets them; set them in ~/.profile or ~/.bash_profile instead, which only login shells read\n")
        }
        return clobbered
    }

    /// The variables an interactive `shell` has once its startup files ran.
    static func environmentSeen(by shell: String, environment: [String: String]) -> [String: String]? {
        // `env` as the caller finds it: the environment may not have one.
        let caller = ProcessEnvironment.value("PATH") ?? "/usr/bin:/bin"
        guard let env = ShellExec.resolve("env", path: caller) ?? ShellExec.resolve("env", path: environment["PATH"] ?? ""),
              let program = ShellExec.resolve(shell, path: environment["PATH"] ?? caller) else { return nil }
        var template = Array(((ProcessEnvironment.value("TMPDIR") ?? "/tmp") + "/cairn-check-XXXXXX").utf8CString)
        // Close-on-exec: nothing of this check may reach the user's shell.
        let output = mkstemp(&template)
        guard output >= 0 else { return nil }
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
        let outputPath = String(cString: template)
        defer { close(output); unlink(outputPath) }
        var script: [Int32] = [-1, -1]
        guard pipe(&script) == 0 else { return nil }
        for end in script { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let text = "'\(env)' -0 > '\(outputPath)'; exit\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(script[1], $0.baseAddress, $0.count - 1) }
        close(script[1])
        defer { close(script[0]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, script[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = [strdup(program), strdup("-i"), nil]
        let envp = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // A session of its own: the interactive shell must not take the
        // caller's terminal (POSIX_SPAWN_SETSID, 0x80, which Swift does not import).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)
        var pid: pid_t = 0
        guard posix_spawn(&pid, program, &actions, &attributes, argv, envp) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard let bytes = try? FileSystem.readFile(outputPath), !bytes.isEmpty else { return nil }
        var seen: [String: String] = [:]
        for entry in bytes.split(separator: 0) {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            seen[String(decoding: entry[..<equals], as: UTF8.self)] = String(decoding: entry[(equals + 1)...], as: UTF8.self)
        }
        return seen
    }
}
