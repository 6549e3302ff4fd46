import Testing
@testable import StoreFormats

// MARK: Fixtures written by nix-store --dump

@Test func readsTheFixtureTree() throws {
    let tree = try parseTree(try Fixtures.bytes("tree.nar"))
    guard case .directory(let entries) = tree else {
        Issue.record("root is not a directory")
        return
    }
    #expect(entries.map { String(decoding: $0.name, as: UTF8.self) } == [
        "README", "Zeta", "a", "a-b", "a.b", "abs", "bin", "café.txt", "data.bin", "empty", "emptydir", "lib",
        "nested", "up",
    ])
    #expect(tree.child("README") == .file("hello\n"))
    #expect(tree.child("a.b") == .file("abc"))
    #expect(tree.child("empty") == .file(""))
    #expect(tree.child("bin/run") == .file("#!/bin/sh\necho hi\n", executable: true))
    #expect(tree.child("lib") == .link("bin"))
    #expect(tree.child("abs") == .link("/etc/passwd"))
    #expect(tree.child("up") == .link("../x"))
    #expect(tree.child("café.txt") == .file("caf\n"))
    #expect(tree.child("emptydir") == .directory([]))
    #expect(tree.child("nested/a/b/c/deep.txt") == .file("deep\n"))
    guard case .regular(false, let data) = tree.child("data.bin") else {
        Issue.record("data.bin is not a plain file")
        return
    }
    #expect(data.count == 1000)
}

@Test func readsSingleNodeArchives() throws {
    #expect(try parseTree(try Fixtures.bytes("hello.nar")) == .file("hello\n"))
    #expect(try parseTree(try Fixtures.bytes("exe.nar")) == .file("#!/bin/sh\necho hi\n", executable: true))
    #expect(try parseTree(try Fixtures.bytes("symlink.nar")) == .link("some/target"))
}

@Test(arguments: [(64, 1), (64, 7), (100, 64), (4096, 3), (256 * 1024, .max)])
func resultDoesNotDependOnBufferingOrShortReads(bufferSize: Int, maxReadSize: Int) throws {
    let bytes = try Fixtures.bytes("tree.nar")
    #expect(try parseTree(bytes, bufferSize: bufferSize, maxReadSize: maxReadSize) == parseTree(bytes))
}

/// Logs events so their nesting can be checked.
private struct EventLog: NARVisitor {
    var events: [String] = []
    static func show(_ name: [UInt8]?) -> String { name.map { String(decoding: $0, as: UTF8.self) } ?? "<root>" }
    mutating func directory(name: [UInt8]?) { events.append("dir \(Self.show(name))") }
    mutating func endDirectory() { events.append("end") }
    mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) {
        events.append("file \(Self.show(name)) \(executable ? "x" : "-") \(size)")
    }
    mutating func contents(_ chunk: UnsafeRawBufferPointer) {}
    mutating func endRegular() { events.append("endfile") }
    mutating func symlink(name: [UInt8]?, target: [UInt8]) {
        events.append("link \(Self.show(name)) -> \(String(decoding: target, as: UTF8.self))")
    }
}

@Test func eventsAreNestedWithRelativeNames() throws {
    let tree: Node = .directory([
        .init("a", .directory([.init("b", .file("xy", executable: true)), .init("c", .directory([]))])),
        .init("d", .link("a/b")),
    ])
    var reader = ByteReader(ArraySource(try serialise(tree)))
    var log = EventLog()
    try NARReader.parseWhole(&reader, into: &log)
    #expect(log.events == [
        "dir <root>", "dir a", "file b x 2", "endfile", "dir c", "end", "end", "link d -> a/b", "end",
    ])
}

@Test func stopsAfterTheArchiveAndLeavesTheRestBuffered() throws {
    let nar = try Fixtures.bytes("hello.nar")
    var reader = ByteReader(ArraySource(nar + Wire.encode([.n(0x4558_494e), .s("after")])), bufferSize: 4096)
    var builder = TreeBuilder()
    try NARReader.parse(&reader, into: &builder)
    #expect(builder.root == .file("hello\n"))
    #expect(reader.bytesConsumed == UInt64(nar.count))
    #expect(try reader.readU64() == 0x4558_494e)
    #expect(try reader.readString(maxLength: 10) == Array("after".utf8))
    #expect(try reader.isAtEnd)
}

// MARK: Hostile archives

private let magic: [Wire] = [.s("nix-archive-1")]

private func file(_ contents: String, executable: Bool = false) -> [Wire] {
    [.s("("), .s("type"), .s("regular")] + (executable ? [.s("executable"), .s("")] : [])
        + [.s("contents"), .s(contents), .s(")")]
}

