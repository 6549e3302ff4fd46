import Basics

/// A commit object split as `git verify-commit` splits it: the signature
/// from its `gpgsig` header, and the payload the signer signed.
struct SignedCommit {
    enum Kind: Equatable {
        case openPGP
        case ssh
        /// Anything else (X.509 from gpgsm…); its armor's first line.
        case other(String)
    }

    let id: String
    let parents: [String]
    /// The signature with its continuation-line spaces removed; nil when unsigned.
    let signature: [UInt8]?
    let payload: [UInt8]

    init(id: String, object: [UInt8]) {
        self.id = id
        // A SHA-256 repository signs the SHA-256 form of the commit under
        // `gpgsig-sha256`; `gpgsig` there signs the SHA-1 form, whose payload
        // we cannot rebuild, and the converse holds in a SHA-1 repository.
        let header = Array((id.utf8.count == 64 ? "gpgsig-sha256" : "gpgsig").utf8)
        var parents: [String] = []
        var signature: [UInt8] = []
        var sawSignature = false
        var payload: [UInt8] = []
        payload.reserveCapacity(object.count)
        // A transcription of git's parse_buffer_signed_by_header: the payload
        // must be byte for byte what git hands to gpg, or nothing verifies.
        var inSignature = false
        var otherSignature = false
        var line = 0
        while line < object.count {
            var next = object[line...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? object.count
            let text = object[line..<next]
            var signatureStart: Int?
            if inSignature && object[line] == UInt8(ascii: " ") {
                signatureStart = line + 1
            } else if text.starts(with: header + [UInt8(ascii: " ")]) {
                signatureStart = line + header.count + 1
                otherSignature = false
            } else if text.starts(with: Array("gpgsig".utf8)) {
                otherSignature = true
            } else if otherSignature && object[line] != UInt8(ascii: " ") {
                otherSignature = false
            }
            if let signatureStart {
                signature += object[signatureStart..<next]
                sawSignature = true
                inSignature = true
            } else {
                if object[line] == UInt8(ascii: "\n") {
                    // The message: everything after the blank line, as is.
                    next = object.count
                } else if text.starts(with: Array("parent ".utf8)) {
                    let value = String(decoding: text.dropFirst("parent ".count), as: UTF8.self).trimmingSpaces()
                    if AuthenticationRepository.isObjectID(value) { parents.append(value) }
                }
                if !otherSignature { payload += object[line..<next] }
                inSignature = false
            }
            line = next
        }
        self.parents = parents
        self.signature = sawSignature ? signature : nil
        self.payload = payload
    }

    var kind: Kind? {
        guard let signature else { return nil }
        let firstLine = String(decoding: signature.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self).trimmingSpaces()
        switch firstLine {
        case "-----BEGIN PGP SIGNATURE-----": return .openPGP
        case "-----BEGIN SSH SIGNATURE-----": return .ssh
        default: return .other(String(firstLine.prefix(60)))
        }
    }
}

/// The public key an SSH signature (`SSHSIG`, OpenSSH's PROTOCOL.sshsig)
/// carries, fingerprinted as `ssh-keygen -l` does. We take the signer from
/// the signature itself rather than from ssh-keygen's wording, which is not
/// an interface; ssh-keygen only says whether the signature is good.
enum SSHSignature {
    struct FormatError: Error {
        var detail: String
    }

    static func signerFingerprint(armored: [UInt8]) throws(FormatError) -> SignerFingerprint {
        let lines = String(decoding: armored, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingSpaces() }
        guard let begin = lines.firstIndex(of: "-----BEGIN SSH SIGNATURE-----"),
              let end = lines.firstIndex(of: "-----END SSH SIGNATURE-----"), begin < end else {
            throw FormatError(detail: "no SSH signature armor")
        }
        guard let blob = AuthenticationBase64.decode(lines[(begin + 1)..<end].joined()) else {
            throw FormatError(detail: "the SSH signature is not valid base64")
        }
        // "SSHSIG", uint32 version, string publickey, string namespace, …
        guard blob.starts(with: Array("SSHSIG".utf8)) else { throw FormatError(detail: "missing SSHSIG magic") }
        var offset = 6 + 4
        guard let publicKey = readString(blob, at: &offset), !publicKey.isEmpty else {
            throw FormatError(detail: "truncated SSH signature")
        }
        let digest = HashContext.digest(.sha256, of: publicKey)
        return .ssh("SHA256:" + AuthenticationBase64.encode(digest, padded: false))
    }

    /// An SSH wire-format string: a big-endian 32-bit length, then the bytes.
    private static func readString(_ bytes: [UInt8], at offset: inout Int) -> [UInt8]? {
        guard offset + 4 <= bytes.count else { return nil }
        let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        offset += 4
        guard length <= bytes.count - offset else { return nil }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}

/// Base64 as armors use it; Channels does not depend on StoreFormats,
/// whose codec is Nix's concern.
enum AuthenticationBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Nil on a character outside the alphabet; whitespace and padding are skipped.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values = [UInt8](repeating: 0xff, count: 256)
        for (index, character) in alphabet.enumerated() { values[Int(character)] = UInt8(index) }
        var result: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { continue }
            let value = values[Int(byte)]
            guard value != 0xff else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                result.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return result
    }

    static func encode(_ bytes: [UInt8], padded: Bool) -> String {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32(16 - 8 * $1.offset) }
            for position in 0...chunk.count {
                result.append(alphabet[Int(value >> UInt32(18 - 6 * position) & 0x3f)])
            }
            if padded { result += Array(repeating: UInt8(ascii: "="), count: 3 - chunk.count) }
            index += 3
        }
        return String(decoding: result, as: UTF8.self)
    }
}
