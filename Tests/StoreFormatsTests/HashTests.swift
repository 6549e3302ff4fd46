import Basics
import Testing
@testable import StoreFormats

/// "hello\n", the contents of the fixtures' hello.txt.
private let hello = Array("hello\n".utf8)

@Test(arguments: HashAlgorithm.allCases)
func flatHashesMatchNix(algorithm: HashAlgorithm) throws {
    let hash = Hash.compute(algorithm, of: hello)
    #expect(hash.algorithm == algorithm)
    #expect(hash.bytes.count == algorithm.byteCount)
    let name = algorithm.rawValue
    #expect(hash.encoded(.nixBase32, withAlgorithm: false) == (try Fixtures.expected("hello.flat.\(name).base32")))
    #expect(hash.encoded(.sri) == (try Fixtures.expected("hello.flat.\(name).sri")))
    #expect(hash.encoded(.nixBase32) == "\(name):" + (try Fixtures.expected("hello.flat.\(name).base32")))
}

@Test func encodesInEveryForm() throws {
    let hash = Hash.compute(.sha256, of: hello)
    let hex = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"  // sha256sum hello.txt
    #expect(hash.encoded(.base16) == "sha256:" + hex)
    #expect(hash.encoded(.base16, withAlgorithm: false) == hex)
    // `nix hash to-base64` printed this.
    #expect(hash.encoded(.base64, withAlgorithm: false) == "WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=")
    #expect(hash.encoded(.base64) == "sha256:WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=")
    // SRI always names the algorithm.
    #expect(hash.encoded(.sri, withAlgorithm: false) == "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=")
    #expect(hash.description == "sha256:00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq")
}

@Test func knownDigestOfABC() {
    #expect(Hash.compute(.sha256, of: Array("abc".utf8)).encoded(.nixBase32)
        == "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s")
}

@Test(arguments: HashAlgorithm.allCases)
func parsesWhatItPrints(algorithm: HashAlgorithm) throws {
    let hash = Hash.compute(algorithm, of: hello)
    for encoding in [HashEncoding.nixBase32, .base16, .base64, .sri] {
        #expect(try Hash.parse(hash.encoded(encoding)) == hash, "\(encoding)")
        if encoding != .sri {
            let bare = hash.encoded(encoding, withAlgorithm: false)
            #expect(try Hash.parse(bare, defaultAlgorithm: algorithm) == hash, "bare \(encoding)")
        }
    }
}

@Test func parsesUpperCaseHexAndSubstrings() throws {
    let hash = Hash.compute(.sha1, of: hello)
    #expect(try Hash.parse("sha1:F572D396FAE9206628714FB2CE00F72E94F2258F") == hash)
    let line = "hash=sha1:iwjz551fyw0cxcjgf4l6c879zabd6wpm;"
    #expect(try Hash.parse(line.dropFirst(5).dropLast()) == hash)
}

@Test func prefixWinsOverTheDefault() throws {
    let hash = try Hash.parse("sha1:iwjz551fyw0cxcjgf4l6c879zabd6wpm", defaultAlgorithm: .sha256)
    #expect(hash.algorithm == .sha1)
}

@Test func rejectsMalformedHashes() {
    let nix32 = "00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq"
    #expect(throws: FormatError.unknownHashAlgorithm("sha257")) { try Hash.parse("sha257:" + nix32) }
    #expect(throws: FormatError.unknownHashAlgorithm("SHA256")) { try Hash.parse("SHA256:" + nix32) }
    #expect(throws: FormatError.unknownHashAlgorithm("blake3")) { try Hash.parse("blake3-AAAA") }
    #expect(throws: FormatError.missingHashAlgorithm(nix32)) { try Hash.parse(nix32) }
    #expect(throws: FormatError.wrongHashLength(.sha256, text: "sha256:" + nix32.dropLast())) {
        try Hash.parse("sha256:" + nix32.dropLast())
    }
    #expect(throws: FormatError.wrongHashLength(.sha1, text: "sha1:" + nix32)) { try Hash.parse("sha1:" + nix32) }
    // Right length, wrong characters, for each encoding.
    #expect(throws: FormatError.self) { try Hash.parse("sha256:" + nix32.dropLast() + "e") }
    #expect(throws: FormatError.self) { try Hash.parse("sha256:" + String(repeating: "g", count: 64)) }
    #expect(throws: FormatError.self) { try Hash.parse("sha256:" + String(repeating: "!", count: 43) + "=") }
    // SRI must be base64 of the right length.
    #expect(throws: FormatError.wrongHashLength(.sha256, text: "sha256-" + nix32)) { try Hash.parse("sha256-" + nix32) }
    #expect(throws: FormatError.self) { try Hash.parse("sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM") }
    #expect(throws: FormatError.self) { try Hash.parse("") }
    #expect(throws: FormatError.self) { try Hash.parse("sha256:") }
}

@Test func wrongLengthHintListsTheLengths() {
    let error = FormatError.wrongHashLength(.sha256, text: "sha256:abc")
    #expect(error.message == "hash 'sha256:abc' has the wrong length for sha256")
    #expect(error.hint == "a sha256 digest is 64 hexadecimal, 52 nix-base32 or 44 base64 characters")
}

@Test func initialiserChecksTheLength() throws {
    #expect(throws: FormatError.wrongDigestSize(.sha256, byteCount: 20)) {
        try Hash(algorithm: .sha256, bytes: [UInt8](repeating: 0, count: 20))
    }
    let hash = try Hash(algorithm: .md5, bytes: [UInt8](repeating: 7, count: 16))
    #expect(hash.bytes == [UInt8](repeating: 7, count: 16))
}

@Test func xorFoldIsNixCompressHash() throws {
    let hash = try Hash(algorithm: .sha256, bytes: Array(0..<32))
    // Bytes 0…31 folded into 20: position i gets i ^ (i + 20) for i < 12.
    let expected: [UInt8] = (0..<20).map { (i: Int) -> UInt8 in
        i < 12 ? UInt8(i ^ (i + 20)) : UInt8(i)
    }
    #expect(hash.truncatedXORFold(to: 20) == expected)
    #expect(hash.truncatedXORFold(to: 32) == Array(0..<32))
    #expect(hash.truncatedXORFold(to: 1) == [(0..<32).reduce(0, ^)])
    #expect(hash.truncatedXORFold(to: 0) == [])
}

@Test func base64RoundTripsAndRejectsNonCanonicalInput() throws {
    for count in 0...10 {
        let bytes = Array(UInt8(0)..<UInt8(count))
        #expect(try Base64.decode(Base64.encode(bytes)) == bytes)
    }
    #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
    #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
    #expect(Base64.encode(Array("f".utf8)) == "Zg==")
    #expect(throws: FormatError.invalidBase64("Zh==")) { try Base64.decode("Zh==") }  // stray low bits
    #expect(throws: FormatError.self) { try Base64.decode("Zm8") }
    #expect(throws: FormatError.self) { try Base64.decode("Z=8=") }
    #expect(throws: FormatError.self) { try Base64.decode("Zm 8") }
    #expect(throws: FormatError.self) { try Base64.decode("====") }
}

@Test func base16RejectsOddLengthsAndNonHex() {
    #expect(throws: FormatError.invalidBase16("abc")) { try Base16.decode("abc") }
    #expect(throws: FormatError.invalidBase16("zz")) { try Base16.decode("zz") }
}
