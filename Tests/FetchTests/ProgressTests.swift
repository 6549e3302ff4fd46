import Basics
import Fetch
import Glibc
import Testing

/// The reporter off a terminal: plain lines, few of them; quiet keeps failures.
struct ProgressTests {
    private func event(_ kind: FetchProgressEvent.Kind, bytes: UInt64) -> FetchProgressEvent {
        FetchProgressEvent(
            kind: kind, name: "hello.tar.gz", url: "http://127.0.0.1:1/hello.tar.gz",
            bytes: bytes, total: 2 * 1024 * 1024, elapsed: .seconds(2))
    }

    /// What the reporter writes to a pipe for `events`.
    private func output(quiet: Bool, _ events: [FetchProgressEvent]) throws -> String {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw FixtureError("pipe failed") }
        let reader = OpenFile(adopting: fds[0], path: "pipe")
        do {
            let writer = OpenFile(adopting: fds[1], path: "pipe")
            let reporter = TerminalProgressReporter(fd: writer.fd, quiet: quiet)
            for event in events { reporter.report(event) }
        }
        return String(decoding: try reader.readAll(), as: UTF8.self)
    }

    @Test("plain lines: the start, the end with size, total and rate; progress in between is throttled")
    func plainLines() throws {
        let text = try output(quiet: false, [
            event(.started, bytes: 0), event(.progressed, bytes: 1024), event(.progressed, bytes: 2048),
            event(.finished, bytes: 2 * 1024 * 1024),
        ])
        #expect(text == """
            downloading 'http://127.0.0.1:1/hello.tar.gz'
            hello.tar.gz  2.0 MiB / 2.0 MiB  1.0 MiB/s

            """)
    }

    @Test("quiet keeps only failures")
    func quiet() throws {
        let text = try output(quiet: true, [
            event(.started, bytes: 0), event(.failed(reason: "HTTP 503 Service Unavailable; retrying in 500 ms"), bytes: 0),
            event(.finished, bytes: 10),
        ])
        #expect(text == "http://127.0.0.1:1/hello.tar.gz: HTTP 503 Service Unavailable; retrying in 500 ms\n")
    }
}
