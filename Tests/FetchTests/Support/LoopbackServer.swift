import Basics
import Fetch
import Foundation
import Glibc
import StoreFormats
import Synchronization
import Testing

/// The Python HTTP server of `loopback_server.py`, on 127.0.0.1 only, one
/// for the whole suite. It exits when this process closes its standard
/// input, so a crashed test run leaves no server behind.
final class LoopbackServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let input: Pipe

    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let skipReason: Comment = "skipped: python3 is not installed; the fetch tests serve HTTP with it on 127.0.0.1"

    static let shared: LoopbackServer? = try? LoopbackServer()

    private init() throws {
        guard let python = Self.python else { throw FixtureError("no python3") }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("loopback_server.py").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw FixtureError("the server printed no port") }
        self.port = port
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Requests the server has seen for a `flaky` key.
    func count(_ key: String) throws -> Int {
        // A raw HTTP/1.0 exchange: the test must not depend on the code it tests.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw FixtureError("cannot connect to the loopback server") }
        let file = OpenFile(adopting: dup(fd), path: "loopback")
        try file.write("GET /count/\(key) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        let response = String(decoding: try file.readAll(), as: UTF8.self)
        guard let split = response.range(of: "\r\n\r\n") else { throw FixtureError("no HTTP body") }
        return Int(response[split.upperBound...]) ?? -1
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/cairn-fetch-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { _ = try? FileSystem.removeTree(path) }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileSystem.createDirectories(FileSystem.directoryName(full))
        try FileSystem.writeAtomically(Array(text.utf8), to: full)
    }

    /// Everything in the directory, to check no temporary file was left.
    func contents() throws -> [String] { try FileSystem.entryNames(ofDirectory: path) }
}

/// Records every event; the large-body test also samples memory with it.
final class RecordingReporter: ProgressReporter {
    let events = Mutex<[FetchProgressEvent]>([])
    let sample: (@Sendable () -> Void)?

    init(sample: (@Sendable () -> Void)? = nil) { self.sample = sample }

    func report(_ event: FetchProgressEvent) {
        events.withLock { $0.append(event) }
        sample?()
    }
}

/// A configuration whose retries are quick, so failing paths test fast.
func quickConfiguration(
    mirrors: [String: [String]] = [:], contentAddressed: [String] = [], attempts: Int = 3
) -> FetchConfiguration {
    var configuration = FetchConfiguration(mirrors: mirrors, contentAddressedMirrors: contentAddressed)
    configuration.attemptsPerURL = attempts
    configuration.initialBackoff = .milliseconds(10)
    configuration.connectTimeout = .seconds(5)
    configuration.idleReadTimeout = .seconds(10)
    return configuration
}

func sha256(_ text: String) -> Hash { Hash.compute(.sha256, of: Array(text.utf8)) }

func readText(_ path: String) throws -> String { String(decoding: try FileSystem.readFile(path), as: UTF8.self) }

/// Resident memory of this process in bytes, from /proc/self/status.
func residentBytes() -> UInt64 {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let digits = line.filter(\.isNumber)
        return (UInt64(digits) ?? 0) * 1024
    }
    return 0
}
