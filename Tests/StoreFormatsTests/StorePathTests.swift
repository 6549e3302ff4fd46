import Testing
@testable import StoreFormats

private let hashPart = "l5ba34ay9mj2w9m5agj58yamjal0l9v8"

@Test func parsesABaseName() throws {
    let path = try StorePath(baseName: "\(hashPart)-hello.txt")
    #expect(path.hashPart == hashPart)
    #expect(path.name == "hello.txt")
    #expect(path.baseName == "\(hashPart)-hello.txt")
    #expect(path.description == path.baseName)
    let store = try StoreDirectory("/tmp/nx/store")
    #expect(path.absolute(in: store) == "/tmp/nx/store/\(hashPart)-hello.txt")
    // Names may contain dashes of their own.
    #expect(try StorePath(baseName: "\(hashPart)-gcc-13.2.0-lib").name == "gcc-13.2.0-lib")
}

@Test func acceptsEveryAllowedNameCharacter() throws {
    let name = "AZaz09+-._?="
    #expect(try StorePath(hashPart: hashPart, name: name).name == name)
    // '.' is only refused in first position.
    #expect(try StorePath(hashPart: hashPart, name: "a.").name == "a.")
}

@Test(arguments: ["e", "o", "u", "t", "E", "A", "-", "_"])
func rejectsHashCharactersOutsideNixBase32(character: String) {
    let bad = String(hashPart.dropLast()) + character
    #expect(throws: FormatError.self) { try StorePath(hashPart: bad, name: "x") }
    #expect(throws: FormatError.self) { try StorePath(baseName: "\(bad)-x") }
}

@Test func rejectsHashPartsOfTheWrongLength() {
    #expect(throws: FormatError.self) { try StorePath(hashPart: String(hashPart.dropLast()), name: "x") }
    #expect(throws: FormatError.self) { try StorePath(hashPart: hashPart + "0", name: "x") }
    #expect(throws: FormatError.self) { try StorePath(hashPart: "", name: "x") }
    // One character short shifts the dash.
    #expect(throws: FormatError.self) { try StorePath(baseName: "\(hashPart.dropLast())-hello") }
    #expect(throws: FormatError.self) { try StorePath(baseName: "\(hashPart)0-hello") }
    #expect(throws: FormatError.self) { try StorePath(baseName: hashPart) }
    #expect(throws: FormatError.self) { try StorePath(baseName: "\(hashPart)-") }
    #expect(throws: FormatError.self) { try StorePath(baseName: "\(hashPart)_hello") }
}

@Test func validatesNames() throws {
    try StorePath.validateName(String(repeating: "a", count: 211))
    #expect(throws: FormatError.invalidStorePathName(String(repeating: "a", count: 212),
                                                     reason: "it is longer than 211 characters")) {
        try StorePath.validateName(String(repeating: "a", count: 212))
    }
    #expect(throws: FormatError.invalidStorePathName("", reason: "it is empty")) { try StorePath.validateName("") }
    #expect(throws: FormatError.invalidStorePathName(".hidden", reason: "it starts with '.'")) {
        try StorePath.validateName(".hidden")
    }
    #expect(throws: FormatError.invalidStorePathName("a b", reason: "it contains the character '\\x20'")) {
        try StorePath.validateName("a b")
    }
    for bad in ["a/b", "a@b", "café", "a\u{0}b", "a:b", "..", "a~", "a,b"] {
        #expect(throws: FormatError.self, "\(bad)") { try StorePath.validateName(bad) }
    }
}

@Test func sortsByBaseNameBytes() throws {
    let a = try StorePath(baseName: "0\(hashPart.dropFirst())-z")
    let b = try StorePath(baseName: "\(hashPart)-B")
    let c = try StorePath(baseName: "\(hashPart)-a")
    let d = try StorePath(baseName: "\(hashPart)-a-b")
    #expect([d, c, b, a].sorted() == [a, b, c, d])
    #expect(!(c < c))
}

@Test func normalisesStoreDirectories() throws {
    #expect(try StoreDirectory("/tmp/x/store/").path == "/tmp/x/store")
    #expect(try StoreDirectory("//tmp//x/store").path == "/tmp/x/store")
    #expect(try StoreDirectory("/cairn/store").path == "/cairn/store")
    #expect(throws: FormatError.self) { try StoreDirectory("relative/store") }
    #expect(throws: FormatError.self) { try StoreDirectory("") }
    #expect(throws: FormatError.self) { try StoreDirectory("/") }
    #expect(throws: FormatError.self) { try StoreDirectory("//") }
    #expect(throws: FormatError.self) { try StoreDirectory("/tmp/../store") }
    #expect(throws: FormatError.self) { try StoreDirectory("/tmp/./store") }
}

@Test func parsesAbsolutePaths() throws {
    let store = try StoreDirectory("/tmp/nx/store")
    let expected = try StorePath(hashPart: hashPart, name: "hello.txt")
    #expect(try store.parse("/tmp/nx/store/\(hashPart)-hello.txt") == expected)
    #expect(try store.parse("/tmp/nx/store/\(hashPart)-hello.txt/") == expected)
    #expect(throws: FormatError.self) { try store.parse("/tmp/nx/store/\(hashPart)-hello.txt/bin") }
    #expect(throws: FormatError.self) { try store.parse("/tmp/nx/store/\(hashPart)-hello.txt//") }
    #expect(throws: FormatError.notInStore(path: "/nix/store/\(hashPart)-hello.txt", storeDirectory: "/tmp/nx/store")) {
        try store.parse("/nix/store/\(hashPart)-hello.txt")
    }
    // A sibling directory whose name merely starts like the store's.
    #expect(throws: FormatError.self) { try store.parse("/tmp/nx/store2/\(hashPart)-hello.txt") }
    #expect(throws: FormatError.self) { try store.parse("/tmp/nx/store/") }
    #expect(throws: FormatError.self) { try store.parse("/tmp/nx/store") }
}

@Test func errorsQuoteTheWholePath() throws {
    let store = try StoreDirectory("/tmp/nx/store")
    let path = "/tmp/nx/store/\(hashPart.dropLast())e-x"
    #expect(throws: FormatError.invalidStorePath(
        path, reason: "the hash part contains 'e', which is not a nix-base32 character")) {
        try store.parse(path)
    }
}

@Test func splitsPathsInsideStoreItems() throws {
    let store = try StoreDirectory("/tmp/nx/store")
    let item = try StorePath(hashPart: hashPart, name: "tree")
    let (path, rest) = try store.parseContaining("/tmp/nx/store/\(hashPart)-tree/bin/x")
    #expect(path == item)
    #expect(rest == "/bin/x")
    #expect(try store.parseContaining("/tmp/nx/store/\(hashPart)-tree").rest == "")
    #expect(try store.parseContaining("/tmp/nx/store/\(hashPart)-tree/café").rest == "/café")
    #expect(throws: FormatError.self) { try store.parseContaining("/tmp/nx/other/\(hashPart)-tree/bin") }
}

@Test func tellsWhetherAPathIsInTheStore() throws {
    let store = try StoreDirectory("/tmp/nx/store")
    #expect(store.isInStore("/tmp/nx/store/\(hashPart)-tree"))
    #expect(store.isInStore("/tmp/nx/store/\(hashPart)-tree/bin/x"))
    #expect(store.isInStore("/tmp/nx/store/anything"))
    #expect(!store.isInStore("/tmp/nx/store"))
    #expect(!store.isInStore("/tmp/nx/store/"))
    #expect(!store.isInStore("/tmp/nx/storex/a"))
    #expect(!store.isInStore("/tmp/nx"))
}
