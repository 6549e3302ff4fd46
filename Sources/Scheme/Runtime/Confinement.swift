#if canImport(Glibc)
import Glibc
#endif

/// What host-side evaluation may touch while it runs code from the network
/// (channels) or a user's manifest: files under `readableRoots` can be read;
/// nothing can be written, no program run, and cairn's own environment not
/// changed. The build-side runner never sets one: the build sandbox confines
/// builds, and they must write and run programs.
///
///     runtime.confinement = Confinement(readableRoots: [storeDirectory, channelDirectory, manifestDirectory])
package struct Confinement: Sendable, Equatable {
    /// Directories whose files (at any depth) may be read. Checked after
    /// symlinks and `..` are resolved, so a link inside a root to a file
    /// outside it does not make that file readable.
    package var readableRoots: [String]

    package init(readableRoots: [String]) {
        self.readableRoots = readableRoots
    }
}

/// One thing confined code tried to do, with the message and hint the user sees.
package enum ConfinementViolation: Equatable {
    /// `path` as the code named it; `resolved` where it really points.
    case read(path: String, resolved: String, readableRoots: [String])
    case write(path: String)
    /// The call as written, e.g. `(system* "touch" "/tmp/x")`.
    case runProgram(call: String)
    case changeEnvironment(call: String)

    static let prefix = "evaluation is confined: channel and manifest code cannot "

    package var message: String {
        switch self {
        case .read(let path, let resolved, _):
            // Naming the target of a symlink or `..` explains a refusal of a
            // path that looks as if it were inside a readable directory.
            let target = resolved == path ? "" : " (it resolves to \(resolved))"
            return Self.prefix + "read \(path)\(target)"
        case .write(let path): return Self.prefix + "write \(path)"
        case .runProgram(let call): return Self.prefix + "run programs \(call)"
        case .changeEnvironment(let call): return Self.prefix + "change the environment \(call)"
        }
    }

    package var hint: String {
        switch self {
        case .read(_, _, let roots):
            let listed = roots.isEmpty ? "none here" : roots.joined(separator: ", ")
            return "only files under the channels' and the manifest's directories and the store can be read (\(listed)); "
                + "copy the file next to the manifest and name it relative to it, e.g. (local-file \"name\")"
        case .write:
            return "evaluation only describes what to build; files are written by builds: "
                + "use plain-file, computed-file or a gexp, whose builder writes its output"
        case .runProgram:
            return "programs run at build time, inside the build sandbox: call them in a gexp "
                + "(computed-file, a build phase) instead"
        case .changeEnvironment:
            return "cairn's environment is not channel code's to change: give a build its variables "
                + "in its gexp (setenv there) or with #:env-vars"
        }
    }

    var schemeError: SchemeError {
        var error = SchemeError(.misc, who: "confinement", message: message, hint: hint)
        error.reportsAtToplevelForm = true
        return error
    }

    /// `(name arg …)` as a call, shortened: what `runProgram` and
    /// `changeEnvironment` show.
    static func call(_ name: String, _ arguments: [Value]) -> String {
        let written = arguments.prefix(8).map { $0.written(limit: 60) }
        let more = arguments.count > 8 ? " …" : ""
        return "(" + ([name] + written).joined(separator: " ") + more + ")"
    }
}

extension SchemeError {
    /// Whether the position or a backtrace frame is in the file named `file`.
    func mentions(_ file: String) -> Bool {
        location?.file.name == file || backtrace.contains { $0.location?.file.name == file }
    }
}

extension Runtime {
    /// Throws when confined code may not read `path`: outside the readable
    /// roots once symlinks and `..` are resolved. Free when not confined.
    @inline(__always)
    package func ensureReadable(_ path: String) throws {
        guard let confinedPaths else { return }
        try confinedPaths.ensureReadable(path)
    }

    /// Throws when confined: confined code writes nothing, anywhere.
    @inline(__always)
    package func ensureWritable(_ path: String) throws {
        guard confinedPaths != nil else { return }
        throw ConfinementViolation.write(path: path).schemeError
    }

    /// Throws `violation` when confined.
    package func ensureUnconfined(_ violation: @autoclosure () -> ConfinementViolation) throws {
        guard confinedPaths != nil else { return }
        throw violation().schemeError
    }

