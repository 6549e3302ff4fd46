import Basics
import Fetch
import StoreFormats
import Synchronization

/// `builtin:fetchurl`: the download step of fixed-output derivations
/// (ARCHITECTURE.md §4), as Nix's builtin of that name reads its derivation:
///
/// - `url`: the URL, or several separated by whitespace (tried in order, as
///   Guix's `url-fetch` tries a list); `urls` is read too when present.
///   `mirror://NAME/…` goes through the mirror table (`FetchConfiguration`).
/// - `executable`: `1` to make the file executable (recursive hashes cover the bit).
/// - the expected hash is the derivation's fixed output, flat or recursive.
///
/// The transport (retries, redirects, content-addressed fallbacks, hash
/// verification before anything is kept) is the Fetch target's; the builder
/// then canonicalises and registers the file like any other output.
package final class FetchURLBuiltin: BuiltinBuilder {
    package let name = "fetchurl"
    private let load: @Sendable () throws -> FetchConfiguration
    /// Mirror tables are read once per `cairn build`, when the first download
    /// starts, not once per download.
    private let loaded = Mutex<FetchConfiguration?>(nil)

    package init(configuration: @escaping @Sendable () throws -> FetchConfiguration = { try FetchConfiguration.load() }) {
        self.load = configuration
    }

    private func configuration() throws -> FetchConfiguration {
        try loaded.withLock { cached in
            if let cached { return cached }
            let configuration = try load()
            cached = configuration
            return configuration
        }
    }

    package func build(_ context: BuiltinContext) throws {
        guard let fixed = context.derivation.fixedOutput, let destination = context.outputs["out"] else {
            throw FetchURLError.notFixedOutput(derivation: context.derivationPath)
        }
        let environment = context.derivation.environment
        if environment["unpack"] == "1" {
            throw FetchURLError.unpackUnsupported(derivation: context.derivationPath)
        }
        let urls = [environment["url"], environment["urls"]].compactMap { $0 }
            .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init) }
        let request = FetchRequest(
            urls: urls, expectedHash: fixed.hash, recursive: fixed.method == .recursive,
            executable: environment["executable"] == "1", name: context.derivation.name)
        let fetcher = Fetcher(configuration: try configuration(), progress: LogProgress(log: context.log))
        try fetcher.fetch(request, to: destination)
    }
}

/// Download progress as lines of the build's log (the builder's status line
/// shows the last one), so that concurrent builds do not fight over the terminal.
private struct LogProgress: ProgressReporter {
    let log: @Sendable (String) -> Void

    func report(_ event: FetchProgressEvent) {
        switch event.kind {
        case .started: log("downloading \(event.url)")
        case .progressed:
            let total = event.total.map { " of \(ByteCount.format($0))" } ?? ""
            let rate = event.rate.map { ", \(ByteCount.format(UInt64($0)))/s" } ?? ""
            log("\(ByteCount.format(event.bytes))\(total)\(rate)")
        case .failed(let reason): log("\(event.url): \(reason)")
        case .finished: log("downloaded \(ByteCount.format(event.bytes)) from \(event.url)")
        }
    }
}

package enum FetchURLError: UserFacingError, Equatable {
    case notFixedOutput(derivation: String)
    case unpackUnsupported(derivation: String)

    package var message: String {
        switch self {
        case .notFixedOutput(let drv):
            return "builtin:fetchurl in \(drv) needs a single fixed output 'out' with a declared hash"
        case .unpackUnsupported(let drv):
            return "builtin:fetchurl in \(drv) asks to unpack the download, which Cairn's fetchurl does not do"
        }
    }

    package var hint: String? {
        switch self {
        case .notFixedOutput: return "give the derivation outputHash, outputHashAlgo and outputHashMode"
        case .unpackUnsupported: return "fetch the archive as a file and unpack it in a separate derivation"
        }
    }
}
