import Foundation
import Testing

/// Runs the built `cairn` and the Nix oracle as child processes, each test in
/// its own temporary store.

struct ProcessResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var signalled: Bool = false

    var output: String { String(decoding: stdout, as: UTF8.self) }
    var lines: [String] { output.split(separator: "\n").map(String.init) }
}

enum TestTools {
    /// The test bundle and `cairn` are built into the same directory.
    static let cairn: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // Swift Testing may run from inside the .xctest bundle.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("cairn").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("cairn").path
    }()

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static let nixAvailable = which("nix-store") != nil && which("nix-hash") != nil
    static let nixSkipReason: Comment = "skipped: Nix (Debian nix-bin) is not installed; the differential tests need it"

    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], stdin: URL? = nil, stdinData: Data? = nil,
        environment: [String: String] = [:], timeout: TimeInterval = 300
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        if let stdinData {
            let inURL = scratch.appendingPathComponent("in")
            try stdinData.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else if let stdin {
            process.standardInput = try FileHandle(forReadingFrom: stdin)
        } else {
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        }
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ProcessResult(
            status: process.terminationStatus,
            stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
            signalled: process.terminationReason == .uncaughtSignal)
    }
}

/// A temporary directory with a store, a state directory and room for inputs.
final class Sandbox: @unchecked Sendable {
    let root: URL
    var store: String { root.appendingPathComponent("store").path }
    var state: String { root.appendingPathComponent("var").path }

    init(_ label: String = "t") throws {
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("cairn-test-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        // Store items are read-only; make them writable to remove them.
        _ = try? TestTools.run("/bin/chmod", ["-R", "u+w", root.path])
        try? FileManager.default.removeItem(at: root)
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    var storeEnvironment: [String: String] { ["CAIRN_STORE_DIR": store, "CAIRN_STATE_DIR": state] }

    @discardableResult
    func cairn(_ arguments: [String], stdin: URL? = nil, stdinData: Data? = nil) throws -> ProcessResult {
        try TestTools.run(TestTools.cairn, arguments, stdin: stdin, stdinData: stdinData, environment: storeEnvironment)
    }

    /// Nix with the same logical store directory as Cairn but its own files
    /// (`real=`), so both can run on one machine without touching each other.
    @discardableResult
    func nix(_ tool: String, _ arguments: [String], stdin: URL? = nil, stdinData: Data? = nil) throws -> ProcessResult {
        let storeURI = "local?store=\(store)&real=\(path("nix/store"))&state=\(path("nix/var"))&log=\(path("nix/log"))"
        let usesStore = tool == "nix-store" || tool == "nix-instantiate" || tool == "nix"
        return try TestTools.run(
            TestTools.which(tool) ?? tool, (usesStore ? ["--store", storeURI] : []) + arguments,
            stdin: stdin, stdinData: stdinData,
            environment: ["NIX_CONF_DIR": path("nix/etc"), "NIX_STORE_DIR": store, "NIX_STATE_DIR": path("nix/var"),
                          "NIX_LOG_DIR": path("nix/log"), "HOME": path("nix/home")])
    }

    func write(_ relative: String, _ contents: String, executable: Bool = false) throws {
        try write(relative, Data(contents.utf8), executable: executable)
    }

    func write(_ relative: String, _ contents: Data, executable: Bool = false) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
    }

    func symlink(_ relative: String, to target: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(relative), withIntermediateDirectories: true)
    }
}

/// Deterministic pseudo-random bytes and trees, so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> Data {
        var array = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var word = next()
            for _ in 0..<min(8, count - i) {
                array[i] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                i += 1
            }
        }
        return Data(array)
    }

    static func bytes(seed: UInt64, count: Int) -> Data {
        var generator = SeededGenerator(seed: seed)
        return generator.bytes(count)
    }
}

enum TreeFactory {
    static let names = ["a", "B", "z.txt", "été", "日本語", "space name", "-dash", "x.y.z", "UPPER", "0"]

    /// A tree with regular, empty and executable files, symlinks (relative,
    /// absolute, dangling), nested and empty directories and non-ASCII names.
    static func make(in sandbox: Sandbox, at relative: String, seed: UInt64, largeFile: Int = 0) throws {
        var rng = SeededGenerator(seed: seed)
        try sandbox.mkdir(relative)
        func fill(_ dir: String, depth: Int) throws {
            let count = Int(rng.next() % 6) + 1
            var used: Set<String> = []
            for _ in 0..<count {
                let name = names[Int(rng.next() % UInt64(names.count))]
                guard used.insert(name).inserted else { continue }
                let path = dir + "/" + name
                switch rng.next() % 7 {
                case 0, 1:
                    let size = Int(rng.next() % 5000)
                    try sandbox.write(path, rng.bytes(size), executable: rng.next() % 3 == 0)
                case 2:
                    try sandbox.write(path, Data())
                case 3:
                    try sandbox.symlink(path, to: rng.next() % 2 == 0 ? "../\(name)" : "/nonexistent/target")
                case 4:
                    try sandbox.mkdir(path)
                default:
                    if depth < 4 {
                        try sandbox.mkdir(path)
                        try fill(path, depth: depth + 1)
                    } else {
                        try sandbox.write(path, "leaf \(depth)")
                    }
                }
            }
        }
        try fill(relative, depth: 0)
        if largeFile > 0 { try sandbox.write(relative + "/large.bin", rng.bytes(largeFile)) }
    }
}