private func directory(_ entries: [([UInt8], [Wire])]) -> [Wire] {
    var wire: [Wire] = [.s("("), .s("type"), .s("directory")]
    for (name, node) in entries {
        wire += [.s("entry"), .s("("), .s("name"), .b(name), .s("node")] + node + [.s(")")]
    }
    return wire + [.s(")")]
}

private func directory(_ entries: [(String, [Wire])]) -> [Wire] {
    directory(entries.map { (Array($0.0.utf8), $0.1) })
}

private func link(_ target: [UInt8]) -> [Wire] {
    [.s("("), .s("type"), .s("symlink"), .s("target"), .b(target), .s(")")]
}

/// Parses `bytes` expecting a NARError and returns it.
private func rejection(_ bytes: [UInt8], limits: NARLimits = .init(),
                       sourceLocation: SourceLocation = #_sourceLocation) -> NARError? {
    do {
        _ = try parseTree(bytes, bufferSize: 4096, limits: limits)
        Issue.record("the archive was accepted", sourceLocation: sourceLocation)
        return nil
    } catch let error as NARError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

private func rejection(_ wire: [Wire], limits: NARLimits = .init(),
                       sourceLocation: SourceLocation = #_sourceLocation) -> NARError? {
    rejection(Wire.encode(wire), limits: limits, sourceLocation: sourceLocation)
}

@Test func handMadeCanonicalArchiveIsAccepted() throws {
    // Guards the helpers below: without a mutation they build valid archives.
    let tree = try parseTree(Wire.encode(magic + directory([("a", file("1")), ("b", link(Array("a".utf8)))])))
    #expect(tree == .directory([.init("a", .file("1")), .init("b", .link("a"))]))
}

@Test func rejectsBadMagic() {
    #expect(rejection([.s("nix-archive-2")] + file(""))?.kind == .badMagic)
    #expect(rejection([.s("nix-archive")] + file(""))?.kind == .badMagic)
    #expect(rejection([.n(1 << 60)])?.kind == .badMagic)
    #expect(rejection([UInt8]())?.kind == .truncated)
    let error = rejection([.s("NIX-ARCHIVE-1")] + file(""))
    #expect(error?.message.hasPrefix("invalid NAR: it does not start with 'nix-archive-1'") == true)
    #expect(error?.hint?.contains("decompress") == true)
}

@Test func rejectsUnknownTokens() {
    #expect(rejection(magic + [.s("("), .s("type"), .s("fifo"), .s(")")])?.kind == .unknownFileType("fifo"))
    #expect(rejection(magic + [.s("("), .s("kind"), .s("regular")])?.kind
        == .unexpectedToken(expected: "'type'", found: "'kind'"))
    #expect(rejection(magic + [.s("["), .s("type")])?.kind == .unexpectedToken(expected: "'('", found: "'['"))
    #expect(rejection(magic + [.s("("), .s("type"), .s("regular"), .s("contentz")])?.kind
        == .unexpectedToken(expected: "'executable' or 'contents'", found: "'contentz'"))
    #expect(rejection(magic + [.s("("), .s("type"), .s("directory"), .s("entries")])?.kind
        == .unexpectedToken(expected: "'entry' or ')'", found: "'entries'"))
    #expect(rejection(magic + [.s("("), .s("type"), .s("symlink"), .s("targets")])?.kind
        == .unexpectedToken(expected: "'target'", found: "'targets'"))
    // Fields out of the canonical order.
    #expect(rejection(magic + [.s("("), .s("type"), .s("regular"), .s("contents"), .s(""), .s("executable"), .s("")])?.kind
        == .unexpectedToken(expected: "')'", found: "'executable'"))
    #expect(rejection(magic + [.s("("), .s("type"), .s("regular"), .s("executable"), .s(""), .s("executable")])?.kind
        == .unexpectedToken(expected: "'contents'", found: "'executable'"))
    // A huge token is reported by length, not read.
    #expect(rejection(magic + [.s("("), .s("type"), .n(1 << 62)])?.kind
        == .unexpectedToken(expected: "a file type", found: "a string of \(UInt64(1) << 62) bytes"))
    #expect(rejection(magic + [.s("("), .s("type"), .s("regular"), .s("executable"), .s("yes")])?.kind
        == .nonEmptyExecutableMarker)
}

