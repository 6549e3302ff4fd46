import Basics
import Glibc
import Packages

/// Starting the shell's command: the process becomes it (exec), so its exit
/// status, its signals and the terminal are its own.
enum ShellExec {
    static func exec(_ arguments: [String], environment: [String: String]) throws -> Never {
        guard let name = arguments.first else { throw ShellError.commandNotFound("") }
        guard let program = resolve(name, path: environment["PATH"] ?? "") else {
            Diagnostics.error(ShellError.commandNotFound(name))
            exit(127)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        execve(program, argv, envp)
        let code = errno
        Diagnostics.error(SystemError("run", program, code: code))
        exit(code == ENOENT ? 127 : 126)
    }

    /// `name` looked up on the environment's PATH, as a shell would.
    static func resolve(_ name: String, path: String) -> String? {
        if name.contains("/") { return name }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0, !FileSystem.isDirectory(candidate) { return candidate }
        }
        return nil
    }

    /// This `cairn` (path, size, modification time): a rebuilt one starts a
    /// new cache generation, since its core may lower differently.
    static func executableIdentity() -> String {
        guard let path = try? FileSystem.readLink("/proc/self/exe"), let status = try? FileSystem.linkStatus(path) else { return "" }
        return "\(path):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }
}
