import Glibc

/// Running a helper program and collecting what it prints (`ld.so --list`,
/// `git`, `gpgv`).
package enum Subprocess {
    package struct Result: Sendable {
        /// The exit status, or 128+N for a program killed by signal N.
        package var status: Int32
        package var output: String
        package var error: String

        package init(status: Int32, output: String, error: String) {
            self.status = status
            self.output = output
            self.error = error
        }
    }

    /// Exit status (128+N for signal N) and standard output; nil when the
    /// program cannot start. Standard input is /dev/null, standard error dropped.
    package static func output(_ program: String, _ arguments: [String]) -> (status: Int32, output: String)? {
        guard let result = run(program, arguments, captureError: false) else { return nil }
        return (result.status, result.output)
    }

    /// Runs `program` with `arguments`, the caller's environment with
    /// `environment` laid over it, and standard input from `inputFile` (else
    /// /dev/null). Nil when the program cannot start.
    package static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                            inputFile: String? = nil, captureError: Bool = true) -> Result? {
        var variables = ProcessEnvironment.all()
        for (name, value) in environment { variables[name] = value }
        guard let raw = run(program, arguments, completeEnvironment: variables, inputFile: inputFile, captureError: captureError) else {
            return nil
        }
        return Result(status: raw.status, output: String(decoding: raw.output, as: UTF8.self),
                      error: String(decoding: raw.error, as: UTF8.self))
    }

    /// Runs `program` with exactly `completeEnvironment`; its outputs as
    /// bytes. Both are collected at once, so neither can fill its pipe and
    /// stall the program. Input comes from a file rather than a pipe: a
    /// program that writes before it has read everything cannot deadlock.
    package static func run(_ program: String, _ arguments: [String], completeEnvironment: [String: String],
                            inputFile: String? = nil, captureError: Bool = true) -> (status: Int32, output: [UInt8], error: [UInt8])? {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { return nil }
        guard pipe(&err) == 0 else {
            close(out[0]); close(out[1])
            return nil
        }
        // Close-on-exec, so the program keeps only the copies made for it.
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        if captureError {
            posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = completeEnvironment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let started = posix_spawn(&pid, program, &actions, nil, argv, envp)
        close(out[1]); close(err[1])
        defer { close(out[0]); close(err[0]) }
        guard started == 0 else { return nil }
        var collected: [[UInt8]] = [[], []]
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open[0] || open[1] {
            var fds = [pollfd(fd: open[0] ? out[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open[1] ? err[0] : -1, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<2 where open[index] && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 { open[index] = false } else { collected[index] += buffer[..<count] }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, collected[0], collected[1])
    }

    /// The first executable called `name` on PATH.
    package static func find(_ name: String) -> String? {
        let path = ProcessEnvironment.value("PATH") ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { String($0) + "/" + name }.first { access($0, X_OK) == 0 }
    }
}
