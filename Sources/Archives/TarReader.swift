/// Entries of a tar archive held in memory: POSIX ustar with GNU long names
/// (`L`, `K`) and pax extended headers (`x`: path, linkpath, size), which
/// is what dpkg-deb and GNU tar write. Checksums are verified.
package struct TarReader {
    package enum Kind: Equatable {
        case file
        case directory
        case symlink(target: String)
        case hardlink(target: String)
        /// Devices and FIFOs: named by type, not unpacked.
        case special(String)
    }

    package struct Entry {
        package let path: String
        package let kind: Kind
        package let mode: UInt32
        package let data: ArraySlice<UInt8>
    }

    private let bytes: [UInt8]
    private let name: String
    private var offset = 0

    package init(_ bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    /// The next entry, or nil at the end of the archive.
    package mutating func next() throws -> Entry? {
        var longName: String?
        var longLink: String?
        var paxSize: Int?
        while true {
            guard offset + 512 <= bytes.count else {
                // Archives normally end with zero blocks; plain end of data is accepted too.
                if offset >= bytes.count { return nil }
                throw ArchiveError.truncated(archive: name, what: "a tar header")
            }
            let header = bytes[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { return nil }
            try verifyChecksum(header)
            let type = header[header.startIndex + 156]
            let size = try paxSize ?? number(header, 124, 12, "size")
            let start = offset + 512
            guard size >= 0, size <= bytes.count - start else { throw ArchiveError.truncated(archive: name, what: "a tar entry's data") }
            let data = bytes[start..<(start + size)]
            offset = start + (size + 511) / 512 * 512
            switch type {
            case UInt8(ascii: "L"):
                longName = text(data)
                continue
            case UInt8(ascii: "K"):
                longLink = text(data)
                continue
            case UInt8(ascii: "x"):
                let records = try pax(data)
                if let path = records["path"] { longName = path }
                if let link = records["linkpath"] { longLink = link }
                if let value = records["size"] {
                    guard let parsed = Int(value), parsed >= 0 else { throw ArchiveError.badHeader(archive: name, detail: "pax size '\(value)'") }
                    paxSize = parsed
                }
                continue
            case UInt8(ascii: "g"):
                continue
            default: break
            }
            var path = longName ?? text(header[header.startIndex..<(header.startIndex + 100)])
            if longName == nil, header[(header.startIndex + 257)..<(header.startIndex + 262)].elementsEqual("ustar".utf8) {
                let prefix = text(header[(header.startIndex + 345)..<(header.startIndex + 500)])
                if !prefix.isEmpty { path = prefix + "/" + path }
            }
            let link = longLink ?? text(header[(header.startIndex + 157)..<(header.startIndex + 257)])
            let mode = UInt32(truncatingIfNeeded: try number(header, 100, 8, "mode"))
            let kind: Kind
            switch type {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = .file
            case UInt8(ascii: "1"): kind = .hardlink(target: link)
            case UInt8(ascii: "2"): kind = .symlink(target: link)
            case UInt8(ascii: "5"): kind = .directory
            case UInt8(ascii: "3"): kind = .special("character device")
            case UInt8(ascii: "4"): kind = .special("block device")
            case UInt8(ascii: "6"): kind = .special("FIFO")
            default: kind = .special("tar entry of type '\(Character(Unicode.Scalar(type)))'")
            }
            return Entry(path: path, kind: kind, mode: mode, data: kind == .file ? data : [])
        }
    }

    private func text(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// An octal field, or GNU's base-256 form (high bit of the first byte set).
    private func number(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int, _ what: String) throws -> Int {
        let field = header[(header.startIndex + start)..<(header.startIndex + start + length)]
        if let first = field.first, first & 0x80 != 0 {
            var value = Int(first & 0x7F)
            for byte in field.dropFirst() {
                guard value < Int.max >> 8 else { throw ArchiveError.badHeader(archive: name, detail: "\(what) too large") }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var value = 0
        var seenDigit = false
        for byte in field {
            if byte == 0 || byte == UInt8(ascii: " ") { if seenDigit { break } else { continue } }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7"), value < Int.max >> 3 else {
                throw ArchiveError.badHeader(archive: name, detail: "\(what) field is not an octal number")
            }
            value = value << 3 | Int(byte - UInt8(ascii: "0"))
            seenDigit = true
        }
        return value
    }

    private func verifyChecksum(_ header: ArraySlice<UInt8>) throws {
        let stored = try number(header, 148, 8, "checksum")
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        guard sum == stored else { throw ArchiveError.badHeader(archive: name, detail: "tar header checksum mismatch at byte \(offset)") }
    }

    /// pax records: "LENGTH key=value\n", LENGTH counting the whole record.
    private func pax(_ data: ArraySlice<UInt8>) throws -> [String: String] {
        var records: [String: String] = [:]
        var position = data.startIndex
        while position < data.endIndex {
            guard let space = data[position...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[position..<space], as: UTF8.self)), length > 0,
                  length <= data.endIndex - position else {
                throw ArchiveError.badHeader(archive: name, detail: "malformed pax record")
            }
            let record = data[(space + 1)..<(position + length)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                var value = record[(equals + 1)...]
                if value.last == 0x0A { value = value.dropLast() }
                records[key] = String(decoding: value, as: UTF8.self)
            }
            position += length
        }
        return records
    }
}
