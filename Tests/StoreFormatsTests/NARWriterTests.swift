import Basics
import Testing
@testable import StoreFormats

/// Runs `body` on a writer and returns everything it wrote.
private func written(bufferSize: Int = NARWriter.defaultBufferSize,
                     _ body: (inout NARWriter) throws -> Void) rethrows -> [UInt8] {
    var output = [UInt8]()
    var writer = NARWriter(sink: { output.append(contentsOf: $0) }, bufferSize: bufferSize)
    try body(&writer)
    return output
}

@Test func writesTheSameBytesAsNixForSingleFiles() throws {
    let hello = try written { writer in
        try writer.begin()
        try writer.beginRegular(executable: false, size: 6)
        try Array("hello\n".utf8).withUnsafeBytes { try writer.writeContents($0) }
        try writer.endRegular()
        try writer.finish()
    }
    #expect(hello == (try Fixtures.bytes("hello.nar")))

    let script = Array("#!/bin/sh\necho hi\n".utf8)
    let exe = try written { writer in
        try writer.begin()
        try writer.beginRegular(executable: true, size: UInt64(script.count))
        // In two pieces, split mid-line.
        try script[0..<5].withUnsafeBytes { try writer.writeContents($0) }
        try script[5...].withUnsafeBytes { try writer.writeContents($0) }
        try writer.endRegular()
        try writer.finish()
    }
    #expect(exe == (try Fixtures.bytes("exe.nar")))

    let symlink = try written { writer in
        try writer.begin()
        try writer.symlink(target: Array("some/target".utf8))
        try writer.finish()
    }
    #expect(symlink == (try Fixtures.bytes("symlink.nar")))
}

@Test(arguments: [(1, 1), (3, 16), (4096, 64), (100_000, NARWriter.defaultBufferSize)])
func rewritesTheFixtureTreeByteForByte(chunkSize: Int, bufferSize: Int) throws {
    let nar = try Fixtures.bytes("tree.nar")
    let tree = try parseTree(nar)
    #expect(try serialise(tree, chunkSize: chunkSize, bufferSize: bufferSize) == nar)
}

@Test func writesATreeBuiltByHandLikeNix() throws {
    // The fixture tree minus data.bin (random bytes), which is taken from
    // the parsed fixture.
    let parsed = try parseTree(try Fixtures.bytes("tree.nar"))
    let data = try #require(parsed.child("data.bin"))
    let tree: Node = .directory([
        .init("README", .file("hello\n")),
        .init("Zeta", .file("Z")),
        .init("a", .file("a")),
        .init("a-b", .file("ab")),
        .init("a.b", .file("abc")),
        .init("abs", .link("/etc/passwd")),
        .init("bin", .directory([.init("run", .file("#!/bin/sh\necho hi\n", executable: true))])),
        .init("café.txt", .file("caf\n")),
        .init("data.bin", data),
        .init("empty", .file("")),
        .init("emptydir", .directory([])),
        .init("lib", .link("bin")),
        .init("nested", .directory([.init("a", .directory([.init("b", .directory([
            .init("c", .directory([.init("deep.txt", .file("deep\n"))])),
        ]))]))])),
        .init("up", .link("../x")),
    ])
    #expect(try serialise(tree) == (try Fixtures.bytes("tree.nar")))
}

@Test(arguments: HashAlgorithm.allCases)
func hashSinkGivesNixHashOfTheTree(algorithm: HashAlgorithm) throws {
    let tree = try parseTree(try Fixtures.bytes("tree.nar"))
    let hasher = NARHashSink(algorithm)
    var writer = NARWriter(sink: hasher.sink)
    try writer.begin()
    try write(tree, to: &writer, chunkSize: 100)
    try writer.finish()
    #expect(hasher.size == UInt64(try Fixtures.bytes("tree.nar").count))
    let expected = try Fixtures.expected("tree.nar.\(algorithm.rawValue).base32")
    #expect(hasher.finalize().encoded(.nixBase32, withAlgorithm: false) == expected)
}

@Test func hashSinkForwardsTheBytes() throws {
    var copy = [UInt8]()
    let hasher = NARHashSink(.sha256, forwardingTo: { copy.append(contentsOf: $0) })
    var writer = NARWriter(sink: hasher.sink)
    try writer.begin()
    try writer.symlink(target: Array("some/target".utf8))
    try writer.finish()
    #expect(copy == (try Fixtures.bytes("symlink.nar")))
    #expect(hasher.finalize() == Hash.compute(.sha256, of: copy))
}

@Test func batchesSmallWritesAndPassesLargeChunksThrough() throws {
    var calls: [(address: UnsafeRawPointer?, count: Int)] = []
    var writer = NARWriter(sink: { calls.append(($0.baseAddress, $0.count)) }, bufferSize: 8192)
    try writer.begin()
    try writer.beginDirectory()
    for i in 0..<20 {
        try writer.beginEntry(name: Array("f\(10 + i)".utf8))
        try writer.beginRegular(executable: false, size: 1)
        try [UInt8(i)].withUnsafeBytes { try writer.writeContents($0) }
        try writer.endRegular()
        try writer.endEntry()
    }
    #expect(calls.isEmpty, "small writes stay buffered until the buffer fills")
    let big = [UInt8](repeating: 7, count: 8192)
    try writer.beginEntry(name: Array("z".utf8))
    try writer.beginRegular(executable: false, size: UInt64(big.count))
    try big.withUnsafeBytes { chunk in
        try writer.writeContents(chunk)
        // The chunk reached the sink as is, not copied.
        #expect(calls.last?.address == chunk.baseAddress)
        #expect(calls.last?.count == big.count)
    }
    try writer.endRegular()
    try writer.endEntry()
    try writer.endDirectory()
    let before = calls.count
    try writer.finish()
    #expect(calls.count == before + 1, "finish flushes the rest")
    #expect(calls.reduce(0) { $0 + $1.count } == Int(writer.bytesWritten))
}

