import Basics
import Fetch
import Foundation
import Glibc
import StoreFormats
import Synchronization
import Testing

/// Downloads from the loopback server: verification, redirects, failures,
/// retries, streaming. Nothing here leaves 127.0.0.1.
@Suite(.enabled(if: LoopbackServer.shared != nil, LoopbackServer.skipReason))
struct HTTPFetchTests {
    let server = LoopbackServer.shared!
    let directory: TemporaryDirectory
    var destination: String { directory.path + "/out" }

    init() throws { directory = try TemporaryDirectory() }

    private func fetch(
        _ urls: [String], hash: Hash, recursive: Bool = false, executable: Bool = false,
        configuration: FetchConfiguration = quickConfiguration(), progress: (any ProgressReporter)? = nil
    ) async throws {
        let request = FetchRequest(
            urls: urls, expectedHash: hash, recursive: recursive, executable: executable, name: "out")
        try await Fetcher(configuration: configuration, progress: progress).fetch(request, to: destination)
    }

    @Test("a verified flat sha256 download lands at the destination, mode 0644")
    func flatSHA256() async throws {
        try await fetch([server.url("echo/hello")], hash: sha256("hello"))
        #expect(try readText(destination) == "hello")
        #expect(try FileSystem.linkStatus(destination).map { $0.st_mode & 0o777 } == 0o644)
        #expect(try directory.contents() == ["out"])
    }

    @Test("a flat sha512 hash is verified with its own algorithm")
    func flatSHA512() async throws {
        try await fetch([server.url("echo/hello")], hash: Hash.compute(.sha512, of: Array("hello".utf8)))
        #expect(try readText(destination) == "hello")
    }