@Test func rejectsUnsortedAndDuplicateNames() {
    let unsorted = rejection(magic + directory([("c", file("")), ("b", file(""))]))
    #expect(unsorted?.kind == .unsortedNames(previous: Array("c".utf8), next: Array("b".utf8)))
    #expect(unsorted?.message.hasPrefix("invalid NAR: entry names not sorted: 'b' after 'c'") == true)
    // Byte order: upper case sorts before lower case.
    #expect(rejection(magic + directory([("a", file("")), ("B", file(""))]))?.kind
        == .unsortedNames(previous: Array("a".utf8), next: Array("B".utf8)))
    #expect(rejection(magic + directory([("a", file("")), ("a", file(""))]))?.kind == .duplicateName(Array("a".utf8)))
    // Order is per directory, and the error names the directory.
    let nested = rejection(magic + directory([("d", directory([("y", file("")), ("x", file(""))]))]))
    #expect(nested?.path == "/d")
}

@Test func rejectsInvalidNames() {
    let bad: [[UInt8]] = [[], Array(".".utf8), Array("..".utf8), Array("a/b".utf8), [0x61, 0, 0x62], Array("/".utf8)]
    for name in bad {
        guard case .invalidName(let rejected, _)? = rejection(magic + directory([(name, file("x"))]))?.kind else {
            Issue.record("name \(name) not rejected as invalid")
            continue
        }
        #expect(rejected == name)
    }
    // Names that look odd but are fine.
    for name in ["...", ".a", "a..", " ", "\u{7F}"] {
        #expect(throws: Never.self) { try parseTree(Wire.encode(magic + directory([(name, file("x"))]))) }
    }
}

@Test func rejectsOverlongNamesBeforeReadingThem() {
    let long = String(repeating: "n", count: 256)
    #expect(rejection(magic + directory([(long, file(""))]))?.kind == .nameTooLong(length: 256, limit: 255))
    #expect(throws: Never.self) { try parseTree(Wire.encode(magic + directory([(String(long.dropLast()), file(""))]))) }
    #expect(rejection(magic + directory([("abc", file(""))]), limits: NARLimits(maxNameLength: 2))?.kind
        == .nameTooLong(length: 3, limit: 2))
    // An absurd length with no bytes behind it: refused on the length alone.
    let absurd = magic + [.s("("), .s("type"), .s("directory"), .s("entry"), .s("("), .s("name"), .n(UInt64.max)]
    #expect(rejection(absurd)?.kind == .nameTooLong(length: UInt64.max, limit: 255))
}

@Test func rejectsBadSymlinkTargets() {
    #expect(rejection(magic + link([]))?.kind == .invalidTarget(reason: "it is empty"))
    #expect(rejection(magic + link([0x61, 0]))?.kind == .invalidTarget(reason: "it contains a NUL byte"))
    #expect(rejection(magic + link([UInt8](repeating: 0x61, count: 4096)))?.kind
        == .invalidTarget(reason: "4096 bytes exceed the limit of 4095"))
    #expect(rejection(magic + [.s("("), .s("type"), .s("symlink"), .s("target"), .n(1 << 50)])?.kind
        == .invalidTarget(reason: "\(UInt64(1) << 50) bytes exceed the limit of 4095"))
    #expect(throws: Never.self) { try parseTree(Wire.encode(magic + link([UInt8](repeating: 0x61, count: 4095)))) }
    #expect(throws: Never.self) { try parseTree(Wire.encode(magic + link(Array("../../x".utf8)))) }
}

@Test func rejectsEveryTruncation() throws {
    let nar = try Fixtures.bytes("tree.nar")
    for length in 0..<nar.count {
        let kind = rejection(Array(nar[0..<length]))?.kind
        #expect(kind == .truncated, "prefix of \(length) bytes")
        if kind != .truncated { break }
    }
}

@Test func truncationErrorNamesTheEntry() throws {
    let nar = Wire.encode(magic + directory([("dir", directory([("file", file("0123456789"))]))]))
    // Cut inside the file's contents: 86 bytes of padding and ")" follow them.
    let error = rejection(Array(nar.dropLast(90)))
    #expect(error?.kind == .truncated)
    #expect(error?.path == "/dir/file")
    #expect(error?.message.contains("unexpected end of data at '/dir/file'") == true)
}

