@testable import Channels
import Testing

/// The pieces of authentication that need no git: the authorisations
/// syntax, fingerprints, armor, and splitting a signed commit object.
struct AuthorizationsFileTests {
    private func parse(_ text: String) throws(AuthorizationsFile.SyntaxError) -> Set<SignerFingerprint> {
        try AuthorizationsFile(parsing: Array(text.utf8)).signers
    }

    private func failure(_ text: String) -> String? {
        do throws(AuthorizationsFile.SyntaxError) {
            _ = try parse(text)
            return nil
        } catch {
            return error.detail
        }
    }

    @Test("Guix's .guix-authorizations syntax, with comments, OpenPGP and SSH fingerprints")
    func guixSyntax() throws {
        let text = """
            ;; comment
            (authorizations
             (version 0)   ; the only version
             (("AD17 A21E F8AE D8F1 CC02  DBD9 F7D5 C9BF 765C 61E3"
               (name "alice"))
              ("SHA256:4k9HhW0Y4bH2qk1L0m9x4b3R0k3l1PqH6o0v0v0v0v0"
               (name "bob"))
              ("ad17a21ef8aed8f1cc02dbd9f7d5c9bf765c61e3")))
            """
        #expect(try parse(text) == [.openPGP("AD17A21EF8AED8F1CC02DBD9F7D5C9BF765C61E3"),
                                    .ssh("SHA256:4k9HhW0Y4bH2qk1L0m9x4b3R0k3l1PqH6o0v0v0v0v0")])
        #expect(try parse("(authorizations (version 0) ())") == [])
    }

    @Test("malformed files are refused with a reason")
    func malformed() {
        #expect(failure("") == "the file is empty")
        #expect(failure(";; only a comment\n") == "the file is empty")
        #expect(failure("(authorizations (version 1) ())")?.contains("unsupported version 1") == true)
        #expect(failure("(authorisations (version 0) ())")?.contains("(authorizations …)") == true)
        #expect(failure("(authorizations (version 0) ((\"nope\")))")?.contains("'nope' is neither") == true)
        #expect(failure("(authorizations (version 0) (\"AD17A21EF8AED8F1CC02DBD9F7D5C9BF765C61E3\"))")?.contains("each key") == true)
        #expect(failure("(authorizations (version 0) ()))")?.contains("unexpected ')'") == true)
        #expect(failure("(authorizations (version 0) ()) (more)")?.contains("after the (authorizations") == true)
        #expect(failure("(authorizations\n (version 0)\n ((\"AD17)))")?.contains("line 3: this string is never closed") == true)
        #expect(failure(String(repeating: "(", count: 10_000))?.contains("nested too deeply") == true)
        #expect(failure("'(authorizations (version 0) ())")?.contains("unexpected '''") == true)
    }

    @Test("fingerprints: OpenPGP ones ignore spaces and case, SSH ones are exact")
    func fingerprints() {
        let grouped = SignerFingerprint(parsing: "ad17 a21e f8ae d8f1 cc02  dbd9 f7d5 c9bf 765c 61e3")
        #expect(grouped == .openPGP("AD17A21EF8AED8F1CC02DBD9F7D5C9BF765C61E3"))
        #expect(grouped?.description == "AD17 A21E F8AE D8F1 CC02 DBD9 F7D5 C9BF 765C 61E3")
        #expect(SignerFingerprint(parsing: "SHA256:abc+/9") == .ssh("SHA256:abc+/9"))
        #expect(SignerFingerprint(parsing: "SHA256:abc+/9") != SignerFingerprint(parsing: "SHA256:ABC+/9"))
        #expect(SignerFingerprint(parsing: "AD17A21E") == nil)
        #expect(SignerFingerprint(parsing: "SHA256:") == nil)
        #expect(SignerFingerprint(parsing: "MD5:12:34") == nil)
    }

    @Test("armor: base64 body, checksum checked, several blocks concatenated")
    func armor() throws {
        let packet: [UInt8] = [0x99, 0x00, 0x03, 0x04, 0x05, 0x06]
        let body = AuthenticationBase64.encode(packet, padded: true)
        let checksum = AuthenticationBase64.encode(OpenPGPKeyring.crc24(packet), padded: true)
        let block = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: test\n\n\(body)\n=\(checksum)\n-----END PGP PUBLIC KEY BLOCK-----\n"
        #expect(try OpenPGPKeyring.dearmor(Array(block.utf8)) == packet)
        #expect(try OpenPGPKeyring.dearmor(Array((block + block).utf8)) == packet + packet)
        #expect(try OpenPGPKeyring.dearmor(packet) == packet)
        let corrupt = block.replacing("=\(checksum)", with: "=AAAA")
        #expect(throws: OpenPGPKeyring.ArmorError.self) { try OpenPGPKeyring.dearmor(Array(corrupt.utf8)) }
        #expect(throws: OpenPGPKeyring.ArmorError.self) { try OpenPGPKeyring.dearmor(Array("hello".utf8)) }
        // RFC 4880's checksum of no data is its initial value.
        #expect(OpenPGPKeyring.crc24([]) == [0xB7, 0x04, 0xCE])
        #expect(AuthenticationBase64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(AuthenticationBase64.encode(Array("hello".utf8), padded: false) == "aGVsbG8")
        #expect(AuthenticationBase64.decode("a*") == nil)
    }

    @Test("a signed commit is split into signature and payload as git splits it")
    func signedCommitSplit() {
        let parent = String(repeating: "a", count: 40)
        let object = """
            tree \(String(repeating: "b", count: 40))
            parent \(parent)
            author A <a@x> 1 +0000
            committer A <a@x> 1 +0000
            gpgsig -----BEGIN SSH SIGNATURE-----
             AAAA
             
             -----END SSH SIGNATURE-----
            gpgsig-sha256 -----BEGIN PGP SIGNATURE-----
             BBBB
             -----END PGP SIGNATURE-----
            mergetag object x
             type commit

            Message.
            gpgsig not a header here

            """
        let commit = SignedCommit(id: String(repeating: "c", count: 40), object: Array(object.utf8))
        #expect(commit.parents == [parent])
        #expect(commit.kind == .ssh)
        #expect(commit.signature.map { String(decoding: $0, as: UTF8.self) }
            == "-----BEGIN SSH SIGNATURE-----\nAAAA\n\n-----END SSH SIGNATURE-----\n")
        #expect(String(decoding: commit.payload, as: UTF8.self) == """
            tree \(String(repeating: "b", count: 40))
            parent \(parent)
            author A <a@x> 1 +0000
            committer A <a@x> 1 +0000
            mergetag object x
             type commit

            Message.
            gpgsig not a header here

            """)
        let sha256 = SignedCommit(id: String(repeating: "c", count: 64), object: Array(object.utf8))
        #expect(sha256.kind == .openPGP)
        let unsigned = SignedCommit(id: String(repeating: "c", count: 40), object: Array("tree x\n\nHi.\n".utf8))
        #expect(unsigned.signature == nil && unsigned.kind == nil && unsigned.payload == Array("tree x\n\nHi.\n".utf8))
    }
}
