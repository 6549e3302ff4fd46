import Basics

/// The members of a Unix `ar` archive, the container of a Debian package
/// (`debian-binary`, `control.tar.*`, `data.tar.*`). Common format: an
/// 8-byte magic, then per member a 60-byte header (name, mtime, uid, gid,
/// mode, decimal size, "`\n") and the data padded to an even length.
package struct ArArchive {
    package struct Member {
        package let name: String
        package let data: ArraySlice<UInt8>
    }

    package let members: [Member]

    static let magic = Array("!<arch>\n".utf8)

    /// `name` labels the archive in errors.
    package init(_ bytes: [UInt8], name: String) throws {
        guard bytes.count >= Self.magic.count, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw ArchiveError.notAnArArchive(archive: name)
        }
        var members: [Member] = []
        var offset = Self.magic.count
        while offset < bytes.count {
            // A lone padding newline may end the archive.
            if offset + 1 == bytes.count, bytes[offset] == 0x0A { break }
            guard offset + 60 <= bytes.count else { throw ArchiveError.truncated(archive: name, what: "a member header") }
            let header = bytes[offset..<(offset + 60)]
            guard header[header.startIndex + 58] == 0x60, header[header.startIndex + 59] == 0x0A else {
                throw ArchiveError.badHeader(archive: name, detail: "member header at byte \(offset) lacks its end marker")
            }
            let field = { (start: Int, length: Int) -> String in
                let slice = header[(header.startIndex + start)..<(header.startIndex + start + length)]
                return String(decoding: slice, as: UTF8.self).trimmingSpaces()
            }
            var memberName = field(0, 16)
            // GNU ar ends names with '/'; BSD long names are not used in .debs.
            if memberName.hasSuffix("/") { memberName.removeLast() }
            guard let size = Int(field(48, 10)), size >= 0 else {
                throw ArchiveError.badHeader(archive: name, detail: "member \(memberName) has no valid size")
            }
            let start = offset + 60
            guard size <= bytes.count - start else { throw ArchiveError.truncated(archive: name, what: "member \(memberName)") }
            members.append(Member(name: memberName, data: bytes[start..<(start + size)]))
            offset = start + size + (size & 1)
        }
        self.members = members
    }

    /// The first member whose name starts with `prefix` (`data.tar` finds `data.tar.xz`).
    package func member(prefixed prefix: String) -> Member? {
        members.first { $0.name == prefix || $0.name.hasPrefix(prefix + ".") }
    }
}