/// The error a sequence of writer calls ends with.
private func failure(_ body: (inout NARWriter) throws -> Void) -> NARError.Kind? {
    var writer = NARWriter(sink: { _ in })
    do {
        try body(&writer)
        Issue.record("no error")
        return nil
    } catch let error as NARError {
        return error.kind
    } catch {
        Issue.record("unexpected \(error)")
        return nil
    }
}

private func entry(_ writer: inout NARWriter, _ name: String) throws {
    try writer.beginEntry(name: Array(name.utf8))
    try writer.symlink(target: Array("t".utf8))
    try writer.endEntry()
}

@Test func refusesUnsortedDuplicateAndInvalidNames() {
    let unsorted = failure { w in
        try w.begin(); try w.beginDirectory(); try entry(&w, "c"); try entry(&w, "b")
    }
    #expect(unsorted == .unsortedNames(previous: Array("c".utf8), next: Array("b".utf8)))
    #expect(failure { w in try w.begin(); try w.beginDirectory(); try entry(&w, "a"); try entry(&w, "a") }
        == .duplicateName(Array("a".utf8)))
    for bad in ["", ".", "..", "a/b", "a\u{0}"] {
        let kind = failure { w in try w.begin(); try w.beginDirectory(); try entry(&w, bad) }
        guard case .invalidName? = kind else {
            Issue.record("'\(bad)' accepted")
            continue
        }
    }
    // Sorting is per directory: a new directory starts afresh.
    #expect(throws: Never.self) {
        _ = try written { w in
            try w.begin(); try w.beginDirectory()
            try w.beginEntry(name: Array("m".utf8)); try w.beginDirectory(); try entry(&w, "z"); try w.endDirectory(); try w.endEntry()
            try entry(&w, "n")
            try w.endDirectory(); try w.finish()
        }
    }
}

@Test func refusesWrongContentSizes() {
    let bytes: [UInt8] = [1, 2, 3]
    #expect(failure { w in
        try w.begin(); try w.beginRegular(executable: false, size: 2)
        try bytes.withUnsafeBytes { try w.writeContents($0) }
    } == .sizeMismatch(declared: 2, written: 3))
    #expect(failure { w in
        try w.begin(); try w.beginRegular(executable: false, size: 4)
        try bytes.withUnsafeBytes { try w.writeContents($0) }
        try w.endRegular()
    } == .sizeMismatch(declared: 4, written: 3))
}

@Test func refusesBadSymlinkTargets() {
    #expect(failure { w in try w.begin(); try w.symlink(target: []) } == .invalidTarget(reason: "it is empty"))
    #expect(failure { w in try w.begin(); try w.symlink(target: [0x61, 0]) }
        == .invalidTarget(reason: "it contains a NUL byte"))
}

@Test func refusesCallsOutOfOrder() {
    let sequences: [(String, (inout NARWriter) throws -> Void)] = [
        ("node before begin", { w in try w.beginDirectory() }),
        ("begin twice", { w in try w.begin(); try w.begin() }),
        ("entry outside a directory", { w in try w.begin(); try w.beginEntry(name: [0x61]) }),
        ("two root nodes", { w in try w.begin(); try w.symlink(target: [0x61]); try w.symlink(target: [0x61]) }),
        ("node without an entry", { w in try w.begin(); try w.beginDirectory(); try w.symlink(target: [0x61]) }),
        ("endEntry without node", { w in try w.begin(); try w.beginDirectory(); try w.beginEntry(name: [0x61]); try w.endEntry() }),
        ("endDirectory inside an entry", { w in
            try w.begin(); try w.beginDirectory(); try w.beginEntry(name: [0x61]); try w.symlink(target: [0x61]); try w.endDirectory()
        }),
        ("contents outside a file", { w in try w.begin(); try [UInt8]().withUnsafeBytes { try w.writeContents($0) } }),
        ("endRegular outside a file", { w in try w.begin(); try w.endRegular() }),
        ("finish with an open directory", { w in try w.begin(); try w.beginDirectory(); try w.finish() }),
        ("finish before anything", { w in try w.begin(); try w.finish() }),
        ("write after finish", { w in try w.begin(); try w.symlink(target: [0x61]); try w.finish(); try w.symlink(target: [0x61]) }),
    ]
    for (label, body) in sequences {
        guard case .writerMisuse? = failure(body) else {
            Issue.record("\(label): not refused as misuse")
            continue
        }
    }
    let error = NARError(.writerMisuse("finish() before the root node is complete"))
    #expect(error.message == "cannot write NAR: finish() before the root node is complete")
    #expect(error.hint?.contains("bug") == true)
}

@Test func sinkErrorsPropagate() {
    struct Full: Error {}
    var writer = NARWriter(sink: { _ in throw Full() }, bufferSize: 16)
    #expect(throws: Full.self) {
        try writer.begin()
        try writer.symlink(target: Array("a long enough target to overflow the buffer".utf8))
        try writer.finish()
    }
}