@Test func rejectsNonZeroPadding() {
    var nar = Wire.encode(magic + file("abc"))
    // The file's contents end 5 bytes before the final ")" string (16 bytes).
    let paddingIndex = nar.count - 16 - 1
    #expect(nar[paddingIndex] == 0)
    nar[paddingIndex] = 1
    #expect(rejection(nar)?.kind == .nonZeroPadding)

    var token = Wire.encode(magic + file("abc"))
    // "nix-archive-1" takes 24 bytes; "(" follows as length, byte, padding.
    #expect(token[32] == UInt8(ascii: "("))
    token[33] = 0x20
    #expect(rejection(token)?.kind == .nonZeroPadding)

    var name = Wire.encode(magic + directory([("q", file(""))]))
    if let index = name.firstIndex(of: UInt8(ascii: "q")) {
        name[index + 3] = 7
        #expect(rejection(name)?.kind == .nonZeroPadding)
    } else {
        Issue.record("name not found")
    }
}

@Test func rejectsFilesOverTheSizeLimit() {
    #expect(rejection(magic + file("12345"), limits: NARLimits(maxFileSize: 4))?.kind
        == .fileTooLarge(size: 5, limit: 4))
    let huge = magic + [.s("("), .s("type"), .s("regular"), .s("contents"), .n(UInt64.max)]
    #expect(rejection(huge)?.kind == .fileTooLarge(size: UInt64.max, limit: 1 << 44))
    // A size within the limit but with no data behind it streams until the end.
    let claimed = magic + [.s("("), .s("type"), .s("regular"), .s("contents"), .n(1 << 40), .raw([1, 2, 3])]
    #expect(rejection(claimed)?.kind == .truncated)
}

/// A chain of `depth` directories named "d" around a file "leaf",
/// encoded directly (building it as nested `Wire` arrays is quadratic).
private func nested(depth: Int) -> [UInt8] {
    let open = Wire.encode([.s("("), .s("type"), .s("directory"), .s("entry"), .s("("), .s("name"), .s("d"), .s("node")])
    let close = Wire.encode([.s(")"), .s(")")])
    var bytes = Wire.encode(magic)
    for _ in 0..<depth { bytes += open }
    bytes += Wire.encode(file("leaf"))
    for _ in 0..<depth { bytes += close }
    return bytes
}

/// Counts events without building a tree (a 20,000-level `Node` would be
/// compared and freed recursively).
private struct Counter: NARVisitor {
    var directories = 0, files = 0, maxDepth = 0, depth = 0
    mutating func directory(name: [UInt8]?) { directories += 1; depth += 1; maxDepth = max(maxDepth, depth) }
    mutating func endDirectory() { depth -= 1 }
    mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) { files += 1 }
    mutating func contents(_ chunk: UnsafeRawBufferPointer) {}
    mutating func endRegular() {}
    mutating func symlink(name: [UInt8]?, target: [UInt8]) {}
}

@Test func rejectsDeepNesting() throws {
    #expect(throws: Never.self) { try parseTree(nested(depth: 256)) }
    let error = rejection(nested(depth: 257))
    #expect(error?.kind == .tooDeep(limit: 256))
    #expect(try parseTree(nested(depth: 3), limits: NARLimits(maxDepth: 3)).child("d/d/d") == .file("leaf"))
    #expect(rejection(nested(depth: 4), limits: NARLimits(maxDepth: 3))?.kind == .tooDeep(limit: 3))
    // Parsing is iterative: a huge limit does not mean a deep stack.
    var reader = ByteReader(ArraySource(nested(depth: 20_000)))
    var counter = Counter()
    try NARReader.parseWhole(&reader, into: &counter, limits: NARLimits(maxDepth: 100_000))
    #expect(counter.directories == 20_000 && counter.maxDepth == 20_000 && counter.depth == 0 && counter.files == 1)
}

@Test func parseWholeRejectsTrailingBytes() throws {
    let nar = try Fixtures.bytes("hello.nar")
    let error = rejection(nar + [0])
    #expect(error?.kind == .trailingData)
    #expect(error?.message == "invalid NAR: trailing garbage after NAR (byte \(nar.count))")
}

@Test func visitorErrorsPropagateUnchanged() throws {
    struct Refuse: Error {}
    struct Refuser: NARVisitor {
        mutating func directory(name: [UInt8]?) throws {}
        mutating func endDirectory() throws {}
        mutating func regular(name: [UInt8]?, executable: Bool, size: UInt64) throws {}
        mutating func contents(_ chunk: UnsafeRawBufferPointer) throws { throw Refuse() }
        mutating func endRegular() throws {}
        mutating func symlink(name: [UInt8]?, target: [UInt8]) throws {}
    }
    var reader = ByteReader(ArraySource(try Fixtures.bytes("hello.nar")))
    var visitor = Refuser()
    #expect(throws: Refuse.self) { try NARReader.parse(&reader, into: &visitor) }
}
