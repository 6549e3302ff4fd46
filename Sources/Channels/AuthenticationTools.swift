import Basics
import Glibc

/// What a helper program printed and how it ended.
struct ToolOutput {
    var status: Int32
    var output: [UInt8]
    var errors: [UInt8]

    var text: String { String(decoding: output, as: UTF8.self) }

    /// The first non-empty line of standard error, for messages.
    var firstErrorLine: String {
        String(decoding: errors, as: UTF8.self).split(separator: "\n")
            .map { $0.trimmingSpaces() }.first { !$0.isEmpty } ?? ""
    }
}

/// Running git, gpgv and ssh-keygen for authentication. Unlike
/// `Subprocess.output`, this feeds standard input, keeps standard error (its
/// first line explains a refusal) and controls the environment, so that a
/// caller's GIT_DIR or replace refs cannot change which objects get checked.
enum AuthenticationProcess {
    static func executable(named name: String) -> String? {
        Subprocess.find(name)
    }

    /// Runs `program` in `environment`; nil when it cannot be started.
    static func run(_ program: String, _ arguments: [String], inputFile: String? = nil,
                    environment: [String: String]) -> ToolOutput? {
        guard let result = Subprocess.run(program, arguments, completeEnvironment: environment, inputFile: inputFile) else { return nil }
        return ToolOutput(status: result.status, output: result.output, errors: result.error)
    }

    /// The environment helpers run in: the caller's, without the variables
    /// that would make git read another repository or substitute objects
    /// (replace refs, grafts), and with messages in the C locale so that
    /// what we parse does not depend on the user's language.
    static var environment: [String: String] {
        var environment = ProcessEnvironment.all().filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("LC_") }
        environment["GIT_NO_REPLACE_OBJECTS"] = "1"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        return environment
    }
}

/// A private directory for signatures, payloads and the keyring handed to
/// the verifiers; removed when the authentication run ends.
final class AuthenticationScratch {
    let path: String
    private var counter = 0

    init() throws {
        let parent = ProcessEnvironment.value("TMPDIR") ?? "/tmp"
        var template = Array("\(parent)/cairn-authentication-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemError("create a directory in", parent) }
        path = String(cString: made)
    }

    deinit { _ = try? FileSystem.removeTree(path) }

    /// Writes `bytes` to a new file here and returns its path.
    func file(_ bytes: [UInt8], named stem: String) throws -> String {
        counter += 1
        let file = "\(path)/\(stem)-\(counter)"
        let handle = try OpenFile(file, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        try handle.write(bytes)
        return file
    }
}
