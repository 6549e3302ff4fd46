// The transport of `builtin:fetchurl` (issue 4, ARCHITECTURE.md §1.8).
//
// API, for the builder and commands:
//
//     let configuration = try FetchConfiguration.load()            // mirrors file, apt sources, env
//     let fetcher = Fetcher(configuration: configuration, progress: TerminalProgressReporter())
//     try fetcher.fetch(
//         FetchRequest(urls: ["mirror://gnu/hello/hello-2.12.tar.gz"],
//                      expectedHash: try Hash.parse("sha256-…"), name: "hello-2.12.tar.gz"),
//         to: outputPath)                                          // blocking; from a plain Thread
//
// or `try await fetcher.fetch(request, to: outputPath)` from async code.
//
// Contract: on success the file at `destination` exists with the expected
// hash, flat (the hash of its bytes) or recursive (the NAR hash of the single
// file with its executable bit, Nix's outputHashMode = "recursive"); its mode
// is 0755 when `executable`, else 0644 (the store canonicalises later). On
// any failure nothing is left at `destination`. Errors are `FetchError`.
//
// Order of sources: each URL of the request in turn (`mirror://NAME/path`
// expanded to every prefix of NAME), then each content-addressed mirror with
// the expected hash. A transient failure (connection refused or reset,
// timeout, 5xx, 429) is retried with exponential back-off; anything else
// moves on to the next source. Bytes stream to a temporary file next to
// `destination` while being hashed, so memory stays bounded whatever the size.

import AsyncHTTPClient
import Basics
import Dispatch
import Glibc
import StoreFormats
import Synchronization

/// One fixed-output download.
package struct FetchRequest: Sendable, Equatable {
    /// Tried in order; `http`, `https`, `file` and `mirror` URLs.
    package var urls: [String]
    package var expectedHash: Hash
    /// The hash is of the NAR of the file (outputHashMode = "recursive").
    package var recursive: Bool
    /// The file is made executable (and, when `recursive`, hashed as such).
    package var executable: Bool
    /// For messages and content-addressed templates (`{name}`).
    package var name: String

    package init(urls: [String], expectedHash: Hash, recursive: Bool = false, executable: Bool = false, name: String) {
        self.urls = urls
        self.expectedHash = expectedHash
        self.recursive = recursive
        self.executable = executable
        self.name = name
    }
}

