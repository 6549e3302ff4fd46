import AsyncHTTPClient
import Basics
import Glibc
import NIOCore
import NIOPosix
import StoreFormats

/// Why one try at one source failed: the source's fault (perhaps worth
/// another try), or the destination's (fatal: no other source can help).
enum TransferError: Error {
    case source(reason: String, transient: Bool)
    case destination(SystemError)
}

/// One try at one source: streams the body into a fresh temporary file next
/// to the destination, hashing as it goes, and returns the hash the request
/// asks for. `install` renames the file into place; `discard` removes it.
final class Transfer {
    let url: String
    let request: FetchRequest
    let temporary: String
    let destination: String
    private let client: HTTPClient?
    private let configuration: FetchConfiguration
    private let progress: (any ProgressReporter)?
    private let started = ContinuousClock.now
    private var throttle = FetchProgressThrottle()
    private var bytes: UInt64 = 0
    private var total: UInt64?
    private var context: HashContext

    init(
        url: String, request: FetchRequest, destination: String, client: HTTPClient?,
        configuration: FetchConfiguration, progress: (any ProgressReporter)?
    ) {
        self.url = url
        self.request = request
        self.destination = destination
        // Hidden, unique, and in the destination's directory so that the
        // final rename is atomic (same file system).
        self.temporary = FileSystem.directoryName(destination) + "/." + FileSystem.baseName(destination)
            + ".fetch-" + FileSystem.randomSuffix()
        self.client = client
        self.configuration = configuration
        self.progress = progress
        self.context = HashContext(request.expectedHash.algorithm)
    }

    func run() async throws(TransferError) -> Hash {
        let file: OpenFile
        do {
            file = try OpenFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        } catch let error as SystemError {
            throw .destination(error)
        } catch {
            throw .destination(SystemError("create", temporary, code: EIO))
        }
        report(.started)
        if URLParts.scheme(of: url) == "file" {
            try copyLocalFile(into: file)
        } else {
            try await download(into: file)
        }
        report(.finished)
        if request.recursive { return try narHash() }
        do {
            return try Hash(algorithm: context.algorithm, bytes: context.finalize())
        } catch {
            throw .source(reason: "internal error: \(error)", transient: false)
        }
    }

    func install(executable: Bool) throws(SystemError) {
        guard chmod(temporary, executable ? 0o755 : 0o644) == 0 else { throw SystemError("change the mode of", temporary) }
        guard rename(temporary, destination) == 0 else { throw SystemError("rename to '\(destination)'", temporary) }
    }

    func discard() {
        _ = unlink(temporary)
    }

    // MARK: HTTP

    private func download(into file: OpenFile) async throws(TransferError) {
        guard let client else { throw .source(reason: "no HTTP client", transient: false) }
        do {
            var httpRequest = HTTPClientRequest(url: url)
            httpRequest.headers.add(name: "User-Agent", value: "cairn-fetch")
            let deadline = NIODeadline.now() + .nanoseconds(Fetcher.nanoseconds(configuration.transferTimeout))
            let response = try await client.execute(httpRequest, deadline: deadline)
            let code = Int(response.status.code)
            guard (200..<300).contains(code) else {
                // 5xx and 429 are the server's passing trouble; 408 a slow link.
                let transient = code >= 500 || code == 429 || code == 408
                throw TransferError.source(reason: "HTTP \(code) \(response.status.reasonPhrase)", transient: transient)
            }
            total = response.headers.first(name: "content-length").flatMap { UInt64($0) }
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { raw in try consume(raw, into: file) }
            }
        } catch let error as TransferError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    /// Maps the client's and NIO's errors to a reason a user can read and to
    /// whether another try might succeed.
    static func classify(_ error: any Error) -> TransferError {
        if let error = error as? HTTPClientError {
            switch error {
            case .redirectCycleDetected: return .source(reason: "redirect loop", transient: false)
            case .redirectLimitReached: return .source(reason: "too many redirects", transient: false)
            case .connectTimeout, .tlsHandshakeTimeout: return .source(reason: "connection timed out", transient: true)
            case .readTimeout: return .source(reason: "no data received for too long (read timeout)", transient: true)
            case .remoteConnectionClosed, .bodyLengthMismatch:
                return .source(reason: "the connection was closed before the whole body arrived", transient: true)
            case .deadlineExceeded: return .source(reason: "the transfer took too long", transient: false)
            default: return .source(reason: "\(error)", transient: false)
            }
        }
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAError ?? error.dnsAAAAError {
                return .source(reason: "cannot resolve '\(error.host)': \(dns)", transient: true)
            }
            let reasons = error.connectionErrors.map { failure in
                (failure.error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(failure.error)"
            }
            return .source(
                reason: "cannot connect to \(error.host):\(error.port): "
                    + (reasons.isEmpty ? "no address" : Array(Set(reasons)).sorted().joined(separator: "; ")),
                transient: true)
        }
        if let error = error as? IOError {
            return .source(reason: String(cString: strerror(error.errnoCode)), transient: true)
        }
        if error is ChannelError {
            return .source(reason: "connection error: \(error)", transient: true)
        }
        if error is CancellationError {
            return .source(reason: "cancelled", transient: false)
        }
        return .source(reason: "\(error)", transient: false)
    }

