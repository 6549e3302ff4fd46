import Basics

/// Where a `ByteReader` pulls bytes from: a file, a pipe, a socket, memory.
/// Like POSIX `read`, it may return fewer bytes than asked, and 0 means the
/// end of the stream.
package protocol ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A source over bytes in memory. `maxReadSize` makes it return short reads,
/// which tests use to exercise buffer refills at every offset.
package struct ArraySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let maxReadSize: Int

    package init(_ bytes: [UInt8], maxReadSize: Int = .max) {
        self.bytes = bytes
        self.maxReadSize = max(1, maxReadSize)
    }

    package mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset, maxReadSize)
        guard count > 0, let destination = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress {
                destination.copyMemory(from: base + offset, byteCount: count)
            }
        }
        offset += count
        return count
    }
}

/// Low-level failures of the Nix wire format (u64 little-endian integers,
/// length-prefixed strings padded to 8 bytes). Parsers built on `ByteReader`
/// catch these and rethrow them in their own terms, adding where in the
/// archive or bundle the problem is.
package enum ByteReaderError: UserFacingError, Equatable {
    case unexpectedEnd(offset: UInt64)
    case nonZeroPadding(offset: UInt64)
    case stringTooLong(length: UInt64, limit: Int, offset: UInt64)
    case unexpectedToken(expected: String, found: String, offset: UInt64)
    /// A `ByteSource` claimed to have read more bytes than it was given room for.
    case sourceOverrun(count: Int)

    package var message: String {
        switch self {
        case .unexpectedEnd(let offset):
            "unexpected end of data at byte \(offset)"
        case .nonZeroPadding(let offset):
            "non-zero padding at byte \(offset)"
        case .stringTooLong(let length, let limit, let offset):
            "string of \(length) bytes at byte \(offset) exceeds the limit of \(limit)"
        case .unexpectedToken(let expected, let found, let offset):
            "expected '\(expected)' but found \(found) at byte \(offset)"
        case .sourceOverrun(let count):
            "a byte source returned \(count) bytes, more than the buffer holds"
        }
    }
}