package final class Fetcher: Sendable {
    package let configuration: FetchConfiguration
    package let progress: (any ProgressReporter)?

    package init(configuration: FetchConfiguration, progress: (any ProgressReporter)? = nil) {
        self.configuration = configuration
        self.progress = progress
    }

    /// Blocks the calling thread until the download is done. Call it from a
    /// plain thread, never from a task on the cooperative pool: the work runs
    /// there, and a blocked pool thread may be the one it needs.
    package func fetch(_ request: FetchRequest, to destination: String) throws(FetchError) {
        let outcome = Mutex<Result<Void, FetchError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<Void, FetchError>
            do throws(FetchError) {
                try await self.fetch(request, to: destination)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 ?? .success(()) }.get()
    }

    package func fetch(_ request: FetchRequest, to destination: String) async throws(FetchError) {
        let sources = try self.sources(for: request)
        guard !sources.isEmpty else { throw .noURLs(name: request.name) }
        try Self.clear(destination)
        let needsHTTP = sources.contains { URLParts.scheme(of: $0) != "file" }
        let client = needsHTTP ? HTTPClient(configuration: httpConfiguration) : nil
        let result = await attempt(sources, request: request, destination: destination, client: client)
        // Shut down before returning: a client that is dropped while open
        // leaks its connections (and AsyncHTTPClient asserts on it).
        try? await client?.shutdown()
        try result.get()
    }

    /// The sources a request will try, in order: its URLs with mirrors
    /// expanded, then the content-addressed mirrors. Duplicates are dropped.
    package func sources(for request: FetchRequest) throws(FetchError) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        func add(_ url: String) { if seen.insert(url).inserted { result.append(url) } }
        // A mirror this machine has no table entry for (mirror://gnu with no
        // mirrors file) is skipped while other URLs remain, as origins list
        // fallbacks for exactly that.
        var unknown: FetchError?
        for url in request.urls {
            guard let scheme = URLParts.scheme(of: url) else {
                throw .invalidURL(url, reason: "it has no scheme (http://, https://, file:// or mirror://)")
            }
            switch scheme {
            case "mirror":
                do {
                    try expandMirror(url).forEach(add)
                } catch {
                    guard case .unknownMirror = error else { throw error }
                    if unknown == nil { unknown = error }
                }
            case "http", "https", "file": add(url)
            default: throw .invalidURL(url, reason: "the scheme '\(scheme)' is not supported")
            }
        }
        for template in configuration.contentAddressedMirrors {
            add(Self.expand(template, hash: request.expectedHash, name: request.name))
        }
        if result.isEmpty, let unknown { throw unknown }
        return result
    }

    private func expandMirror(_ url: String) throws(FetchError) -> [String] {
        let rest = url.dropFirst("mirror://".count)
        guard url.lowercased().hasPrefix("mirror://"), let slash = rest.firstIndex(of: "/"), slash != rest.startIndex
        else { throw .invalidURL(url, reason: "a mirror URL reads mirror://NAME/PATH") }
        let name = String(rest[..<slash])
        guard let prefixes = configuration.mirrors[name], !prefixes.isEmpty else {
            throw .unknownMirror(
                name: name, url: url, known: Array(configuration.mirrors.keys),
                configurationFiles: configuration.configurationFiles)
        }
        return prefixes.map { URLParts.join($0, rest[rest.index(after: slash)...]) }
    }

    static func expand(_ template: String, hash: Hash, name: String) -> String {
        template
            .replacing("{algo}", with: hash.algorithm.rawValue)
            .replacing("{hex}", with: hash.encoded(.base16, withAlgorithm: false))
            .replacing("{nix32}", with: hash.encoded(.nixBase32, withAlgorithm: false))
            .replacing("{name}", with: name)
    }

    private var httpConfiguration: HTTPClient.Configuration {
        var http = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: configuration.maximumRedirects, allowCycles: false),
            timeout: .init(
                connect: .nanoseconds(Self.nanoseconds(configuration.connectTimeout)),
                read: .nanoseconds(Self.nanoseconds(configuration.idleReadTimeout))),
            // Fixed-output hashes are of the bytes as published: never ask for,
            // nor undo, a transfer encoding.
            decompression: .disabled)
        // A download is one request; keeping idle connections buys nothing.
        http.connectionPool.idleTimeout = .seconds(5)
        // Our own retries, with back-off and a reason per try, decide how long a
        // refused connection is tried; the pool would otherwise retry silently
        // until the connect timeout.
        http.connectionPool.retryConnectionEstablishment = false
        return http
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func attempt(
        _ sources: [String], request: FetchRequest, destination: String, client: HTTPClient?
    ) async -> Result<Void, FetchError> {
        var failures: [FetchFailure] = []
        var mismatch: (url: String, actual: Hash)?
        for url in sources {
            var backoff = configuration.initialBackoff
            tries: for attemptNumber in 1...max(1, configuration.attemptsPerURL) {
                let transfer = Transfer(
                    url: url, request: request, destination: destination, client: client,
                    configuration: configuration, progress: progress)
                do throws(TransferError) {
                    let actual = try await transfer.run()
                    guard actual == request.expectedHash else {
                        transfer.discard()
                        report(.failed(reason: "hash mismatch"), url: url, request: request)
                        if mismatch == nil { mismatch = (url, actual) } else {
                            failures.append(FetchFailure(url: url, reason: "hash mismatch: got \(actual)"))
                        }
                        break tries
                    }
                    do throws(SystemError) {
                        try transfer.install(executable: request.executable)
                    } catch {
                        transfer.discard()
                        return .failure(.destination(error))
                    }
                    return .success(())
                } catch {
                    transfer.discard()
                    switch error {
                    case .destination(let systemError):
                        return .failure(.destination(systemError))
                    case .source(let reason, let transient):
                        let retry = transient && attemptNumber < configuration.attemptsPerURL
                        report(
                            .failed(reason: retry ? "\(reason); retrying in \(Self.describe(backoff))" : reason),
                            url: url, request: request)
                        guard retry else {
                            failures.append(FetchFailure(url: url, reason: reason))
                            break tries
                        }
                        try? await Task.sleep(for: backoff)
                        backoff = min(backoff * 2, configuration.maximumBackoff)
                        continue
                    }
                }
            }
        }
        if let mismatch {
            return .failure(.hashMismatch(
                url: mismatch.url, expected: request.expectedHash, actual: mismatch.actual, otherFailures: failures))
        }
        return .failure(.allSourcesFailed(name: request.name, failures: failures))
    }

    private func report(_ kind: FetchProgressEvent.Kind, url: String, request: FetchRequest) {
        progress?.report(FetchProgressEvent(kind: kind, name: request.name, url: url, bytes: 0, total: nil, elapsed: .zero))
    }

    private static func describe(_ duration: Duration) -> String {
        let milliseconds = nanoseconds(duration) / 1_000_000
        return milliseconds < 1000 ? "\(milliseconds) ms" : "\(Double(milliseconds) / 1000) s"
    }

    /// Removes what a previous, interrupted run may have left at the
    /// destination, so that a failure leaves nothing there.
    private static func clear(_ destination: String) throws(FetchError) {
        do {
            try FileSystem.removeTree(destination)
        } catch let error as SystemError {
            throw .destination(error)
        } catch {
            throw .destination(SystemError("remove", destination, code: EIO))
        }
    }
}