    /// Applies a new confinement (nil lifts it): resolves the roots once and,
    /// the first time, installs the refusing stand-ins for procedures that
    /// only the build side has.
    func applyConfinement(_ confinement: Confinement?) {
        confinedPaths = confinement.map { ConfinedPaths(readableRoots: $0.readableRoots) }
        guard confinement != nil, !confinementStubsInstalled else { return }
        confinementStubsInstalled = true
        SchemeExecution.exclusively { Libraries.installConfinementStubs(self) }
    }
}

/// Decides whether a path lies under the readable roots, as the kernel would
/// resolve it. Module loading checks every file, so the realpath of each
/// directory is cached and a file that is not a symlink costs one `lstat`.
final class ConfinedPaths {
    let roots: [String]
    private let givenRoots: [String]
    private var resolvedDirectories: [String: String] = [:]

    init(readableRoots: [String]) {
        givenRoots = readableRoots
        roots = readableRoots.filter { !$0.isEmpty }.map { ConfinedPaths.resolve(absolute: ConfinedPaths.absolute($0)) }
    }

    func ensureReadable(_ path: String) throws {
        // The kernel would stop at a NUL, so the checked and the opened path
        // would differ.
        guard !path.utf8.contains(0) else {
            throw ConfinementViolation.read(path: path, resolved: path, readableRoots: givenRoots).schemeError
        }
        let resolved = resolve(path)
        guard !isUnderRoot(resolved) else { return }
        throw ConfinementViolation.read(path: path, resolved: resolved, readableRoots: givenRoots).schemeError
    }

    /// Compares bytes: Swift's `hasPrefix` equates canonically equivalent
    /// Unicode, but the kernel sees `é` and `e` + U+0301 as different names.
    func isUnderRoot(_ resolved: String) -> Bool {
        let path = resolved.utf8
        for root in roots {
            let prefix = root.utf8
            if prefix.elementsEqual([UInt8(ascii: "/")]) { return true }
            guard path.starts(with: prefix) else { continue }
            let rest = path.dropFirst(prefix.count)
            if rest.isEmpty || rest.first == UInt8(ascii: "/") { return true }
        }
        return false
    }

    /// Where `path` really points: symlinks and `..` resolved, as far as the
    /// path exists, and the rest taken as written.
    func resolve(_ path: String) -> String {
        let absolute = ConfinedPaths.absolute(path)
        let bytes = Array(absolute.utf8)
        // Fast path: a file that is no symlink, in a directory seen before.
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) {
            let name = bytes[(slash + 1)...]
            let isPlainName = !name.isEmpty && !name.elementsEqual([0x2E]) && !name.elementsEqual([0x2E, 0x2E])
            if isPlainName, let directory = resolvedDirectory(String(decoding: bytes[..<max(slash, 1)], as: UTF8.self)) {
                var info = stat()
                if lstat(absolute, &info) == 0, info.st_mode & S_IFMT != S_IFLNK {
                    return (directory == "/" ? "" : directory) + "/" + String(decoding: name, as: UTF8.self)
                }
            }
        }
        return ConfinedPaths.resolve(absolute: absolute)
    }

    private func resolvedDirectory(_ directory: String) -> String? {
        if let known = resolvedDirectories[directory] { return known }
        guard let resolved = ConfinedPaths.realPath(directory) else { return nil }
        resolvedDirectories[directory] = resolved
        return resolved
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return "/" + path }
        defer { free(cwd) }
        return String(cString: cwd) + "/" + path
    }

    /// The realpath of the longest prefix that exists, then the remaining
    /// components with `.` and `..` applied. A path whose realpath fails
    /// cannot be opened for reading either, so this only needs to be exact
    /// for paths that exist.
    static func resolve(absolute: String) -> String {
        if let whole = realPath(absolute) { return whole }
        var components = Array(absolute.utf8).split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
        var rest: [String] = []
        while let last = components.popLast() {
            rest.insert(last, at: 0)
            if let prefix = realPath("/" + components.joined(separator: "/")) {
                return normalise(prefix, rest)
            }
        }
        return normalise("/", rest)
    }

    private static func normalise(_ base: String, _ rest: [String]) -> String {
        var parts = Array(base.utf8).split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
        for component in rest {
            switch component {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(component)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
