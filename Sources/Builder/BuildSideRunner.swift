import Basics
import Glibc
import Sandbox
import Synchronization

/// How `builtin:scheme` derivations run: the build-side runner
/// (`cairn-builder`, ARCHITECTURE.md §1.5, §4) inside the sandbox, started
/// through the host's dynamic loader with the host libraries it links
/// against, all bound under a private directory. So it works whatever glibc
/// the FHS root (the Debian seed) has, and the programs it runs use the
/// seed's.
///
/// The derivation's arguments go to the runner: `-L DIR`… then the script.
package struct BuildSideRunner: Sendable {
    package static let builderName = "builtin:scheme"
    /// Where the runner, its loader and libraries appear inside the sandbox.
    static let insideDirectory = "/.cairn-runner"

    /// Host paths (symbolic links resolved).
    let executable: String
    let loader: String
    /// Shared objects by the name the loader looks for (their soname).
    let libraries: [(name: String, path: String)]

    private static let cache = Mutex<[String: BuildSideRunner]>([:])

    /// The runner next to this `cairn` (`cairn-builder`), or `$CAIRN_BUILDER_RUNNER`.
    package static func located() throws -> BuildSideRunner {
        let executable: String
        if let explicit = ProcessEnvironment.value("CAIRN_BUILDER_RUNNER"), !explicit.isEmpty {
            executable = explicit
        } else {
            let own = (try? FileSystem.readLink("/proc/self/exe")) ?? ""
            executable = FileSystem.directoryName(own) + "/cairn-builder"
        }
        if let known = cache.withLock({ $0[executable] }) { return known }
        guard let real = FileSystem.realPath(executable), access(real, X_OK) == 0 else { throw RunnerError.missing(executable) }
        let runner = try inspect(real)
        cache.withLock { $0[executable] = runner }
        return runner
    }

    /// The loader is the one this process was started with; the libraries
    /// are what it resolves for the runner (`ld.so --list`, which is `ldd`).
    private static func inspect(_ executable: String) throws -> BuildSideRunner {
        guard let loader = ownLoader() else { throw RunnerError.noLoader }
        let libraries = try sharedObjects(of: executable, loader: loader).libraries.map { ($0.name, $0.real) }
        return BuildSideRunner(executable: executable, loader: loader, libraries: libraries)
    }

    /// What `loader --list` (which is `ldd`) says `executable` loads: the
    /// interpreter as the program names it, and each library by soname, by
    /// the path the loader finds it at, and by its real path.
    package static func sharedObjects(of executable: String, loader: String)
        throws -> (interpreter: String?, libraries: [(name: String, listed: String, real: String)]) {
        let listing = try run(loader, ["--list", executable])
        var interpreter: String?
        var libraries: [(String, String, String)] = []
        for line in listing.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let first = words.first, first.hasPrefix("/"), words.count == 2 { interpreter = String(first); continue }
            guard words.count >= 3, words[1] == "=>", words[2].hasPrefix("/"), let real = FileSystem.realPath(String(words[2])) else { continue }
            libraries.append((String(words[0]), String(words[2]), real))
        }
        return (interpreter, libraries)
    }

    /// The dynamic loader this process was started with (its real path).
    package static func ownLoader() -> String? {
        guard let maps = String(validating: (try? FileSystem.readFile("/proc/self/maps")) ?? [], as: UTF8.self) else { return nil }
        let path = maps.split(separator: "\n").lazy.compactMap { line -> String? in
            guard let slash = line.firstIndex(of: "/") else { return nil }
            let path = String(line[slash...])
            return FileSystem.baseName(path).hasPrefix("ld-linux") ? path : nil
        }.first
        return path.flatMap(FileSystem.realPath)
    }

    /// Read-only bindings for the sandbox.
    func bindings() -> [SandboxSpec.Binding] {
        [SandboxSpec.Binding(executable, at: Self.insideDirectory + "/cairn-builder"),
         SandboxSpec.Binding(loader, at: Self.insideDirectory + "/ld.so")]
            + libraries.map { SandboxSpec.Binding($0.path, at: Self.insideDirectory + "/lib/" + $0.name) }
    }

    /// The program and arguments the sandbox runs for a derivation's arguments.
    func command(_ arguments: [String]) -> (program: String, arguments: [String]) {
        (Self.insideDirectory + "/ld.so",
         ["--library-path", Self.insideDirectory + "/lib", Self.insideDirectory + "/cairn-builder"] + arguments)
    }

    /// Runs `program` and returns its standard output (it must exit 0).
    private static func run(_ program: String, _ arguments: [String]) throws -> String {
        guard let result = Subprocess.output(program, arguments), result.status == 0 else {
            throw RunnerError.inspectionFailed(program)
        }
        return result.output
    }
}

package enum RunnerError: UserFacingError {
    case missing(String)
    case noLoader
    case inspectionFailed(String)

    package var message: String {
        switch self {
        case .missing(let path): "the build-side runner '\(path)' is missing or not executable"
        case .noLoader: "cannot find the dynamic loader this process runs with"
        case .inspectionFailed(let loader): "cannot list the libraries of the build-side runner with '\(loader) --list'"
        }
    }

    package var hint: String? {
        switch self {
        case .missing: "builds written in Scheme need cairn-builder next to cairn (swift build --product cairn-builder), or CAIRN_BUILDER_RUNNER set to it"
        case .noLoader, .inspectionFailed: nil
        }
    }

    package var description: String { message }
}