    // MARK: file://

    private func copyLocalFile(into file: OpenFile) throws(TransferError) {
        guard let path = Self.localPath(of: url) else {
            throw .source(reason: "a file URL reads file:///ABSOLUTE/PATH", transient: false)
        }
        do {
            let source = try OpenFile(path, flags: O_RDONLY)
            total = try UInt64(source.status().st_size)
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                try buffer.withUnsafeBytes { raw in
                    try consume(UnsafeRawBufferPointer(rebasing: raw[0..<count]), into: file)
                }
            }
        } catch let error as TransferError {
            throw error
        } catch let error as SystemError {
            throw .source(reason: error.message, transient: false)
        } catch {
            throw .source(reason: "\(error)", transient: false)
        }
    }

    /// `file:///p`, `file://localhost/p`, with %XX escapes decoded.
    static func localPath(of url: String) -> String? {
        var rest = Substring(url.dropFirst("file://".count))
        if rest.hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
        guard rest.hasPrefix("/") else { return nil }
        var bytes: [UInt8] = []
        var utf8 = Array(rest.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Bytes

    private func consume(_ chunk: UnsafeRawBufferPointer, into file: OpenFile) throws(TransferError) {
        do {
            try file.write(chunk)
        } catch let error as SystemError {
            throw .destination(error)
        } catch {
            throw .destination(SystemError("write", temporary, code: EIO))
        }
        context.update(chunk)
        bytes += UInt64(chunk.count)
        if throttle.due() { report(.progressed) }
    }

    /// The NAR hash of the downloaded file. Read back after the transfer:
    /// a NAR states the file's size before its contents, and a body's size is
    /// known only at its end (Content-Length may be absent or wrong).
    private func narHash() throws(TransferError) -> Hash {
        do {
            let file = try OpenFile(temporary, flags: O_RDONLY)
            let size = try UInt64(file.status().st_size)
            let sink = NARHashSink(request.expectedHash.algorithm)
            var writer = NARWriter(sink: sink.sink)
            try writer.begin()
            try writer.beginRegular(executable: request.executable, size: size)
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            var remaining = size
            while remaining > 0 {
                let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
                if count == 0 { break }
                try buffer.withUnsafeBytes { try writer.writeContents(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                remaining -= UInt64(count)
            }
            try writer.endRegular()
            try writer.finish()
            return sink.finalize()
        } catch let error as SystemError {
            throw .destination(error)
        } catch {
            throw .source(reason: "cannot hash the download as a NAR: \(error)", transient: false)
        }
    }

    private func report(_ kind: FetchProgressEvent.Kind) {
        progress?.report(FetchProgressEvent(
            kind: kind, name: request.name, url: url, bytes: bytes, total: total, elapsed: ContinuousClock.now - started))
    }
}
