import Basics
import Glibc

/// The channel's git repository as authentication reads it: plumbing
/// commands only, several objects per git process (a long history means
/// thousands of commits, and one process per object would dominate).
struct AuthenticationRepository {
    let channel: String
    let path: String
    private let git: String
    private let environment: [String: String]
    private let scratch: AuthenticationScratch

    init(channel: String, path: String, scratch: AuthenticationScratch) throws(ChannelAuthenticationError) {
        guard let git = AuthenticationProcess.executable(named: "git") else {
            throw ChannelAuthenticationError(channel: channel, .toolMissing(
                program: "git", package: "git", purpose: "to read the channel's commits"))
        }
        self.channel = channel
        self.path = path
        self.git = git
        self.environment = AuthenticationProcess.environment
        self.scratch = scratch
    }

    /// Runs `git -C REPOSITORY ARGUMENTS`, whatever its exit status.
    func run(_ arguments: [String], input: [UInt8]? = nil) throws(ChannelAuthenticationError) -> ToolOutput {
        var inputFile: String?
        if let input {
            do { inputFile = try scratch.file(input, named: "git-input") } catch {
                throw ChannelAuthenticationError(channel: channel, .system(error as? SystemError ?? SystemError("write", scratch.path)))
            }
        }
        defer { if let inputFile { unlink(inputFile) } }
        guard let result = AuthenticationProcess.run(git, ["-C", path] + arguments, inputFile: inputFile,
                                                     environment: environment) else {
            throw ChannelAuthenticationError(channel: channel, .gitFailed(
                command: arguments.joined(separator: " "), detail: "cannot start '\(git)'"))
        }
        return result
    }

    /// Standard output of a git command that must succeed.
    func output(_ arguments: [String], input: [UInt8]? = nil) throws(ChannelAuthenticationError) -> [UInt8] {
        let result = try run(arguments, input: input)
        guard result.status == 0 else { throw failure(arguments, result) }
        return result.output
    }

    func failure(_ arguments: [String], _ result: ToolOutput) -> ChannelAuthenticationError {
        let detail = result.firstErrorLine
        return ChannelAuthenticationError(channel: channel, .gitFailed(
            command: arguments.prefix(3).joined(separator: " "),
            detail: detail.isEmpty ? "exit status \(result.status)" : detail))
    }

    /// The full id of the commit `name` designates; nil when there is none.
    func commit(named name: String) throws(ChannelAuthenticationError) -> String? {
        // A name starting with '-' would be read as an option; no ref or id does.
        guard !name.hasPrefix("-"), !name.isEmpty else { return nil }
        let result = try run(["rev-parse", "--verify", "--quiet", name + "^{commit}"])
        guard result.status == 0 else { return nil }
        let id = result.text.trimmingSpaces()
        return Self.isObjectID(id) ? id : nil
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    func isAncestor(_ ancestor: String, of descendant: String) throws(ChannelAuthenticationError) -> Bool {
        let arguments = ["merge-base", "--is-ancestor", ancestor, descendant]
        let result = try run(arguments)
        switch result.status {
        case 0: return true
        case 1: return false
        default: throw failure(arguments, result)
        }
    }

    /// Full ids, one a line.
    func objectIDs(_ arguments: [String], input: [UInt8]? = nil) throws(ChannelAuthenticationError) -> [String] {
        let text = String(decoding: try output(arguments, input: input), as: UTF8.self)
        return text.split(separator: "\n").map(String.init).filter(Self.isObjectID)
    }

    /// For each name (an id or `REV:PATH`), its object's id and type, or nil
    /// when there is no such object.
    func lookUp(_ names: [String]) throws(ChannelAuthenticationError) -> [(id: String, type: String)?] {
        guard !names.isEmpty else { return [] }
        let input = Array(names.map { $0 + "\n" }.joined().utf8)
        let text = String(decoding: try output(["cat-file", "--batch-check=%(objectname) %(objecttype)"], input: input),
                          as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(names.count)
        return lines.map { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2, Self.isObjectID(String(fields[0])) else { return nil }
            return (String(fields[0]), String(fields[1]))
        }
    }

    /// The contents of objects known to exist, with their types.
    func objects(_ ids: [String]) throws(ChannelAuthenticationError) -> [String: (type: String, bytes: [UInt8])] {
        guard !ids.isEmpty else { return [:] }
        let arguments = ["cat-file", "--batch"]
        let output = try output(arguments, input: Array(ids.map { $0 + "\n" }.joined().utf8))
        var result: [String: (type: String, bytes: [UInt8])] = [:]
        var index = 0
        while index < output.count {
            // "<id> <type> <size>\n<contents>\n", or "<name> missing\n".
            guard let newline = output[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: output[index..<newline], as: UTF8.self).split(separator: " ")
            index = newline + 1
            guard header.count == 3, let size = Int(header[2]), size >= 0, index + size <= output.count else {
                if header.count == 2 && header[1] == "missing" { continue }
                throw ChannelAuthenticationError(channel: channel, .gitFailed(
                    command: arguments.joined(separator: " "), detail: "unexpected output '\(header.joined(separator: " "))'"))
            }
            result[String(header[0])] = (String(header[1]), Array(output[index..<index + size]))
            index += size + 1
        }
        return result
    }

    static func isObjectID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
        }
    }
}
