import Basics
import Testing
@testable import StoreFormats

private struct Item: Equatable {
    var tree: Node
    var trailer: ExportTrailer
}

/// Reads a whole bundle into memory.
private func readBundle(_ bytes: [UInt8], storeDirectory: StoreDirectory, bufferSize: Int = 256 * 1024,
                        maxReadSize: Int = .max) throws -> [Item] {
    var reader = ByteReader(ArraySource(bytes, maxReadSize: maxReadSize), bufferSize: bufferSize)
    var items: [Item] = []
    while try ExportBundle.readItemStart(&reader) {
        var builder = TreeBuilder()
        try NARReader.parse(&reader, into: &builder)
        let trailer = try ExportBundle.readTrailer(&reader, storeDirectory: storeDirectory)
        items.append(Item(tree: try #require(builder.root), trailer: trailer))
    }
    #expect(try reader.isAtEnd)
    return items
}

private func writeBundle(_ items: [Item], storeDirectory: StoreDirectory) throws -> [UInt8] {
    var output = [UInt8]()
    let sink: ByteSink = { output.append(contentsOf: $0) }
    for item in items {
        try ExportBundle.writeItemStart(sink)
        var writer = NARWriter(sink: sink)
        try writer.begin()
        try write(item.tree, to: &writer, chunkSize: 4096)
        try writer.finish()
        try ExportBundle.writeTrailer(item.trailer, storeDirectory: storeDirectory, to: sink)
    }
    try ExportBundle.writeEnd(sink)
    return output
}

private func nixPath(_ key: String) throws -> StorePath {
    try Fixtures.storeDirectory().parse(Fixtures.expected(key))
}

@Test(arguments: [(256 * 1024, Int.max), (64, 5)])
func readsABundleFromNixStoreExport(bufferSize: Int, maxReadSize: Int) throws {
    let store = try Fixtures.storeDirectory()
    let items = try readBundle(try Fixtures.bytes("three-paths.export"), storeDirectory: store,
                               bufferSize: bufferSize, maxReadSize: maxReadSize)
    try #require(items.count == 3)
    let foo = try nixPath("toFile.foo")

    #expect(items[0].trailer == ExportTrailer(path: try nixPath("out.simple.out"), references: [],
                                              deriver: try nixPath("drv.simple")))
    #expect(items[0].tree == .file("hi\n"))

    #expect(items[1].trailer == ExportTrailer(path: foo, references: [], deriver: nil))
    #expect(items[1].tree == .file("bar"))

    #expect(items[2].trailer == ExportTrailer(path: try nixPath("toFile.withref"), references: [foo], deriver: nil))
    #expect(items[2].tree == .file("see \(foo.absolute(in: store)) here"))

    // The contents are consistent with the paths: text paths of their bytes.
    for item in items[1...] {
        guard case .regular(_, let contents) = item.tree else { continue }
        let path = try store.makeTextPath(name: item.trailer.path.name, contentHash: Hash.compute(.sha256, of: contents),
                                          references: item.trailer.references)
        #expect(path == item.trailer.path)
    }
}

@Test func rewritesTheNixBundleByteForByte() throws {
    let store = try Fixtures.storeDirectory()
    let bytes = try Fixtures.bytes("three-paths.export")
    let items = try readBundle(bytes, storeDirectory: store)
    #expect(try writeBundle(items, storeDirectory: store) == bytes)
}

@Test func writesReferencesSortedAndRoundTrips() throws {
    let store = try StoreDirectory("/cairn/store")
    let a = try StorePath(baseName: "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-a")
    let b = try StorePath(baseName: "1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b-b")
    let self_ = try StorePath(baseName: "2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c-self")
    let items = [
        Item(tree: .directory([.init("x", .file("y"))]),
             trailer: ExportTrailer(path: self_, references: [self_, b, a], deriver: b)),
        Item(tree: .link("a"), trailer: ExportTrailer(path: a, references: [], deriver: nil)),
    ]
    let bytes = try writeBundle(items, storeDirectory: store)
    let back = try readBundle(bytes, storeDirectory: store)
    #expect(back.count == 2)
    #expect(back[0].trailer.references == [a, b, self_])
    #expect(back[0].trailer.deriver == b)
    #expect(back[1] == items[1])
    #expect(try writeBundle([], storeDirectory: store) == [0, 0, 0, 0, 0, 0, 0, 0])
}

/// A bundle holding one symlink item with the given trailer wire data.
private func bundle(trailer: [Wire]) -> [UInt8] {
    Wire.encode([.n(1), .s("nix-archive-1"), .s("("), .s("type"), .s("symlink"), .s("target"), .s("t"), .s(")")]
        + trailer + [.n(0)])
}

private let item = "/tmp/nx/store/msa25ka1k1x7zj6gmvd6lijh4s4ipr67-foo"

@Test func acceptsALegacySignature() throws {
    let bytes = bundle(trailer: [.n(ExportBundle.magic), .s(item), .n(0), .s(""), .n(1), .s("sig")])
    let items = try readBundle(bytes, storeDirectory: try Fixtures.storeDirectory())
    #expect(items.map(\.trailer.path.name) == ["foo"])
}

/// The error reading `bytes` ends with.
private func failure(_ bytes: [UInt8], storeDirectory: String = "/tmp/nx/store") -> FormatError? {
    do {
        _ = try readBundle(bytes, storeDirectory: try StoreDirectory(storeDirectory))
        Issue.record("the bundle was accepted")
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        Issue.record("unexpected \(error)")
        return nil
    }
}

@Test func rejectsMalformedBundles() throws {
    // Not a bundle at all (a bare NAR starts with its length 13).
    let notBundle = failure(try Fixtures.bytes("hello.nar"))
    #expect(notBundle?.message.contains("not a bundle made by 'cairn archive --export' or 'nix-store --export'") == true)

    let wrongMagic = failure(bundle(trailer: [.n(0x4558_494f), .s(item), .n(0), .s(""), .n(0)]))
    #expect(wrongMagic?.message.contains("expected the 'NIXE' marker") == true)

    let badSignature = failure(bundle(trailer: [.n(ExportBundle.magic), .s(item), .n(0), .s(""), .n(2)]))
    #expect(badSignature == .invalidExportBundle("unexpected signature marker 2 after 'msa25ka1k1x7zj6gmvd6lijh4s4ipr67-foo'"))

    let truncated = failure(Array(try Fixtures.bytes("three-paths.export").dropLast(12)))
    #expect(truncated?.message.contains("truncated") == true)
    #expect(failure([])?.message.contains("truncated") == true)

    let badReference = failure(bundle(trailer: [.n(ExportBundle.magic), .s(item), .n(1), .s("/tmp/nx/store/bad"), .s(""), .n(0)]))
    guard case .invalidStorePath? = badReference else {
        Issue.record("bad reference accepted: \(String(describing: badReference))")
        return
    }
    #expect(failure(bundle(trailer: [.n(ExportBundle.magic), .n(1 << 40)])) != nil)
}

@Test func rejectsPathsFromAnotherStore() throws {
    let error = failure(try Fixtures.bytes("three-paths.export"), storeDirectory: "/cairn/store")
    #expect(error == .notInStore(path: "/tmp/nx/store/b64p0sl0immc9p1lwj89awrhnvgiyfhj-simple", storeDirectory: "/cairn/store"))
}
