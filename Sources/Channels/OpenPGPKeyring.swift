import Basics

/// The OpenPGP public keys a channel publishes on its `keyring` branch (the
/// Guix convention): every `*.key` file at the top of the branch. The branch
/// only supplies key material; which keys may sign is decided by the
/// fingerprints in `.cairn-authorizations`, so a key added here authorises
/// nothing by itself.
enum OpenPGPKeyring {
    /// Where the branch is looked for when the caller names none: a local
    /// branch, then the usual remote, then any remote (bare mirrors fetched
    /// with `refs/heads/*:refs/remotes/NAME/*` keep it there).
    static let defaultReferences = ["refs/heads/keyring", "refs/remotes/origin/keyring", "refs/remotes/*/keyring"]

    /// The keyring branch's commit; nil when the repository has none.
    static func locate(in repository: AuthenticationRepository, reference: String?) throws(ChannelAuthenticationError) -> String? {
        if let reference { return try repository.commit(named: reference) }
        let output = try repository.output(["for-each-ref", "--format=%(refname)", "refs/heads/keyring", "refs/remotes/"])
        let names = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        let remotes = names.filter {
            let parts = $0.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 4 && parts[1] == "remotes" && parts[3] == "keyring"
        }.sorted()
        let preferred = names.filter { $0 == "refs/heads/keyring" } + remotes.filter { $0 == "refs/remotes/origin/keyring" } + remotes
        guard let chosen = preferred.first else { return nil }
        return try repository.commit(named: chosen)
    }

    /// The branch's keys, de-armored and concatenated: the binary keyring
    /// format `gpgv --keyring` reads.
    static func keyring(in repository: AuthenticationRepository, commit: String) throws(ChannelAuthenticationError) -> [UInt8] {
        let listing = try repository.output(["ls-tree", "-z", commit])
        var files: [(name: String, id: String)] = []
        for entry in listing.split(separator: 0) {
            // "<mode> <type> <id>\t<name>"
            guard let tab = entry.firstIndex(of: UInt8(ascii: "\t")) else { continue }
            let fields = String(decoding: entry[entry.startIndex..<tab], as: UTF8.self).split(separator: " ")
            let name = String(decoding: entry[(tab + 1)...], as: UTF8.self)
            guard fields.count == 3, fields[1] == "blob", name.hasSuffix(".key") else { continue }
            files.append((name, String(fields[2])))
        }
        files.sort { $0.name < $1.name }
        let blobs = try repository.objects(files.map(\.id))
        var keyring: [UInt8] = []
        for file in files {
            guard let blob = blobs[file.id] else { continue }
            do {
                keyring += try dearmor(blob.bytes)
            } catch {
                throw ChannelAuthenticationError(channel: repository.channel, .malformedKey(file: file.name, detail: error.detail))
            }
        }
        return keyring
    }

    struct ArmorError: Error, Equatable {
        var detail: String
    }

    /// The packets of every `PUBLIC KEY BLOCK` in `text` (RFC 4880 §6.2):
    /// armor headers, blank line, base64, an optional `=XXXX` checksum.
    /// A file that is already binary (its first byte a packet tag) is kept.
    static func dearmor(_ text: [UInt8]) throws(ArmorError) -> [UInt8] {
        if let first = text.first, first & 0x80 != 0 { return text }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingSpaces().filter { $0 != "\r" } }
        var packets: [UInt8] = []
        var blocks = 0
        var index = 0
        while index < lines.count {
            guard lines[index] == "-----BEGIN PGP PUBLIC KEY BLOCK-----" else {
                index += 1
                continue
            }
            index += 1
            // Armor headers ("Comment: …") end at the first blank line.
            while index < lines.count && lines[index].contains(":") && !lines[index].hasPrefix("-----") { index += 1 }
            if index < lines.count && lines[index].isEmpty { index += 1 }
            var body = ""
            var checksum: String?
            while index < lines.count && !lines[index].hasPrefix("-----END PGP PUBLIC KEY BLOCK-----") {
                let line = lines[index]
                if line.hasPrefix("=") && line.count == 5 {
                    checksum = String(line.dropFirst())
                } else {
                    body += line
                }
                index += 1
            }
            guard index < lines.count else { throw ArmorError(detail: "the armor has no END line") }
            guard let bytes = AuthenticationBase64.decode(body), !bytes.isEmpty else {
                throw ArmorError(detail: "the armored text is not valid base64")
            }
            if let checksum {
                guard let expected = AuthenticationBase64.decode(checksum), expected.count == 3,
                      expected == crc24(bytes) else {
                    throw ArmorError(detail: "the armor checksum does not match (the file is corrupt)")
                }
            }
            packets += bytes
            blocks += 1
            index += 1
        }
        guard blocks > 0 else { throw ArmorError(detail: "no '-----BEGIN PGP PUBLIC KEY BLOCK-----' line") }
        return packets
    }

    /// The armor checksum (RFC 4880 §6.1), big-endian.
    static func crc24(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xB704CE
        for byte in bytes {
            crc ^= UInt32(byte) << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x1000000 != 0 { crc ^= 0x1864CFB }
            }
        }
        return [UInt8(crc >> 16 & 0xff), UInt8(crc >> 8 & 0xff), UInt8(crc & 0xff)]
    }
}