/// A buffered reader for the Nix wire format. It reads ahead into a fixed
/// buffer and never further, so bytes after the structure a parser consumed
/// stay buffered for the next parser on the same stream (export bundles put a
/// trailer after every NAR). Contents are handed out as views into the
/// buffer, so memory stays bounded whatever the file sizes.
package struct ByteReader<Source: ByteSource> {
    package static var defaultBufferSize: Int { 256 * 1024 }

    package private(set) var source: Source
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    /// Bytes handed to the caller so far: the stream offset of the next byte.
    package private(set) var bytesConsumed: UInt64 = 0

    package init(_ source: Source, bufferSize: Int = Self.defaultBufferSize) {
        self.source = source
        // Room for a u64 and short tokens at the least; longer strings fall
        // back to copying through `readBytes`.
        self.buffer = [UInt8](repeating: 0, count: max(bufferSize, 64))
    }

    private var available: Int { end - start }

    /// True when the stream has no more bytes. It may block to find out.
    package var isAtEnd: Bool {
        mutating get throws {
            if available > 0 { return false }
            start = 0
            end = 0
            return try readOnce() == 0
        }
    }

    package mutating func atEOF() throws -> Bool {
        try isAtEnd
    }

    /// Reads once from the source into the free tail of the buffer.
    private mutating func readOnce() throws -> Int {
        let room = buffer.count - end
        let count = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        guard count >= 0 && count <= room else { throw ByteReaderError.sourceOverrun(count: count) }
        end += count
        return count
    }

    /// Makes at least `count` (≤ buffer size) bytes available, reading as
    /// little as possible: it stops as soon as there are enough, so it never
    /// blocks on a pipe for bytes nobody asked for.
    private mutating func require(_ count: Int) throws {
        if available >= count { return }
        if start + count > buffer.count {
            // Slide the unread bytes to the front to make room (copyMemory
            // is a memmove, so the overlap is fine).
            let pending = available
            buffer.withUnsafeMutableBytes { raw in
                if let base = raw.baseAddress, pending > 0 {
                    base.copyMemory(from: base + start, byteCount: pending)
                }
            }
            start = 0
            end = pending
        }
        while available < count {
            if try readOnce() == 0 {
                throw ByteReaderError.unexpectedEnd(offset: bytesConsumed + UInt64(available))
            }
        }
    }

    private mutating func consume(_ count: Int) {
        start += count
        bytesConsumed += UInt64(count)
    }

    package mutating func readU64() throws -> UInt64 {
        try require(8)
        let value = buffer.withUnsafeBytes { raw in
            raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)
        }
        consume(8)
        return UInt64(littleEndian: value)
    }

    /// Streams exactly `count` bytes to `handler` in chunks that are views
    /// into the buffer, valid only during the call.
    package mutating func readBytes(count: UInt64, into handler: (UnsafeRawBufferPointer) throws -> Void) throws {
        var remaining = count
        while remaining > 0 {
            if available == 0 {
                start = 0
                end = 0
                if try readOnce() == 0 {
                    throw ByteReaderError.unexpectedEnd(offset: bytesConsumed)
                }
            }
            let chunk = Int(min(UInt64(available), remaining))
            try buffer.withUnsafeBytes { raw in
                try handler(UnsafeRawBufferPointer(rebasing: raw[start..<(start + chunk)]))
            }
            consume(chunk)
            remaining -= UInt64(chunk)
        }
    }

    /// Consumes the zero bytes that pad a string of `length` bytes to a
    /// multiple of 8, rejecting any non-zero byte: padding is part of the
    /// hashed NAR, so accepting junk there would let two archives with
    /// different hashes unpack to the same tree.
    package mutating func skipPadding(for length: UInt64) throws {
        let padding = WireFormat.paddingLength(length)
        guard padding > 0 else { return }
        try require(padding)
        let clean = buffer.withUnsafeBytes { raw in
            raw[start..<(start + padding)].allSatisfy { $0 == 0 }
        }
        guard clean else { throw ByteReaderError.nonZeroPadding(offset: bytesConsumed) }
        consume(padding)
    }

    /// Reads a string's bytes and padding once its length is known. The
    /// caller has checked `length` against its limit, so the allocation is
    /// bounded.
    package mutating func readStringContents(length: UInt64) throws -> [UInt8] {
        var bytes = [UInt8]()
        // Bounded anyway in case a caller forgot its limit: memory then
        // grows only as real bytes arrive.
        bytes.reserveCapacity(Int(min(length, 1 << 20)))
        try readBytes(count: length) { bytes.append(contentsOf: $0) }
        try skipPadding(for: length)
        return bytes
    }

    /// Reads a length-prefixed string, refusing lengths over `maxLength`
    /// before allocating anything.
    package mutating func readString(maxLength: Int) throws -> [UInt8] {
        let offset = bytesConsumed
        let length = try readU64()
        guard length <= UInt64(max(maxLength, 0)) else {
            throw ByteReaderError.stringTooLong(length: length, limit: maxLength, offset: offset)
        }
        return try readStringContents(length: length)
    }

    /// Calls `body` with a length-prefixed string without copying it when it
    /// fits the buffer (the common case for tokens and names).
    package mutating func withString<R>(maxLength: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let offset = bytesConsumed
        let length = try readU64()
        guard length <= UInt64(max(maxLength, 0)) else {
            throw ByteReaderError.stringTooLong(length: length, limit: maxLength, offset: offset)
        }
        let padded = Int(length) + WireFormat.paddingLength(length)
        guard padded <= buffer.count else {
            let bytes = try readStringContents(length: length)
            return try bytes.withUnsafeBytes(body)
        }
        try require(padded)
        let (clean, result) = try buffer.withUnsafeBytes { raw in
            let padding = raw[(start + Int(length))..<(start + padded)]
            return (padding.allSatisfy { $0 == 0 },
                    try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + Int(length))])))
        }
        guard clean else { throw ByteReaderError.nonZeroPadding(offset: bytesConsumed + length) }
        consume(padded)
        return result
    }

    /// Reads a string that must equal `expected`. A mismatching string is
    /// only read (to quote it) when short; a long one is reported by length.
    package mutating func readToken(_ expected: String) throws {
        let offset = bytesConsumed
        let length = try readU64()
        let found: String
        if length <= 64 {
            let bytes = try readStringContents(length: length)
            if bytes.elementsEqual(expected.utf8) { return }
            found = "'" + String(decoding: bytes, as: UTF8.self) + "'"
        } else {
            found = "a string of \(length) bytes"
        }
        throw ByteReaderError.unexpectedToken(expected: expected, found: found, offset: offset)
    }

    /// Reads a string of at most 15 bytes as a `String`. Such strings are
    /// stored inline, so matching keywords this way allocates nothing.
    /// Longer strings throw `stringTooLong` without being read.
    package mutating func readShortString() throws -> String {
        let offset = bytesConsumed
        let length = try readU64()
        guard length <= 15 else {
            throw ByteReaderError.stringTooLong(length: length, limit: 15, offset: offset)
        }
        try require(Int(length) + WireFormat.paddingLength(length))
        let text = buffer.withUnsafeBytes { raw in
            String(decoding: raw[start..<(start + Int(length))], as: UTF8.self)
        }
        consume(Int(length))
        try skipPadding(for: length)
        return text
    }
}

/// Encoding helpers shared by the writers of the wire format.
package enum WireFormat {
    /// Zero bytes that follow a string of `length` bytes.
    package static func paddingLength(_ length: UInt64) -> Int {
        Int((8 - length % 8) % 8)
    }

    package static func append(_ value: UInt64, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    package static func append(string: some Collection<UInt8>, to output: inout [UInt8]) {
        append(UInt64(string.count), to: &output)
        output.append(contentsOf: string)
        output.append(contentsOf: repeatElement(0, count: paddingLength(UInt64(string.count))))
    }

    /// The concatenated encoding of several strings, for the fixed token
    /// sequences writers emit.
    package static func encode(strings: [String]) -> [UInt8] {
        var output = [UInt8]()
        for string in strings { append(string: Array(string.utf8), to: &output) }
        return output
    }
}
