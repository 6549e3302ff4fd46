#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A Scheme port. Output ports accept text through `write(_:)`; input ports
/// hand out characters through `readChar`/`peekChar`. Subclasses decide where
/// the text goes or comes from. All text is Unicode; files are UTF-8.
package class Port: SchemeObject {
    package let isInput: Bool
    package let isOutput: Bool
    package private(set) var isClosed = false
    /// The file name for file ports (`port-filename`), nil otherwise.
    package let fileName: String?
    /// Zero-based column of the next character written, for `~&`, `~t` and `fresh-line`.
    package var column = 0

    init(input: Bool, output: Bool, fileName: String? = nil) {
        isInput = input
        isOutput = output
        self.fileName = fileName
    }

    package override var typeName: String { "port" }

    /// How Guile prints the port: `#<output: file 1>`, `#<input: string 7f…>`.
    package var printedForm: String {
        let direction = isClosed ? "closed" : isInput && isOutput ? "input-output" : isInput ? "input" : "output"
        return "#<\(direction): \(fileName ?? kindName) \(identifierForPrinting)>"
    }

    var kindName: String { "port" }
    var identifierForPrinting: String { String(UInt(bitPattern: ObjectIdentifier(self).hashValue), radix: 16) }

    // MARK: Output

    /// Writes `text`, buffering as the port sees fit.
    package func write(_ text: String) throws {
        try checkOpenForOutput()
        try emit(text)
        updateColumn(text)
    }

    package func write(_ char: Unicode.Scalar) throws {
        try write(String(Character(char)))
    }

    /// Pushes buffered output to its destination.
    package func flush() throws {}

    /// Where a subclass receives the text; `write` has checked the port is open.
    func emit(_ text: String) throws {}

    private func updateColumn(_ text: String) {
        let utf8 = text.utf8
        if let newline = utf8.lastIndex(of: 0x0A) {
            column = utf8[utf8.index(after: newline)...].count(where: { $0 & 0xC0 != 0x80 })
        } else {
            column += utf8.count(where: { $0 & 0xC0 != 0x80 })
        }
    }

    func checkOpenForOutput(_ who: String = "write") throws {
        guard isOutput, !isClosed else {
            throw SchemeError.wrongType(procedure: who, position: 1, expected: "open output port", got: .object(self))
        }
    }

    func checkOpenForInput(_ who: String = "read-char") throws {
        guard isInput, !isClosed else {
            throw SchemeError.wrongType(procedure: who, position: 1, expected: "open input port", got: .object(self))
        }
    }

    // MARK: Input

    /// Decoded characters not yet consumed: `buffer[position...]`.
    var buffer: [Unicode.Scalar] = []
    var position = 0

    /// Adds more characters to `buffer`; false at end of input.
    func refill() throws -> Bool { false }

    /// Makes at least one unread character available unless at end of input.
    private func ensureAvailable() throws -> Bool {
        while position >= buffer.count {
            if try !refill() { return false }
        }
        return true
    }

    package func readChar() throws -> Unicode.Scalar? {
        try checkOpenForInput()
        guard try ensureAvailable() else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    package func peekChar() throws -> Unicode.Scalar? {
        try checkOpenForInput("peek-char")
        guard try ensureAvailable() else { return nil }
        return buffer[position]
    }

    /// Puts `char` back so that it is read next (`unread-char`).
    package func unread(_ char: Unicode.Scalar) throws {
        try checkOpenForInput("unread-char")
        if position > 0 {
            position -= 1
            buffer[position] = char
        } else {
            buffer.insert(char, at: 0)
        }
    }

    /// Reads characters up to (not including) the first one in `delimiters`,
    /// or to the end. Returns the text and the delimiter (nil at end of input),
    /// leaving the delimiter unread; nil when already at end of input.
    package func read(until delimiters: (Unicode.Scalar) -> Bool) throws -> (text: [Unicode.Scalar], delimiter: Unicode.Scalar?)? {
        try checkOpenForInput("read-delimited")
        var text: [Unicode.Scalar] = []
        guard try ensureAvailable() else { return nil }
        while true {
            let start = position
            while position < buffer.count, !delimiters(buffer[position]) { position += 1 }
            text.append(contentsOf: buffer[start..<position])
            if position < buffer.count { return (text, buffer[position]) }
            if try !refill() { return (text, nil) }
        }
    }

    /// The unread characters, without consuming them; `more` first reads
    /// further input (false at end of input). `read` parses from this window
    /// and grows it only while the datum is incomplete, so reading a long
    /// file datum by datum stays linear and a terminal is not read to its end.
    package func unreadWindow(limit: Int, more: Bool) throws -> (text: ArraySlice<Unicode.Scalar>, atEnd: Bool) {
        try checkOpenForInput("read")
        var ended = false
        if more || position >= buffer.count {
            let before = buffer.count - position
            while buffer.count - position <= before {
                if try !refill() { ended = true; break }
            }
        }
        let end = min(buffer.count, position + limit)
        return (buffer[position..<end], ended && end == buffer.count)
    }

    /// Consumes `count` characters of those `unreadWindow` returned.
    package func skip(_ count: Int) {
        position = min(buffer.count, position + count)
    }

    /// Reads up to `count` characters (all remaining when nil).
    package func read(count: Int?) throws -> [Unicode.Scalar] {
        try checkOpenForInput("read-string")
        var text: [Unicode.Scalar] = []
        while count.map({ text.count < $0 }) ?? true, try ensureAvailable() {
            let available = buffer.count - position
            let take = min(available, (count ?? .max) - text.count)
            text.append(contentsOf: buffer[position..<(position + take)])
            position += take
        }
        return text
    }

    /// Whether a character can be read without blocking (always, except for terminals).
    package var isReady: Bool { true }

    /// Closes the port; closing twice is harmless. Returns false if it was already closed.
    @discardableResult
    package func close() throws -> Bool {
        guard !isClosed else { return false }
        defer {
            isClosed = true
            buffer = []
            position = 0
            releaseResources()
        }
        if isOutput { try flush() }
        return true
    }

    /// Subclasses release file descriptors here.
    func releaseResources() {}
}

/// An output port accumulating text in memory (`open-output-string`).
package final class StringOutputPort: Port {
    private var text = ""

    package init() { super.init(input: false, output: true) }

    override var kindName: String { "string" }
    override func emit(_ text: String) throws { self.text += text }

    /// Everything written so far.
    package var contents: String { text }
}

/// An input port over text in memory: string ports and whole files read at open.
package final class TextInputPort: Port {
    private let kind: String

    package init(_ text: [Unicode.Scalar], fileName: String? = nil) {
        kind = fileName == nil ? "string" : "file"
        super.init(input: true, output: false, fileName: fileName)
        buffer = text
    }

    override var kindName: String { kind }
}

/// Output to a file descriptor: standard output and error, and files opened
/// for writing. Text is buffered as UTF-8 and written in large chunks.
package final class FileDescriptorOutputPort: Port {
    package enum Buffering { case block, line, none }

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var pending: [UInt8] = []
    private let buffering: Buffering
    private static let chunkSize = 64 * 1024
    /// A port flushed before each write to this one, so that standard output
    /// written before an error message appears before it.
    package weak var flushesFirst: Port?

    package init(descriptor: Int32, ownsDescriptor: Bool, buffering: Buffering, fileName: String? = nil) {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.buffering = buffering
        super.init(input: false, output: true, fileName: fileName)
        pending.reserveCapacity(Self.chunkSize)
        OpenPorts.register(self)
    }

    deinit {
        // Last chance: unflushed output must not be lost when a port is dropped.
        try? flush()
        if ownsDescriptor, !isClosed { _ = Glibc.close(descriptor) }
        OpenPorts.unregister(ObjectIdentifier(self))
    }

    override var kindName: String { "file" }
    override var identifierForPrinting: String { String(descriptor) }

    override func emit(_ text: String) throws {
        if let first = flushesFirst, first !== self { try first.flush() }
        pending.append(contentsOf: text.utf8)
        switch buffering {
        case .none: try flush()
        case .line: if text.utf8.contains(0x0A) { try flush() }
        case .block: if pending.count >= Self.chunkSize { try flush() }
        }
    }

    package override func flush() throws {
        guard !pending.isEmpty else { return }
        var written = 0
        defer { pending.removeFirst(min(written, pending.count)) }
        while written < pending.count {
            let result = pending.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + written, bytes.count - written)
            }
            if result < 0 {
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                // Drop what cannot be written so later flushes do not fail again forever.
                written = pending.count
                throw SystemErrors.error("fport_write", code: code)
            }
            written += result
        }
    }

    override func releaseResources() {
        if ownsDescriptor { _ = Glibc.close(descriptor) }
        OpenPorts.unregister(ObjectIdentifier(self))
    }
}

