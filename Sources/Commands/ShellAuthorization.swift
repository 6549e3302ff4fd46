import Basics
import Glibc
import Packages

/// `cairn shell` with nothing to put in the environment loads the working
/// directory's `manifest.scm` or `cairn.scm`, code that runs with the
/// user's rights: only from directories the user listed, one per line, in
/// `~/.config/cairn/shell-authorized-directories` (as Guix does).
enum ShellAuthorization {
    static var listFile: String? {
        if let config = ProcessEnvironment.value("XDG_CONFIG_HOME"), config.hasPrefix("/") {
            return config + "/cairn/shell-authorized-directories"
        }
        return ProcessEnvironment.value("HOME").map { $0 + "/.config/cairn/shell-authorized-directories" }
    }

    static func useWorkingDirectoryFiles(_ request: inout ShellRequest) throws {
        let directory = ProcessEnvironment.currentDirectory
        let manifest = directory + "/manifest.scm", package = directory + "/cairn.scm"
        let found = FileSystem.exists(manifest) ? manifest : FileSystem.exists(package) ? package : nil
        guard let found else {
            throw ShellCommandError.nothingGiven(directory: directory)
        }
        guard isAuthorized(directory) else {
            throw ShellError.notAuthorized(directory: directory, file: FileSystem.baseName(found))
        }
        Diagnostics.info("loading environment from '\(found)'...")
        if found == manifest {
            request.manifestFiles = [manifest]
        } else {
            request.developmentFiles = [package]
        }
    }

    /// Whether `directory` (or a directory it is the real path of) is listed.
    static func isAuthorized(_ directory: String) -> Bool {
        guard let listFile, let bytes = try? FileSystem.readFile(listFile) else { return false }
        let real = realPath(directory)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").contains { line in
            let entry = String(line).trimmingTrailingSlashes
            guard entry.hasPrefix("/") else { return false }
            return entry == directory || realPath(entry) == real
        }
    }

    private static func realPath(_ path: String) -> String {
        FileSystem.realPath(path) ?? path
    }
}

enum ShellCommandError: UserFacingError {
    case nothingGiven(directory: String)

    var message: String {
        switch self {
        case .nothingGiven(let directory): "no packages given, and no manifest.scm or cairn.scm in \(directory)"
        }
    }

    var hint: String? { "give packages (cairn shell hello), a manifest (-m FILE) or a file (-f FILE)" }
}

extension String {
    fileprivate var trimmingTrailingSlashes: String {
        var text = self
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
