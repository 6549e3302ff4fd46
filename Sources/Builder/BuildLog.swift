import Basics
import CBzip2
import Glibc
import StoreFormats

/// The log of one build: everything its builder writes to stdout and stderr,
/// stored bzip2-compressed as `STATEDIR/log/drvs/XX/REST.bz2` (Nix's layout,
/// so `bzcat` and Nix's own tools read it). It is compressed as it is
/// written and renamed into place when the build ends, so a log in place is
/// always complete.
package final class BuildLog {
    let path: String
    private let temporary: String
    private var file: UnsafeMutablePointer<FILE>?
    private var stream: UnsafeMutableRawPointer?
    /// The unfinished last line, for the status display.
    private var partial: [UInt8] = []
    private(set) var lastLine = ""
    /// The last lines, shown when the build fails (unless they were echoed).
    private var tail: [String] = []
    static let tailLength = 30
    private let echo: Bool

    /// `STATEDIR/log/drvs/XX/REST.bz2` for the `.drv` named `baseName`.
    package static func path(logs: String, derivation baseName: String) -> String {
        let split = baseName.index(baseName.startIndex, offsetBy: 2, limitedBy: baseName.endIndex) ?? baseName.endIndex
        return "\(logs)/drvs/\(baseName[..<split])/\(baseName[split...]).bz2"
    }

    init(logs: String, derivation baseName: String, echo: Bool) throws {
        path = Self.path(logs: logs, derivation: baseName)
        temporary = path + ".tmp-" + FileSystem.randomSuffix(length: 8)
        self.echo = echo
        let directory = FileSystem.directoryName(path)
        try FileSystem.createDirectories(directory)
        // A log left half-written by a killed build of this derivation. The
        // caller holds the derivation's build locks, so no live build is
        // writing one.
        let stale = FileSystem.baseName(path) + ".tmp-"
        for name in (try? FileSystem.entryNames(ofDirectory: directory)) ?? [] where name.hasPrefix(stale) {
            unlink(directory + "/" + name)
        }
        guard let file = fopen(temporary, "we") else { throw SystemError("create the build log", temporary) }
        self.file = file
        var error: Int32 = 0
        stream = BZ2_bzWriteOpen(&error, file, 9, 0, 0)
        guard error == BZ_OK, stream != nil else {
            fclose(file)
            self.file = nil
            unlink(temporary)
            throw SystemError("start compressing the build log", temporary, code: EIO)
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        if let stream {
            var error: Int32 = 0
            BZ2_bzWrite(&error, stream, UnsafeMutableRawPointer(mutating: base), Int32(bytes.count))
        }
        if echo { _ = write(2, base, bytes.count) }
        for byte in bytes {
            if byte == 0x0A {
                let line = String(decoding: partial, as: UTF8.self)
                if !partial.isEmpty { lastLine = line }
                if tail.count == Self.tailLength { tail.removeFirst() }
                tail.append(line)
                partial.removeAll(keepingCapacity: true)
            } else if partial.count < 512 {
                partial.append(byte)
            }
        }
    }

    /// What to show of the log with a failure: nothing when it went to
    /// stderr as it was written, else its last lines (the unfinished one too).
    var failureExcerpt: [String] {
        guard !echo else { return [] }
        let last = partial.isEmpty ? tail : tail + [String(decoding: partial, as: UTF8.self)]
        return Array(last.suffix(Self.tailLength))
    }

    func append(line: String) {
        var bytes = Array((line + "\n").utf8)
        bytes.withUnsafeMutableBytes { append(UnsafeRawBufferPointer($0)) }
    }

    /// Finishes the compressed stream and puts the log in place.
    func finish() {
        guard let file else { return }
        if let stream {
            var error: Int32 = 0
            BZ2_bzWriteClose(&error, stream, 0, nil, nil)
        }
        stream = nil
        fclose(file)
        self.file = nil
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    deinit {
        if file != nil { finish() }
    }
}
