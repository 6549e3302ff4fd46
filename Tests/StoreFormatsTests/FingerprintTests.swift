import Basics
import Testing
@testable import StoreFormats

/// Store paths Nix printed for the fixtures (see Fixtures/README.md).
private func nixPath(_ key: String) throws -> StorePath {
    try Fixtures.storeDirectory().parse(Fixtures.expected(key))
}

@Test func sourcePathsMatchNixStoreAdd() throws {
    let store = try Fixtures.storeDirectory()
    let treeHash = Hash.compute(.sha256, of: try Fixtures.bytes("tree.nar"))
    #expect(try store.makeSourcePath(name: "tree", narHash: treeHash, references: [], selfReference: false)
        == nixPath("add.tree"))
    let helloHash = Hash.compute(.sha256, of: try Fixtures.bytes("hello.nar"))
    #expect(try store.makeSourcePath(name: "hello.txt", narHash: helloHash, references: [], selfReference: false)
        == nixPath("add.hello"))
    // The same tree with a self-reference or a reference gets another path.
    let other = try store.makeSourcePath(name: "tree", narHash: treeHash, references: [], selfReference: true)
    #expect(other != (try nixPath("add.tree")))
}

@Test(arguments: HashAlgorithm.allCases)
func flatFixedPathsMatchNixAddFixed(algorithm: HashAlgorithm) throws {
    let store = try Fixtures.storeDirectory()
    let hash = Hash.compute(algorithm, of: Array("hello\n".utf8))
    #expect(try store.makeFixedOutputPath(name: "hello.txt", method: .flat, hash: hash)
        == nixPath("addFixed.flat.\(algorithm.rawValue).hello"))
}

@Test func recursiveFixedPathsMatchNixAddFixed() throws {
    let store = try Fixtures.storeDirectory()
    let tree = try Fixtures.bytes("tree.nar")
    // Recursive SHA-256 is a source path.
    #expect(try store.makeFixedOutputPath(name: "tree", method: .recursive, hash: Hash.compute(.sha256, of: tree))
        == nixPath("addFixed.recursive.sha256.tree"))
    #expect(try store.makeFixedOutputPath(name: "tree", method: .recursive, hash: Hash.compute(.sha512, of: tree))
        == nixPath("addFixed.recursive.sha512.tree"))
    let hello = try Fixtures.bytes("hello.nar")
    #expect(try store.makeFixedOutputPath(name: "hello.txt", method: .recursive, hash: Hash.compute(.sha1, of: hello))
        == nixPath("addFixed.recursive.sha1.hello"))
}

@Test func onlySourceLikeFixedPathsTakeReferences() throws {
    let store = try Fixtures.storeDirectory()
    let reference = try nixPath("toFile.foo")
    let hash = Hash.compute(.sha256, of: Array("x".utf8))
    #expect(throws: FormatError.self) {
        try store.makeFixedOutputPath(name: "x", method: .flat, hash: hash, references: [reference])
    }
    let withReference = try store.makeFixedOutputPath(name: "x", method: .recursive, hash: hash, references: [reference])
    #expect(withReference == (try store.makeSourcePath(name: "x", narHash: hash, references: [reference], selfReference: false)))
}

@Test func textPathsMatchBuiltinsToFile() throws {
    let store = try Fixtures.storeDirectory()
    let foo = try store.makeTextPath(name: "foo", contentHash: Hash.compute(.sha256, of: Array("bar".utf8)), references: [])
    #expect(foo == (try nixPath("toFile.foo")))
    let bar = try store.makeTextPath(name: "bar", contentHash: Hash.compute(.sha256, of: Array("x".utf8)), references: [])
    #expect(bar == (try nixPath("toFile.bar")))

    let withref = "see \(foo.absolute(in: store)) here"
    #expect(try store.makeTextPath(name: "withref", contentHash: Hash.compute(.sha256, of: Array(withref.utf8)),
                                   references: [foo]) == nixPath("toFile.withref"))

    // References are sorted before hashing: the order given does not matter.
    let tworefs = "\(bar.absolute(in: store)) \(foo.absolute(in: store))"
    let hash = Hash.compute(.sha256, of: Array(tworefs.utf8))
    #expect(try store.makeTextPath(name: "tworefs", contentHash: hash, references: [foo, bar]) == nixPath("toFile.tworefs"))
    #expect(try store.makeTextPath(name: "tworefs", contentHash: hash, references: [bar, foo]) == nixPath("toFile.tworefs"))
}

@Test(arguments: ["simple", "multi", "fixed"])
func derivationFilesAreTextPaths(name: String) throws {
    let store = try Fixtures.storeDirectory()
    let drv = try Fixtures.bytes("\(name).drv")
    let expected = try nixPath("drv.\(name)")
    #expect(try store.makeTextPath(name: expected.name, contentHash: Hash.compute(.sha256, of: drv), references: [])
        == expected)
}

