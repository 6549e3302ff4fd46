import Basics

/// Where serialised bytes go: a hash context, a file, a socket. The buffer
/// is only valid during the call.
package typealias ByteSink = (UnsafeRawBufferPointer) throws -> Void

/// Writes a NAR as a stream of calls mirroring a tree walk:
///
///     begin()
///     beginDirectory()
///       beginEntry(name:) beginRegular(executable:size:) writeContents(…) endRegular() endEntry()
///       beginEntry(name:) symlink(target:) endEntry()
///     endDirectory()
///     finish()
///
/// It checks the calls come in a valid order, that entry names are valid and
/// strictly sorted by bytes and that each file gets exactly its declared
/// size, so whatever it produces is a canonical NAR that Nix hashes the same.
/// Small writes are batched in a buffer; large content chunks go straight
/// to the sink without a copy.
package struct NARWriter {
    package static var defaultBufferSize: Int { 64 * 1024 }

    private enum State {
        case notStarted
        case expectingNode
        case inDirectory
        case inRegular(declared: UInt64, remaining: UInt64)
        /// A node is complete: awaiting `endEntry`, or `finish` at the root.
        case nodeDone
        case finished
    }

    private let sink: ByteSink
    private var buffer: [UInt8]
    private var used = 0
    private var state = State.notStarted
    /// The last entry name written in each open directory.
    private var previousNames: [[UInt8]?] = []
    /// Bytes of NAR produced so far (buffered or passed to the sink).
    package private(set) var bytesWritten: UInt64 = 0

    package init(sink: @escaping ByteSink, bufferSize: Int = Self.defaultBufferSize) {
        self.sink = sink
        self.buffer = [UInt8](repeating: 0, count: max(bufferSize, 1))
    }

    // MARK: Calls

    package mutating func begin() throws {
        guard case .notStarted = state else { throw misuse("begin() called twice") }
        try append(Tokens.magic)
        state = .expectingNode
    }

    package mutating func beginDirectory() throws {
        try requireNodeExpected("beginDirectory()")
        try append(Tokens.directoryHeader)
        previousNames.append(nil)
        state = .inDirectory
    }

    package mutating func beginEntry(name: [UInt8]) throws {
        guard case .inDirectory = state else { throw misuse("beginEntry(name:) outside a directory") }
        if let reason = NAREntryName.problem(with: name) { throw NARError(.invalidName(name, reason: reason)) }
        if let previous = previousNames[previousNames.count - 1] {
            if name == previous { throw NARError(.duplicateName(name)) }
            if name.lexicographicallyPrecedes(previous) {
                throw NARError(.unsortedNames(previous: previous, next: name))
            }
        }
        previousNames[previousNames.count - 1] = name
        try append(Tokens.entryHeader)
        try appendString(name)
        try append(Tokens.node)
        state = .expectingNode
    }

    package mutating func endEntry() throws {
        guard case .nodeDone = state, !previousNames.isEmpty else {
            throw misuse("endEntry() without a complete entry")
        }
        try append(Tokens.close)
        state = .inDirectory
    }

    package mutating func endDirectory() throws {
        guard case .inDirectory = state else { throw misuse("endDirectory() outside a directory") }
        try append(Tokens.close)
        previousNames.removeLast()
        state = .nodeDone
    }

    package mutating func beginRegular(executable: Bool, size: UInt64) throws {
        try requireNodeExpected("beginRegular(executable:size:)")
        try append(executable ? Tokens.executableHeader : Tokens.regularHeader)
        try appendU64(size)
        state = .inRegular(declared: size, remaining: size)
    }

    package mutating func writeContents(_ chunk: UnsafeRawBufferPointer) throws {
        guard case .inRegular(let declared, let remaining) = state else {
            throw misuse("writeContents(_:) outside a regular file")
        }
        guard UInt64(chunk.count) <= remaining else {
            throw NARError(.sizeMismatch(declared: declared, written: declared - remaining + UInt64(chunk.count)))
        }
        try append(chunk)
        state = .inRegular(declared: declared, remaining: remaining - UInt64(chunk.count))
    }

    package mutating func endRegular() throws {
        guard case .inRegular(let declared, let remaining) = state else {
            throw misuse("endRegular() outside a regular file")
        }
        guard remaining == 0 else {
            throw NARError(.sizeMismatch(declared: declared, written: declared - remaining))
        }
        try appendPadding(for: declared)
        try append(Tokens.close)
        state = .nodeDone
    }

    package mutating func symlink(target: [UInt8]) throws {
        try requireNodeExpected("symlink(target:)")
        guard !target.isEmpty else { throw NARError(.invalidTarget(reason: "it is empty")) }
        guard !target.contains(0) else { throw NARError(.invalidTarget(reason: "it contains a NUL byte")) }
        try append(Tokens.symlinkHeader)
        try appendString(target)
        try append(Tokens.close)
        state = .nodeDone
    }

    /// Checks the archive is complete and hands the last buffered bytes to
    /// the sink.
    package mutating func finish() throws {
        guard case .nodeDone = state, previousNames.isEmpty else {
            throw misuse("finish() before the root node is complete")
        }
        try flush()
        state = .finished
    }

    // MARK: Checks

    private func requireNodeExpected(_ call: String) throws {
        guard case .expectingNode = state else {
            throw misuse("\(call) where no node is expected (call begin() or beginEntry(name:) first)")
        }
    }

    private func misuse(_ what: String) -> NARError {
        NARError(.writerMisuse(what))
    }

    // MARK: Output

    private mutating func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        bytesWritten += UInt64(bytes.count)
        if bytes.count >= buffer.count {
            // Large chunks (file contents, mostly) skip the copy.
            try flush()
            try sink(bytes)
            return
        }
        if used + bytes.count > buffer.count { try flush() }
        let offset = used
        buffer.withUnsafeMutableBytes { raw in
            raw.baseAddress.map { ($0 + offset).copyMemory(from: source, byteCount: bytes.count) }
        }
        used += bytes.count
    }

    private mutating func appendU64(_ value: UInt64) throws {
        try withUnsafeBytes(of: value.littleEndian) { try append($0) }
    }

    private mutating func appendPadding(for length: UInt64) throws {
        let padding = WireFormat.paddingLength(length)
        guard padding > 0 else { return }
        try withUnsafeBytes(of: UInt64(0)) { try append(UnsafeRawBufferPointer(rebasing: $0[0..<padding])) }
    }

    private mutating func appendString(_ bytes: [UInt8]) throws {
        try appendU64(UInt64(bytes.count))
        try append(bytes)
        try appendPadding(for: UInt64(bytes.count))
    }

    private mutating func flush() throws {
        guard used > 0 else { return }
        let count = used
        used = 0
        try buffer.withUnsafeBytes { raw in
            try sink(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }

    /// The fixed token runs of the format, encoded once.
    private enum Tokens {
        static let magic = WireFormat.encode(strings: ["nix-archive-1"])
        static let regularHeader = WireFormat.encode(strings: ["(", "type", "regular", "contents"])
        static let executableHeader = WireFormat.encode(strings: ["(", "type", "regular", "executable", "", "contents"])
        static let symlinkHeader = WireFormat.encode(strings: ["(", "type", "symlink", "target"])
        static let directoryHeader = WireFormat.encode(strings: ["(", "type", "directory"])
        static let entryHeader = WireFormat.encode(strings: ["entry", "(", "name"])
        static let node = WireFormat.encode(strings: ["node"])
        static let close = WireFormat.encode(strings: [")"])
    }
}

/// A sink that hashes what a `NARWriter` produces and counts its size, the
/// two facts the store records for every item. It can also pass the bytes
/// on (to a file, say), so one pass both stores and hashes.
package final class NARHashSink {
    package var context: HashContext
    package private(set) var size: UInt64 = 0
    private let next: ByteSink?

    package init(_ algorithm: HashAlgorithm = .sha256, forwardingTo next: ByteSink? = nil) {
        self.context = HashContext(algorithm)
        self.next = next
    }

    package var sink: ByteSink {
        { [self] bytes in
            context.update(bytes)
            size += UInt64(bytes.count)
            try next?(bytes)
        }
    }

    package func finalize() -> Hash {
        Hash(finalizing: context)
    }
}
