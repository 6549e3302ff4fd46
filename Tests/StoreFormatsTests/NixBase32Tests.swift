import Testing
@testable import StoreFormats

/// Vectors printed by `nix-hash --type ALGO --to-base32 HEX` (Nix 2.8.0).
private let vectors: [(hex: String, nix32: String)] = [
    ("d41d8cd98f00b204e9800998ecf8427e", "3y8bwfr609h3lh9ch0izcqq7fl"),
    ("900150983cd24fb0d6963f7d28e17f72", "3jgzhjhz9zjvbb0kyj7jc500ch"),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "143xibwh31h9bvxzalr0sjvbbvpa6ffs"),
    ("a9993e364706816aba3e25717850c26c9cd0d89d", "kpcd173cq987hw957sx6m0868wv3x6d9"),
    ("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed", "xm3fh7p9kj5l0pz9vcav9ksgr4snrbia"),
    ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"),
    ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"),
    ("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
     "1sfdxziarxw8j3p80lvswgpq9i7smdyxmmsj5sjhhgjdjfwjfkdr"),
    ("0000000000000000000000000000000000000000000000000000000000000000",
     "0000000000000000000000000000000000000000000000000000"),
    ("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
    ("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
     "080z3qfiq6qs34c1f5hm2h9i448h1w70s30b184hh1q60l2060h1"),
    ("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
     "0zdl9zrg8r3i9c1g90lgg9ip5ijzv3yhz91i0zzn3r8ap9ws784gkp9dk9j3aglhgf1amqb0pj21mh7h1nxcl18akqvvf7ggqsy30yg"),
    ("309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f",
     "1pxg75fjcp59ibxrxfn07z863cczc25bcjk9nkhjr4zziavsffrhvyq9inshg6dkdx7q6jixrvyvl5ly81cjl0gqi6fpmhjki4cr7ih"),
]

@Test(arguments: vectors.indices)
func encodesLikeNix(index: Int) throws {
    let (hex, nix32) = vectors[index]
    let bytes = try Base16.decode(hex)
    #expect(NixBase32.encode(bytes) == nix32)
    #expect(try NixBase32.decode(nix32) == bytes)
}

@Test func encodedLengths() throws {
    #expect(NixBase32.encodedLength(byteCount: 0) == 0)
    #expect(NixBase32.encodedLength(byteCount: 1) == 2)
    #expect(NixBase32.encodedLength(byteCount: 16) == 26)
    #expect(NixBase32.encodedLength(byteCount: 20) == 32)
    #expect(NixBase32.encodedLength(byteCount: 32) == 52)
    #expect(NixBase32.encodedLength(byteCount: 64) == 103)
    #expect(NixBase32.encode([]) == "")
    #expect(try NixBase32.decode("") == [])
}

@Test func roundTripsEveryLength() throws {
    var generator = SystemRandomNumberGenerator()
    for count in 0...70 {
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = NixBase32.encode(bytes)
        #expect(text.utf8.count == NixBase32.encodedLength(byteCount: count))
        #expect(try NixBase32.decode(text) == bytes)
    }
}

@Test func isDigitMatchesTheAlphabet() {
    let alphabet = Set("0123456789abcdfghijklmnpqrsvwxyz".utf8)
    for c in UInt8.min...UInt8.max {
        #expect(NixBase32.isDigit(c) == alphabet.contains(c), "byte \(c)")
    }
}

@Test(arguments: [
    "e", "o", "u", "t",  // letters left out of the alphabet
])
func rejectsLettersOutsideTheAlphabet(letter: String) {
    let text = String(repeating: "0", count: 51) + letter
    #expect(throws: FormatError.invalidBase32(text)) { try NixBase32.decode(text) }
}

@Test func rejectsOtherCharacters() {
    for text in ["0000000000000000000000000000000A", "000000000000000000000000000000-0",
                 "00000000000000000000000000000 00", "0000000000000000000000000000000é"] {
        #expect(throws: FormatError.self) { try NixBase32.decode(text) }
    }
}

@Test func rejectsLengthsNoByteCountEncodesTo() {
    // 1 character is 5 bits (not a byte); 3 characters give 15 bits, but a
    // byte needs only 2 characters.
    #expect(throws: FormatError.invalidBase32("0")) { try NixBase32.decode("0") }
    #expect(throws: FormatError.invalidBase32("000")) { try NixBase32.decode("000") }
}

/// `nix-hash --type sha256 --to-base16 2zzz…` fails with "invalid base-32
/// hash" while `1zzz…` gives ff…ff; likewise `8zzz…` and `7zzz…` for md5.
@Test func rejectsHighBitsBeyondTheLastByte() throws {
    #expect(throws: FormatError.self) { try NixBase32.decode("2" + String(repeating: "z", count: 51)) }
    #expect(try NixBase32.decode("1" + String(repeating: "z", count: 51)) == [UInt8](repeating: 0xFF, count: 32))
    #expect(throws: FormatError.self) { try NixBase32.decode("8" + String(repeating: "z", count: 25)) }
    #expect(try NixBase32.decode("7" + String(repeating: "z", count: 25)) == [UInt8](repeating: 0xFF, count: 16))
    // 20 bytes fill 32 characters exactly: every first digit is valid.
    #expect(try NixBase32.decode(String(repeating: "z", count: 32)) == [UInt8](repeating: 0xFF, count: 20))
}

@Test func errorMessageQuotesTheInputAndHints() {
    let error = FormatError.invalidBase32("abce")
    #expect(error.message == "invalid nix-base32 string 'abce'")
    #expect(error.hint?.contains("except e, o, u and t") == true)
}
