import Basics

/// A Debian binary package (`.deb`): an ar archive holding `debian-binary`,
/// `control.tar.*` and `data.tar.*`. Cairn unpacks the data itself (no host
/// dpkg) and reads the control fields; maintainer scripts are never run.
package struct DebPackage {
    package let name: String
    private let archive: ArArchive

    /// `name` labels the package in errors (its file name, say).
    package init(_ bytes: [UInt8], name: String) throws {
        self.name = name
        archive = try ArArchive(bytes, name: name)
        guard let version = archive.member(prefixed: "debian-binary"),
              String(decoding: version.data, as: UTF8.self).hasPrefix("2.") else {
            throw ArchiveError.missingMember(archive: name, member: "debian-binary (format 2.x)", present: archive.members.map(\.name))
        }
    }

    /// Unpacks the package's files into `root`.
    package func unpackData(into root: String) throws {
        try TarExtractor.extract(tar("data.tar"), archive: name, into: root)
    }

    /// The fields of the package's `control` file (Package, Version, Depends …).
    package func control() throws -> [String: String] {
        var reader = TarReader(try tar("control.tar"), name: name)
        while let entry = try reader.next() {
            if entry.kind == .file, (try TarExtractor.safeComponents(entry.path, archive: name)) == ["control"] {
                return Self.fields(String(decoding: entry.data, as: UTF8.self))
            }
        }
        throw ArchiveError.missingMember(archive: name, member: "control.tar/control", present: archive.members.map(\.name))
    }

    private func tar(_ prefix: String) throws -> [UInt8] {
        guard let member = archive.member(prefixed: prefix) else {
            throw ArchiveError.missingMember(archive: name, member: prefix + ".*", present: archive.members.map(\.name))
        }
        return try Decompression.decompress(member.data, archive: name, member: member.name)
    }

    /// RFC 822-style fields; continuation lines (starting with a space) join the previous field.
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.first == "\t", let key = current {
                fields[key, default: ""] += "\n" + line.dropFirst()
            } else if let colon = line.firstIndex(of: ":") {
                let key = String(line[line.startIndex..<colon])
                fields[key] = line[line.index(after: colon)...].trimmingSpaces()
                current = key
            }
        }
        return fields
    }
}
