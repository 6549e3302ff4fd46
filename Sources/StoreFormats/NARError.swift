import Basics

/// Why a NAR was rejected (reading) or could not be produced (writing).
/// `path` is the entry inside the archive where the problem is, when known,
/// and `offset` the byte position in the stream.
package struct NARError: UserFacingError, Equatable {
    package enum Kind: Equatable, Sendable {
        case badMagic
        case unexpectedToken(expected: String, found: String)
        case unknownFileType(String)
        case invalidName([UInt8], reason: String)
        case unsortedNames(previous: [UInt8], next: [UInt8])
        case duplicateName([UInt8])
        case nameTooLong(length: UInt64, limit: Int)
        case invalidTarget(reason: String)
        case stringTooLong(length: UInt64, limit: Int)
        case nonEmptyExecutableMarker
        case truncated
        case nonZeroPadding
        case tooDeep(limit: Int)
        case fileTooLarge(size: UInt64, limit: UInt64)
        case trailingData
        /// Writer only: `endRegular` after a different number of bytes than declared.
        case sizeMismatch(declared: UInt64, written: UInt64)
        /// Writer only: calls out of order, e.g. an entry outside a directory.
        case writerMisuse(String)
    }

    package var kind: Kind
    package var path: String?
    package var offset: UInt64?

    package init(_ kind: Kind, path: String? = nil, offset: UInt64? = nil) {
        self.kind = kind
        self.path = path
        self.offset = offset
    }

    private var isWriterError: Bool {
        switch kind {
        case .sizeMismatch, .writerMisuse: true
        default: false
        }
    }

    package var message: String {
        var text = (isWriterError ? "cannot write NAR: " : "invalid NAR: ") + problem
        if let path { text += " at '\(path)'" }
        if let offset { text += " (byte \(offset))" }
        return text
    }

    private var problem: String {
        switch kind {
        case .badMagic:
            return "it does not start with 'nix-archive-1'"
        case .unexpectedToken(let expected, let found):
            return "expected \(expected) but found \(found)"
        case .unknownFileType(let type):
            return "unknown file type '\(type)'"
        case .invalidName(let name, let reason):
            return "invalid entry name '\(Self.show(name))': \(reason)"
        case .unsortedNames(let previous, let next):
            return "entry names not sorted: '\(Self.show(next))' after '\(Self.show(previous))'"
        case .duplicateName(let name):
            return "duplicate entry name '\(Self.show(name))'"
        case .nameTooLong(let length, let limit):
            return "entry name of \(length) bytes exceeds the limit of \(limit)"
        case .invalidTarget(let reason):
            return "invalid symlink target: \(reason)"
        case .stringTooLong(let length, let limit):
            return "string of \(length) bytes exceeds the limit of \(limit)"
        case .nonEmptyExecutableMarker:
            return "the 'executable' marker must be followed by an empty string"
        case .truncated:
            return "unexpected end of data"
        case .nonZeroPadding:
            return "non-zero padding bytes"
        case .tooDeep(let limit):
            return "directories nested deeper than \(limit) levels"
        case .fileTooLarge(let size, let limit):
            return "file of \(size) bytes exceeds the limit of \(limit)"
        case .trailingData:
            return "trailing garbage after NAR"
        case .sizeMismatch(let declared, let written):
            return "regular file declared as \(declared) bytes but \(written) were written"
        case .writerMisuse(let what):
            return what
        }
    }

    package var hint: String? {
        switch kind {
        case .badMagic:
            "the input is not a Nix archive; if it is compressed (.nar.xz, .nar.zst), decompress it first"
        case .truncated:
            "the archive was cut short; fetch or copy it again"
        case .unsortedNames, .duplicateName, .nonZeroPadding, .trailingData:
            "Nix and Cairn always write canonical archives; this one was made by another tool or altered"
        case .sizeMismatch, .writerMisuse:
            "this is a bug in Cairn; please report it"
        default:
            nil
        }
    }

    /// Names are bytes; show them as UTF-8 where they are, escaped otherwise,
    /// and cut very long ones so the message stays one readable line.
    static func show(_ bytes: [UInt8]) -> String {
        let shown = bytes.prefix(80)
        var text = ""
        for scalar in String(decoding: shown, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\u{FFFD}", "\0"..."\u{1F}", "\u{7F}":
                text += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        return bytes.count > shown.count ? text + "…" : text
    }
}

/// The rule both the reader and the writer apply to directory entry names:
/// anything a POSIX file name can be, except what would escape or alias the
/// directory when unpacked.
package enum NAREntryName {
    /// Why `name` cannot be an entry name, or nil when it can.
    package static func problem(with name: [UInt8]) -> String? {
        if name.isEmpty { return "it is empty" }
        if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] {
            return "'.' and '..' are not allowed"
        }
        if name.contains(UInt8(ascii: "/")) { return "it contains '/'" }
        if name.contains(0) { return "it contains a NUL byte" }
        return nil
    }
}