/// For a derivation without input derivations, the hash modulo is the
/// SHA-256 of its ATerm with every output path blanked out.
private func hashModulo(_ drvName: String, outputs: [String]) throws -> Hash {
    var text = try Fixtures.text("\(drvName).drv")
    for output in outputs {
        let path = try Fixtures.expected("out.\(drvName).\(output)")
        #expect(text.contains("\"\(path)\""))
        text = text.replacingOccurrences(of: "\"\(path)\"", with: "\"\"")
    }
    return Hash.compute(.sha256, of: Array(text.utf8))
}

@Test func outputPathsMatchNixInstantiate() throws {
    let store = try Fixtures.storeDirectory()
    let simple = try hashModulo("simple", outputs: ["out"])
    #expect(try store.makeOutputPath(outputName: "out", hashModulo: simple, name: "simple") == nixPath("out.simple.out"))

    let multi = try hashModulo("multi", outputs: ["out", "dev", "lib"])
    for output in ["out", "dev", "lib"] {
        let path = try store.makeOutputPath(outputName: output, hashModulo: multi, name: "multi-1.0")
        #expect(path == (try nixPath("out.multi.\(output)")))
    }
    #expect(try store.makeOutputPath(outputName: "dev", hashModulo: multi, name: "multi-1.0").name == "multi-1.0-dev")
}

@Test func fixedOutputDerivationPathMatchesNix() throws {
    let store = try Fixtures.storeDirectory()
    let hash = try Hash.parse("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", defaultAlgorithm: .sha256)
    #expect(try store.makeFixedOutputPath(name: "fixed", method: .flat, hash: hash) == nixPath("out.fixed.out"))
}

@Test func pathsDependOnTheStoreDirectory() throws {
    let hash = Hash.compute(.sha256, of: Array("bar".utf8))
    let a = try StoreDirectory("/tmp/nx/store").makeTextPath(name: "foo", contentHash: hash, references: [])
    let b = try StoreDirectory("/cairn/store").makeTextPath(name: "foo", contentHash: hash, references: [])
    #expect(a.hashPart != b.hashPart)
    #expect(a.name == b.name)
}

@Test func rejectsBadNamesAndTextHashes() throws {
    let store = try Fixtures.storeDirectory()
    let hash = Hash.compute(.sha256, of: Array("bar".utf8))
    #expect(throws: FormatError.self) { try store.makeTextPath(name: ".foo", contentHash: hash, references: []) }
    #expect(throws: FormatError.self) { try store.makeOutputPath(outputName: "out", hashModulo: hash, name: "") }
    #expect(throws: FormatError.unsupportedHashAlgorithm(.sha1, context: "text store paths")) {
        try store.makeTextPath(name: "foo", contentHash: Hash.compute(.sha1, of: Array("bar".utf8)), references: [])
    }
}

@Test func contentAddressesRenderLikeNix() throws {
    let sha256 = Hash.compute(.sha256, of: Array("hello\n".utf8))
    let nix32 = "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"
    let cases: [(ContentAddress, String)] = [
        (.text(sha256), "text:sha256:\(nix32)"),
        (.fixed(.recursive, sha256), "fixed:r:sha256:\(nix32)"),
        (.fixed(.flat, sha256), "fixed:sha256:\(nix32)"),
        (.fixed(.flat, Hash.compute(.sha1, of: Array("hello\n".utf8))), "fixed:sha1:iwjz551fyw0cxcjgf4l6c879zabd6wpm"),
    ]
    for (address, text) in cases {
        #expect(address.rendered == text)
        #expect(try ContentAddress(parsing: text) == address)
    }
    // Other digest encodings are read too.
    #expect(try ContentAddress(parsing: "fixed:r:\(sha256.encoded(.base16))") == .fixed(.recursive, sha256))
}

@Test func rejectsMalformedContentAddresses() {
    let nix32 = "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"
    #expect(throws: FormatError.invalidContentAddress("source:sha256:\(nix32)",
                                                      reason: "it must start with 'text:' or 'fixed:'")) {
        try ContentAddress(parsing: "source:sha256:\(nix32)")
    }
    #expect(throws: FormatError.self) { try ContentAddress(parsing: "text:sha1:iwjz551fyw0cxcjgf4l6c879zabd6wpm") }
    #expect(throws: FormatError.self) { try ContentAddress(parsing: "fixed:r:\(nix32)") }
    #expect(throws: FormatError.self) { try ContentAddress(parsing: "fixed:sha256:\(nix32.dropLast())") }
}

@Test func contentAddressedPathsDispatchOnTheKind() throws {
    let store = try Fixtures.storeDirectory()
    let bar = Hash.compute(.sha256, of: Array("bar".utf8))
    #expect(try store.makeContentAddressedPath(name: "foo", address: .text(bar)) == nixPath("toFile.foo"))
    let hello = Hash.compute(.sha256, of: Array("hello\n".utf8))
    #expect(try store.makeContentAddressedPath(name: "hello.txt", address: .fixed(.flat, hello))
        == nixPath("addFixed.flat.sha256.hello"))
}
