import Basics
import Foundation
import Glibc
import Store
import StoreFormats
import Testing

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

enum Tools {
    /// The test bundle and `cairn` are built into the same directory.
    static let cairn: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("cairn").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("cairn").path
    }()

    static func which(_ tool: String) -> String? {
        for dir in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Starts a process with stdout and stderr in files; `finish` collects them.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let scratch = "/tmp/cairn-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
        FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/err"))
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        return Running(process: process, scratch: scratch)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try start(executable, arguments, environment: environment).finish()
    }
}

final class Running: @unchecked Sendable {
    let process: Process
    let scratch: String

    init(process: Process, scratch: String) {
        self.process = process
        self.scratch = scratch
    }

    func finish() throws -> ProcessResult {
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return ProcessResult(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: scratch + "/out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: scratch + "/err", encoding: .utf8)) ?? "")
    }

    var stderrSoFar: String { (try? String(contentsOfFile: scratch + "/err", encoding: .utf8)) ?? "" }
}

/// A temporary store holding a shell tree (the host's dash and a few
/// coreutils with the libraries `ldd` lists and the dynamic loader, laid out
/// as an FHS tree): derivations name it as their FHS root, as derivations
/// built with the Debian seed will. Nothing of the host is bound otherwise.
final class BuildStore: @unchecked Sendable {
    static let programs = ["sh", "cat", "date", "sleep", "chmod", "mkdir", "touch", "ln", "head", "id", "ls", "rm"]

    let root: String
    let store: LocalStore
    let shell: StorePath
    var storeDirectory: StoreDirectory { store.storeDirectory }

    init(_ label: String) throws {
        root = "/tmp/cairn-builder-test-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o755)
        store = try LocalStore(layout: StoreLayout(
            storeDirectory: try StoreDirectory(root + "/store"), stateDirectory: root + "/var"))
        shell = try store.add(try Self.makeShellTree(in: root + "/shell-tree"), name: "shell-tree")
    }

    deinit {
        _ = try? FileSystem.removeTree(root)
    }

    var environment: [String: String] { ["CAIRN_STORE_DIR": root + "/store", "CAIRN_STATE_DIR": root + "/var"] }

    func absolute(_ path: StorePath) -> String { store.absolute(path) }

    static func makeShellTree(in tree: String) throws -> String {
        let manager = FileManager.default
        try manager.createDirectory(atPath: tree + "/bin", withIntermediateDirectories: true)
        var libraries: Set<String> = []
        for program in programs {
            guard let host = Tools.which(program) else { continue }
            try manager.copyItem(atPath: URL(fileURLWithPath: host).resolvingSymlinksInPath().path, toPath: tree + "/bin/" + program)
            let ldd = try Tools.run("/usr/bin/ldd", [host])
            for line in ldd.lines {
                for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) where word.hasPrefix("/") { libraries.insert(String(word)) }
            }
        }
        for library in libraries {
            let destination = tree + library
            try manager.createDirectory(atPath: FileSystem.directoryName(destination), withIntermediateDirectories: true)
            if !manager.fileExists(atPath: destination) {
                try manager.copyItem(atPath: URL(fileURLWithPath: library).resolvingSymlinksInPath().path, toPath: destination)
            }
        }
        return tree
    }

    /// Registers a derivation running `script` with the shell tree's `/bin/sh`.
    @discardableResult
    func derivation(
        _ name: String, _ script: String, outputs: [String] = ["out"], inputs: [StorePath: Set<String>] = [:],
        sources: [StorePath] = [], environment: [String: String] = [:], fixed: FixedOutputHash? = nil
    ) throws -> StorePath {
        var env = ["name": name, "system": "x86_64-linux", "builder": "/bin/sh", "PATH": "/bin",
                   "__cairnFHSRoot": absolute(shell)]
        if outputs != ["out"] { env["outputs"] = outputs.joined(separator: " ") }
        for (key, value) in environment { env[key] = value }
        var derivation = Derivation(
            name: name, outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0, DerivationOutput()) }),
            inputDerivations: inputs, inputSources: Set(sources + [shell]),
            system: "x86_64-linux", builder: "/bin/sh", arguments: ["-c", script], environment: env)
        if let fixed {
            derivation.outputs["out"] = DerivationOutput(fixed: fixed)
            env["outputHash"] = fixed.hash.encoded(.nixBase32, withAlgorithm: false)
            env["outputHashAlgo"] = fixed.hash.algorithm.rawValue
            env["outputHashMode"] = fixed.method == .recursive ? "recursive" : "flat"
            derivation.environment = env
        }
        var hasher = store.derivationHasher()
        return try store.addDerivation(try hasher.fillingOutputs(of: derivation))
    }

    func outputs(of drv: StorePath) throws -> [String: StorePath] {
        try store.readDerivation(at: drv).outputs.compactMapValues(\.path)
    }

    func output(_ drv: StorePath, _ name: String = "out") throws -> String {
        absolute(try #require(try outputs(of: drv)[name]))
    }

    @discardableResult
    func cairn(_ arguments: [String]) throws -> ProcessResult {
        try Tools.run(Tools.cairn, arguments, environment: environment)
    }

    func build(_ drvs: StorePath..., options: [String] = []) throws -> ProcessResult {
        try cairn(["build"] + options + drvs.map(absolute))
    }

    func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))
    }

    /// Whether the database lists `path` (asked afresh, as the builds ran in other processes).
    func isValid(_ path: String) throws -> Bool {
        try store.isValid(try storeDirectory.parse(path))
    }

    func logFiles() -> [String] {
        let base = root + "/var/log/drvs"
        return (FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".bz2") }
    }
}