/// Input from a file descriptor read on demand (standard input).
package final class FileDescriptorInputPort: Port {
    private let descriptor: Int32
    private var undecoded: [UInt8] = []
    private var atEnd = false

    package init(descriptor: Int32) {
        self.descriptor = descriptor
        super.init(input: true, output: false)
    }

    override var kindName: String { "file" }
    override var identifierForPrinting: String { String(descriptor) }

    override func refill() throws -> Bool {
        guard !atEnd else { return false }
        // Forget consumed characters so a long stream does not accumulate.
        if position > 0 {
            buffer.removeFirst(min(position, buffer.count))
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return Glibc.read(descriptor, base, bytes.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemErrors.error("fport_read", code: errno)
            }
            if count == 0 {
                atEnd = true
                buffer.append(contentsOf: String(decoding: undecoded, as: UTF8.self).unicodeScalars)
                undecoded = []
                return position < buffer.count
            }
            undecoded.append(contentsOf: chunk[0..<count])
            let complete = UTF8Boundary.completePrefix(undecoded)
            buffer.append(contentsOf: String(decoding: undecoded[0..<complete], as: UTF8.self).unicodeScalars)
            undecoded.removeFirst(complete)
            if position < buffer.count { return true }
        }
    }

    override func releaseResources() {}
}

