import Basics
import Foundation
import Packages
import Scheme
import Store
import StoreFormats
import Testing

/// A temporary store and an evaluator over it; `run` evaluates Scheme on a
/// large stack and returns the last value written, or "error: MESSAGE".
final class EvaluationFixture {
    let root: String
    let store: LocalStore
    let evaluator: Evaluator

    /// The repository's channel directory.
    static let channel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("channel").path

    init(_ label: String, root fixed: String? = nil, loadPath: [String] = [EvaluationFixture.channel]) throws {
        root = fixed ?? "/tmp/cairn-packages-test-\(label)-\(UUID().uuidString.prefix(8))"
        _ = try? FileSystem.removeTree(root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        store = try LocalStore(layout: StoreLayout(storeDirectory: try StoreDirectory(root + "/store"), stateDirectory: root + "/var"))
        evaluator = Evaluator(interpreter: Interpreter(loadPath: loadPath), session: StoreSession(store: store, system: "x86_64-linux"))
    }

    deinit { _ = try? FileSystem.removeTree(root) }

    var storeDirectory: String { root + "/store" }

    func run(_ text: String) -> String {
        let evaluator = evaluator
        let result: Result<Value, any Error> = StackGuard.withLargeStack { Result { try evaluator.evaluate(expression: text) } }
        switch result {
        case .success(let value): return value.written()
        case .failure(let error as SchemeError): return "error: " + error.message
        case .failure(let error): return "error: \(error)"
        }
    }

    /// Runs `text`, whose value must be a string, and returns it unquoted.
    func string(_ text: String) throws -> String {
        let written = run(text)
        guard written.hasPrefix("\""), written.hasSuffix("\"") else { throw TestFailure(written) }
        return String(written.dropFirst().dropLast())
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Nix (Debian nix-bin) evaluating in the same logical store directory, its
/// own files elsewhere.
enum Nix {
    static let path = ["/usr/bin/nix-instantiate", "/usr/local/bin/nix-instantiate"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The JSON value of `expression`, evaluated strictly.
    static func evaluate(_ expression: String, storeDirectory: String, scratch: String) throws -> Any {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/nix-instantiate")
        process.arguments = ["--store", "local?store=\(storeDirectory)&real=\(scratch)/nix/store&state=\(scratch)/nix/var&log=\(scratch)/nix/log",
                             "--eval", "--strict", "--json", "--read-write-mode", "-E", expression]
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in ["NIX_STORE_DIR": storeDirectory, "NIX_STATE_DIR": scratch + "/nix/var", "NIX_LOG_DIR": scratch + "/nix/log",
                             "NIX_CONF_DIR": scratch + "/nix/etc", "HOME": scratch + "/nix/home"] { environment[key] = value }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("nix-instantiate failed on \(expression)") }
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}
