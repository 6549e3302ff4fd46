import Testing
@testable import StoreFormats

private func reader(_ wire: [Wire], bufferSize: Int = 64, maxReadSize: Int = .max) -> ByteReader<ArraySource> {
    ByteReader(ArraySource(Wire.encode(wire), maxReadSize: maxReadSize), bufferSize: bufferSize)
}

@Test(arguments: [1, 3, 8, 1000])
func readsIntegersAndStrings(maxReadSize: Int) throws {
    var r = reader([.n(0x0102_0304_0506_0708), .s("hello"), .s(""), .s("12345678"), .n(UInt64.max)],
                   maxReadSize: maxReadSize)
    #expect(try r.readU64() == 0x0102_0304_0506_0708)
    #expect(try r.readString(maxLength: 5) == Array("hello".utf8))
    #expect(r.bytesConsumed == 8 + 8 + 8)
    #expect(try r.readString(maxLength: 0) == [])
    try r.readToken("12345678")
    #expect(try r.readU64() == UInt64.max)
    #expect(try r.isAtEnd)
    #expect(try r.atEOF())
    #expect(r.bytesConsumed == 8 + 16 + 8 + 16 + 8)
}

@Test func littleEndianOnTheWire() throws {
    var r = ByteReader(ArraySource([1, 0, 0, 0, 0, 0, 0, 0x80]))
    #expect(try r.readU64() == 0x8000_0000_0000_0001)
}

@Test func refusesLongStringsBeforeReadingThem() throws {
    // Nothing follows the length: a reader that allocated or read first
    // would report the end of data instead.
    var r = reader([.n(1 << 62)])
    #expect(throws: ByteReaderError.stringTooLong(length: 1 << 62, limit: 100, offset: 0)) {
        try r.readString(maxLength: 100)
    }
    var w = reader([.n(UInt64.max)])
    #expect(throws: ByteReaderError.stringTooLong(length: UInt64.max, limit: 10, offset: 0)) {
        try w.withString(maxLength: 10) { $0.count }
    }
}

@Test func checksPadding() throws {
    var bytes = Wire.encode([.s("abc")])
    bytes[8 + 4] = 1
    var r = ByteReader(ArraySource(bytes))
    #expect(throws: ByteReaderError.nonZeroPadding(offset: 11)) { try r.readString(maxLength: 10) }
    var s = ByteReader(ArraySource(bytes))
    #expect(throws: ByteReaderError.self) { try s.withString(maxLength: 10) { _ in () } }
    var t = ByteReader(ArraySource(bytes))
    #expect(throws: ByteReaderError.self) { try t.readToken("abc") }
}

@Test func reportsTheEndOfData() throws {
    var r = ByteReader(ArraySource([1, 2, 3]))
    #expect(throws: ByteReaderError.unexpectedEnd(offset: 3)) { try r.readU64() }
    var s = reader([.n(10), .raw([1, 2, 3])])
    #expect(throws: ByteReaderError.unexpectedEnd(offset: 11)) { try s.readString(maxLength: 100) }
}

@Test func tokenMismatchesQuoteShortStringsOnly() throws {
    var r = reader([.s("other")])
    #expect(throws: ByteReaderError.unexpectedToken(expected: "(", found: "'other'", offset: 0)) { try r.readToken("(") }
    var s = reader([.n(1000)])
    #expect(throws: ByteReaderError.unexpectedToken(expected: "(", found: "a string of 1000 bytes", offset: 0)) {
        try s.readToken("(")
    }
}

@Test(arguments: [1, 7, 64, 5000])
func streamsLargeContentsThroughASmallBuffer(maxReadSize: Int) throws {
    let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    var r = ByteReader(ArraySource(Wire.encode([.b(data), .n(42)]), maxReadSize: maxReadSize), bufferSize: 256)
    let length = try r.readU64()
    var received = [UInt8]()
    var largestChunk = 0
    try r.readBytes(count: length) { chunk in
        received.append(contentsOf: chunk)
        largestChunk = max(largestChunk, chunk.count)
    }
    try r.skipPadding(for: length)
    #expect(received == data)
    #expect(largestChunk <= 256, "chunks are views into the fixed buffer")
    #expect(try r.readU64() == 42)
    #expect(try r.isAtEnd)
}

@Test func stringsLongerThanTheBufferAreStillRead() throws {
    let long = [UInt8](repeating: 0x61, count: 1000)
    var r = reader([.b(long), .b(long)], bufferSize: 64)
    #expect(try r.readString(maxLength: 1000) == long)
    #expect(try r.withString(maxLength: 1000) { Array($0) } == long)
}

@Test func shortStringsAndTheirLimit() throws {
    var r = reader([.s("directory"), .s("sixteen-bytes-xx")])
    #expect(try r.readShortString() == "directory")
    #expect(throws: ByteReaderError.stringTooLong(length: 16, limit: 15, offset: 24)) { try r.readShortString() }
}

/// Counts what it hands out, like a pipe that has `step` bytes ready at a time.
private final class Counter { var handedOut = 0 }
private struct CountingSource: ByteSource {
    var inner: ArraySource
    let counter: Counter
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        counter.handedOut += count
        return count
    }
}

@Test func readsNoFurtherThanAsked() throws {
    // On a pipe, reading beyond what the caller needs could block forever;
    // the reader asks the source again only when it lacks bytes.
    let counter = Counter()
    let source = CountingSource(inner: ArraySource(Wire.encode([.n(1), .n(2), .n(3)]), maxReadSize: 8), counter: counter)
    var r = ByteReader(source, bufferSize: 4096)
    #expect(try r.readU64() == 1)
    #expect(counter.handedOut == 8)
    #expect(try r.readU64() == 2)
    #expect(counter.handedOut == 16)
    #expect(try r.readU64() == 3)
    #expect(try r.isAtEnd)
    #expect(counter.handedOut == 24)
}

@Test func sourceOverrunIsAnError() {
    struct Liar: ByteSource {
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { buffer.count + 1 }
    }
    var r = ByteReader(Liar())
    #expect(throws: ByteReaderError.self) { try r.readU64() }
}