    @Test("a recursive hash is the NAR hash of the file, with its executable bit")
    func recursiveExecutable() async throws {
        let contents = Array("#!/bin/sh\necho hi\n".utf8)
        let expected = Hash.compute(.sha256, of: singleFileNAR(contents, executable: true))
        let file = directory.path + "/script"
        try FileSystem.writeAtomically(contents, to: file)
        try await fetch(["file://" + file], hash: expected, recursive: true, executable: true)
        #expect(try FileSystem.readFile(destination) == contents)
        #expect(try FileSystem.linkStatus(destination).map { $0.st_mode & 0o777 } == 0o755)

        // The same bytes hashed as a non-executable NAR do not match.
        try FileSystem.removeFile(destination)
        await #expect(throws: FetchError.self) {
            try await fetch(["file://" + file], hash: expected, recursive: true, executable: false)
        }
        #expect(!FileSystem.exists(destination))
    }

    @Test("recursive hashing over HTTP", arguments: [false, true])
    func recursiveOverHTTP(executable: Bool) async throws {
        let expected = Hash.compute(.sha256, of: singleFileNAR(Array("nar-body".utf8), executable: executable))
        try await fetch([server.url("echo/nar-body")], hash: expected, recursive: true, executable: executable)
        #expect(try readText(destination) == "nar-body")
    }

    @Test("redirects are followed", arguments: [301, 302, 307])
    func redirect(code: Int) async throws {
        try await fetch([server.url("redirect/\(code)/echo/moved")], hash: sha256("moved"))
        #expect(try readText(destination) == "moved")
    }

    @Test("a chain of redirects is followed")
    func redirectChain() async throws {
        try await fetch([server.url("redirect/301/redirect/302/redirect/307/echo/chained")], hash: sha256("chained"))
        #expect(try readText(destination) == "chained")
    }

    @Test("a redirect loop is an error naming the URL")
    func redirectLoop() async throws {
        let url = server.url("loop/a")
        let error = await #expect(throws: FetchError.self) { try await fetch([url], hash: sha256("x")) }
        let message = error?.message ?? ""
        #expect(message.contains(url))
        #expect(message.contains("redirect loop"))
        #expect(!FileSystem.exists(destination))
    }

    @Test("a 404 or 403 moves on to the next URL, without retrying the first", arguments: [404, 403])
    func notFoundThenNext(code: Int) async throws {
        let key = "fail-\(UUID().uuidString)"
        try await fetch([server.url("fail/\(key)/\(code)"), server.url("echo/second")], hash: sha256("second"))
        #expect(try readText(destination) == "second")
        #expect(try server.count(key) == 1)
    }

    @Test("a 500 is retried with back-off, then succeeds")
    func retryAfterServerError() async throws {
        let key = "flaky-\(UUID().uuidString)"
        let reporter = RecordingReporter()
        try await fetch([server.url("flaky/\(key)/2/finally")], hash: sha256("finally"), progress: reporter)
        #expect(try readText(destination) == "finally")
        #expect(try server.count(key) == 3)
        let failures = reporter.events.withLock { $0.filter { if case .failed = $0.kind { true } else { false } } }
        #expect(failures.count == 2)
    }

    @Test("when every URL fails, the error lists each with its reason; 404 and 403 are tried once")
    func allFail() async throws {
        let refused = try closedPort()
        let urls = [server.url("status/404"), server.url("status/403"), "http://127.0.0.1:\(refused)/x"]
        let error = await #expect(throws: FetchError.self) {
            try await fetch(urls, hash: sha256("x"), configuration: quickConfiguration(attempts: 2))
        }
        guard let error, case .allSourcesFailed(_, let failures) = error else {
            Issue.record("expected allSourcesFailed, got \(String(describing: error))")
            return
        }
        #expect(failures.map(\.url) == urls)
        #expect(failures[0].reason.contains("404"))
        #expect(failures[1].reason.contains("403"))
        #expect(failures[2].reason.lowercased().contains("refused"))
        for url in urls { #expect(error.message.contains(url)) }
        #expect(error.hint != nil)
        #expect(try directory.contents().isEmpty)
    }

    @Test("a server that stops sending hits the idle read timeout, and the try is repeated")
    func idleReadTimeout() async throws {
        var configuration = quickConfiguration(attempts: 2)
        configuration.idleReadTimeout = .milliseconds(300)
        let reporter = RecordingReporter()
        let error = await #expect(throws: FetchError.self) {
            try await fetch([server.url("stall/3")], hash: sha256("x"), configuration: configuration, progress: reporter)
        }
        #expect(error?.message.contains("read timeout") == true)
        let failures = reporter.events.withLock { $0.filter { if case .failed = $0.kind { true } else { false } } }
        #expect(failures.count == 2)
        #expect(try directory.contents().isEmpty)
    }

    @Test("a hash mismatch names the URL, the expected and the actual hash, and leaves nothing")
    func hashMismatch() async throws {
        let url = server.url("echo/surprise")
        let expected = sha256("what we wanted")
        let actual = sha256("surprise")
        let error = await #expect(throws: FetchError.self) { try await fetch([url], hash: expected) }
        let message = error?.message ?? ""
        #expect(message.contains(url))
        #expect(message.contains(expected.encoded(.nixBase32)))
        #expect(message.contains(expected.encoded(.sri)))
        #expect(message.contains(actual.encoded(.nixBase32)))
        #expect(message.contains(actual.encoded(.sri)))
        #expect(error?.hint?.contains(actual.encoded(.sri)) == true)
        #expect(try directory.contents().isEmpty)
    }

    @Test("a source with the wrong content is passed over when a later one has the right content")
    func mismatchThenRight() async throws {
        try await fetch([server.url("echo/stale"), server.url("echo/right")], hash: sha256("right"))
        #expect(try readText(destination) == "right")
        #expect(try directory.contents() == ["out"])
    }

    @Test("a stale file at the destination is gone after a failed fetch")
    func staleDestinationRemoved() async throws {
        try directory.write("out", "stale")
        await #expect(throws: FetchError.self) { try await fetch([server.url("status/404")], hash: sha256("x")) }
        #expect(try directory.contents().isEmpty)
    }

    @Test("content-addressed mirrors are tried by hash after the URLs fail")
    func contentAddressedFallback() async throws {
        let body = "content-addressed payload\n"
        let configuration = quickConfiguration(contentAddressed: [
            server.url("cas/{algo}/{nix32}"),  // the server knows only hex: a 404
            server.url("cas/{algo}/{hex}"),
        ])
        let reporter = RecordingReporter()
        try await fetch([server.url("status/404")], hash: sha256(body), configuration: configuration, progress: reporter)
        #expect(try readText(destination) == body)
        let tried = Set(reporter.events.withLock { $0.map(\.url) })
        #expect(tried.contains(server.url("cas/sha256/\(sha256(body).encoded(.base16, withAlgorithm: false))")))
    }

    @Test("a 50 MB body streams to disk with bounded memory and reports progress")
    func largeBody() async throws {
        let size = 50 * 1024 * 1024
        var context = HashContext(.sha256)
        let block = [UInt8]((0..<65536).map { UInt8($0 % 256) })
        for _ in 0..<(size / block.count) { context.update(block) }
        let expected = try Hash(algorithm: .sha256, bytes: context.finalize())

        let baseline = residentBytes()
        let peak = Mutex<UInt64>(baseline)
        let reporter = RecordingReporter(sample: {
            let now = residentBytes()
            peak.withLock { (value: inout UInt64) in value = max(value, now) }
        })
        try await fetch([server.url("large/\(size)")], hash: expected, progress: reporter)
        #expect(try FileSystem.linkStatus(destination)?.st_size == off_t(size))
        let growth = peak.withLock { $0 } &- baseline
        #expect(growth < 32 * 1024 * 1024, "resident memory grew by \(ByteCount.format(growth)) while streaming")
        let events = reporter.events.withLock { $0 }
        let announced = events.filter { $0.kind == .progressed }.map(\.total)
        #expect(!announced.isEmpty && announced.allSatisfy { $0 == UInt64(size) })
        let last = events.last
        #expect(last?.kind == .finished)
        #expect(last?.bytes == UInt64(size))
    }

    @Test("the blocking API works from a plain thread")
    func blockingFromThread() async throws {
        let request = FetchRequest(urls: [server.url("echo/threaded")], expectedHash: sha256("threaded"), name: "out")
        let fetcher = Fetcher(configuration: quickConfiguration())
        let destination = destination
        let outcome: Result<Void, FetchError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(FetchError) {
                    try fetcher.fetch(request, to: destination)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.start()
        }
        try outcome.get()
        #expect(try readText(destination) == "threaded")
    }
}

/// A NAR of one regular file, written out by hand from the format (not
/// through NARWriter), so the recursive hash is checked independently.
func singleFileNAR(_ contents: [UInt8], executable: Bool) -> [UInt8] {
    func string(_ bytes: [UInt8]) -> [UInt8] {
        var out = withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init)
        out += bytes
        out += [UInt8](repeating: 0, count: (8 - bytes.count % 8) % 8)
        return out
    }
    var tokens = ["nix-archive-1", "(", "type", "regular"].map { Array($0.utf8) }
    if executable { tokens += [Array("executable".utf8), []] }
    tokens.append(Array("contents".utf8))
    tokens.append(contents)
    tokens.append(Array(")".utf8))
    return tokens.flatMap(string)
}

/// A loopback port nothing listens on: bound, then closed.
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw FixtureError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw FixtureError("bind failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
