import Basics
import Glibc
import StoreFormats
import Synchronization

/// What the user sees while builds run. On a terminal: one status line per
/// running build (name, last log line, elapsed time) under a done/remaining
/// count, redrawn in place. Otherwise: a plain line as each build starts.
package final class BuildProgress: Sendable {
    private struct Running {
        var name: String
        var started: Double
        var lastLine: String
    }

    private struct State {
        var running: [StorePath: Running] = [:]
        var done = 0
        var total = 0
        /// Lines drawn last time, to erase them.
        var drawn = 0
    }

    private let state = Mutex(State())
    private let terminal: Bool
    private let quiet: Bool

    package init(terminal: Bool = ProcessEnvironment.isTerminal(2), quiet: Bool = Diagnostics.verbosity < 1) {
        self.terminal = terminal && !quiet
        self.quiet = quiet
    }

    func setTotal(_ total: Int) {
        state.withLock { $0.total = total }
    }

    func started(_ path: StorePath, name: String) {
        let now = DerivationBuild.now()
        state.withLock { $0.running[path] = Running(name: name, started: now, lastLine: "") }
        if !terminal && !quiet { Diagnostics.writeStandardError("building '\(name)'...\n") }
        redraw()
    }

    func update(_ path: StorePath, lastLine: String) {
        guard terminal else { return }
        state.withLock { $0.running[path]?.lastLine = lastLine }
    }

    func finished(_ path: StorePath) {
        state.withLock {
            $0.running[path] = nil
            $0.done += 1
        }
        redraw()
    }

    /// A message that must stay on screen (an error): printed above the status.
    func print(_ text: String) {
        clear()
        Diagnostics.writeStandardError(text)
        redraw()
    }

    package func clear() {
        guard terminal else { return }
        let lines = state.withLock { state -> Int in
            let lines = state.drawn
            state.drawn = 0
            return lines
        }
        if lines > 0 { Diagnostics.writeStandardError(String(repeating: "\u{1B}[1A\u{1B}[2K", count: lines) + "\r") }
    }

    /// Called on every status change and periodically (elapsed times).
    func redraw() {
        guard terminal else { return }
        let now = DerivationBuild.now()
        let text = state.withLock { state -> String in
            var text = String(repeating: "\u{1B}[1A\u{1B}[2K", count: state.drawn) + "\r"
            var lines = ["[\(state.done)/\(state.total) built, \(state.running.count) running]"]
            let width = Self.columns()
            for running in state.running.values.sorted(by: { $0.started < $1.started }) {
                let elapsed = Int(now - running.started)
                var line = "  \(running.name) \(elapsed)s"
                if !running.lastLine.isEmpty { line += ": " + running.lastLine }
                lines.append(String(line.filter { $0 != "\r" && $0 != "\t" }.prefix(width - 1)))
            }
            state.drawn = lines.count
            text += lines.joined(separator: "\n") + "\n"
            return text
        }
        Diagnostics.writeStandardError(text)
    }

    private static func columns() -> Int {
        var size = winsize()
        let got = withUnsafeMutablePointer(to: &size) { ioctl(2, UInt(TIOCGWINSZ), $0) }
        return got == 0 && size.ws_col > 10 ? Int(size.ws_col) : 80
    }
}