enum UTF8Boundary {
    /// The length of the longest prefix of `bytes` that does not end inside a
    /// multi-byte sequence, so that a read split mid-character decodes correctly.
    static func completePrefix(_ bytes: [UInt8]) -> Int {
        var i = bytes.count
        var back = 0
        while i > 0, back < 4 {
            let byte = bytes[i - 1]
            if byte & 0xC0 != 0x80 {
                let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return back + 1 >= needed ? bytes.count : i - 1
            }
            i -= 1
            back += 1
        }
        return bytes.count
    }
}

/// File-descriptor output ports that are still open, so that everything can be
/// flushed when the process exits (as C's `exit` flushes stdio streams).
package enum OpenPorts {
    private final class WeakPort: @unchecked Sendable {
        weak var port: FileDescriptorOutputPort?
        init(_ port: FileDescriptorOutputPort) { self.port = port }
    }

    private static let table = Mutex<[ObjectIdentifier: WeakPort]>([:])

    static func register(_ port: FileDescriptorOutputPort) {
        let box = WeakPort(port)
        table.withLock { $0[ObjectIdentifier(port)] = box }
    }

    static func unregister(_ id: ObjectIdentifier) {
        _ = table.withLock { $0.removeValue(forKey: id) }
    }

    /// Flushes every open file and standard-stream port. Call at exit, when no
    /// runtime is running on another thread (ports are not thread-safe).
    package static func flushAll() {
        let ports = table.withLock { $0.values.compactMap(\.port) }
        for port in ports { try? port.flush() }
    }
}

/// Guile-style `system-error`s built from `errno`.
package enum SystemErrors {
    package static func error(_ who: String, code: Int32, detail: String? = nil) -> SchemeError {
        let text = String(cString: strerror(code))
        let message = detail.map { "in procedure \(who): \(text): \($0)" } ?? "in procedure \(who): \(text)"
        return SchemeError(.system, who: who, message: message, irritants: [.fixnum(Int(code))])
    }
}
