import Basics
import Glibc
import Synchronization

/// What a download is doing, for whoever shows it. `bytes` counts what has
/// arrived from the current source; `total` is the announced length, when
/// the server announced one.
package struct FetchProgressEvent: Sendable {
    package enum Kind: Sendable, Equatable {
        case started
        case progressed
        /// The source failed with `reason`; another try or source follows.
        case failed(reason: String)
        case finished
    }

    package var kind: Kind
    package var name: String
    package var url: String
    package var bytes: UInt64
    package var total: UInt64?
    /// Since this source was started.
    package var elapsed: Duration

    package init(kind: Kind, name: String, url: String, bytes: UInt64, total: UInt64?, elapsed: Duration) {
        self.kind = kind
        self.name = name
        self.url = url
        self.bytes = bytes
        self.total = total
        self.elapsed = elapsed
    }

    /// Bytes per second so far, or nil before there is anything to divide.
    package var rate: Double? {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0.05 ? Double(bytes) / seconds : nil
    }
}

/// Receives download events. Called from whichever thread runs the
/// transfer, at most every `FetchProgressThrottle.interval` for `.progressed`.
package protocol ProgressReporter: Sendable {
    func report(_ event: FetchProgressEvent)
}

/// The reporter `cairn` uses on standard error: on a terminal one line
/// redrawn in place (`name  12.3 MiB / 50.0 MiB  4.1 MiB/s`); otherwise plain
/// lines at start, every `plainInterval` and at the end, so logs stay short.
package final class TerminalProgressReporter: ProgressReporter {
    private let fd: Int32
    private let isTerminal: Bool
    private let quiet: Bool
    private let plainInterval: Duration
    private let lastPlainLine = Mutex<ContinuousClock.Instant?>(nil)

    /// `quiet` keeps only failure lines (which explain a later error or a delay).
    package init(fd: Int32 = 2, quiet: Bool = false, plainInterval: Duration = .seconds(10)) {
        self.fd = fd
        self.isTerminal = ProcessEnvironment.isTerminal(fd)
        self.quiet = quiet
        self.plainInterval = plainInterval
    }

    package func report(_ event: FetchProgressEvent) {
        switch event.kind {
        case .failed(let reason):
            write((isTerminal ? "\r\u{1B}[K" : "") + "\(event.url): \(reason)\n")
            return
        case .started, .progressed, .finished:
            guard !quiet else { return }
        }
        if isTerminal {
            let line = "\r\u{1B}[K" + Self.describe(event)
            write(event.kind == .finished ? line + "\n" : line)
            return
        }
        let now = ContinuousClock.now
        let due = lastPlainLine.withLock { last -> Bool in
            if event.kind == .progressed, let last, now - last < plainInterval { return false }
            last = now
            return true
        }
        guard due else { return }
        switch event.kind {
        case .started: write("downloading '\(event.url)'\n")
        default: write(Self.describe(event) + "\n")
        }
    }

    /// `name  1.2 MiB / 3.4 MiB  567.0 KiB/s`
    package static func describe(_ event: FetchProgressEvent) -> String {
        var text = event.name + "  " + ByteCount.format(event.bytes)
        if let total = event.total { text += " / " + ByteCount.format(total) }
        if let rate = event.rate { text += "  " + ByteCount.format(UInt64(rate)) + "/s" }
        return text
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, base + offset, buffer.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

/// Keeps `.progressed` events to a few per second: a fast transfer delivers
/// thousands of chunks a second, and redrawing a line for each costs more
/// than the copy.
struct FetchProgressThrottle {
    static let interval: Duration = .milliseconds(100)
    private var last = ContinuousClock.now

    mutating func due() -> Bool {
        let now = ContinuousClock.now
        guard now - last >= Self.interval else { return false }
        last = now
        return true
    }
}
