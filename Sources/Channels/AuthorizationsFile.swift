import Basics

/// The key that made a signature, as authorisations name it: an OpenPGP
/// primary-key fingerprint or an SSH key fingerprint.
package enum SignerFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// Uppercase hexadecimal, no spaces: 40 digits (v4 keys) or 64 (v5/v6).
    case openPGP(String)
    /// `SHA256:` and unpadded base64, as `ssh-keygen -l` prints it.
    case ssh(String)

    /// Reads a fingerprint as people write them: OpenPGP ones with or without
    /// the spaces gpg groups them with, in either case; SSH ones exactly.
    package init?(parsing text: String) {
        let trimmed = text.trimmingSpaces()
        if trimmed.hasPrefix("SHA256:") {
            // ssh-keygen never pads; a pasted fingerprint sometimes is.
            var body = Substring(trimmed.dropFirst("SHA256:".count))
            while body.hasSuffix("=") { body = body.dropLast() }
            guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") })
            else { return nil }
            self = .ssh("SHA256:" + body)
            return
        }
        let digits = trimmed.filter { $0 != " " && $0 != "\t" }.uppercased()
        guard digits.count == 40 || digits.count == 64, digits.allSatisfy({ $0.isHexDigit }) else { return nil }
        self = .openPGP(digits)
    }

    /// OpenPGP fingerprints in gpg's groups of four (easier to compare by eye
    /// with what `gpg --fingerprint` shows); SSH ones as ssh-keygen prints them.
    package var description: String {
        switch self {
        case .openPGP(let hex):
            var groups: [Substring] = []
            var rest = Substring(hex)
            while !rest.isEmpty {
                groups.append(rest.prefix(4))
                rest = rest.dropFirst(4)
            }
            return groups.joined(separator: " ")
        case .ssh(let fingerprint):
            return fingerprint
        }
    }

    /// One token without spaces, for the authentication cache's first line.
    var compactForm: String {
        switch self {
        case .openPGP(let hex): hex
        case .ssh(let fingerprint): fingerprint
        }
    }
}

/// `.cairn-authorizations`, in the syntax of Guix's `.guix-authorizations`:
///
///     (authorizations
///      (version 0)
///      (("AD17 A21E F8AE D8F1 CC02  DBD9 F7D5 C9BF 765C 61E3" (name "alice"))
///       ("SHA256:4k9H…" (name "bob"))))
package struct AuthorizationsFile: Equatable, Sendable {
    package struct SyntaxError: Error, Equatable {
        package var detail: String
    }

    package var signers: Set<SignerFingerprint>

    package init(signers: Set<SignerFingerprint>) {
        self.signers = signers
    }

    package init(parsing bytes: [UInt8]) throws(SyntaxError) {
        var reader = AuthorizationsReader(bytes)
        guard let form = try reader.next() else { throw SyntaxError(detail: "the file is empty") }
        // Guix reads the first form only; trailing text here is more likely a
        // mistake (an unbalanced parenthesis) than a feature.
        if try reader.next() != nil { throw SyntaxError(detail: "unexpected text after the (authorizations …) form") }
        guard case .list(let items) = form, items.first == .atom("authorizations") else {
            throw SyntaxError(detail: "the file must hold one (authorizations …) form")
        }
        guard items.count >= 3, case .list(let version) = items[1], version.count == 2, version[0] == .atom("version") else {
            throw SyntaxError(detail: "expected (version 0) then a list of keys after 'authorizations'")
        }
        guard version[1] == .atom("0") else {
            throw SyntaxError(detail: "unsupported version \(version[1]); this Cairn reads version 0")
        }
        guard case .list(let entries) = items[2] else {
            throw SyntaxError(detail: "expected a list of keys after (version 0)")
        }
        var signers: Set<SignerFingerprint> = []
        for entry in entries {
            // Guix accepts ("FPR" anything…); the rest (name …) is for people.
            guard case .list(let fields) = entry, case .string(let text)? = fields.first else {
                throw SyntaxError(detail: "each key must be written (\"FINGERPRINT\" (name \"…\")), not \(entry)")
            }
            guard let fingerprint = SignerFingerprint(parsing: text) else {
                throw SyntaxError(detail: "'\(text)' is neither an OpenPGP fingerprint (40 or 64 hexadecimal digits) nor an SSH one (SHA256:…)")
            }
            signers.insert(fingerprint)
        }
        self.signers = signers
    }
}

/// The few S-expressions the authorisations file uses: strings, atoms
/// (symbols and numbers alike), lists and `;` comments.
enum AuthorizationsDatum: Equatable, CustomStringConvertible {
    case string(String)
    case atom(String)
    case list([AuthorizationsDatum])

    var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .atom(let name): name
        case .list(let items): "(" + items.map(\.description).joined(separator: " ") + ")"
        }
    }
}

struct AuthorizationsReader {
    /// A file from a channel's repository is attacker-controlled: bound the
    /// recursion rather than let a wall of parentheses overflow the stack.
    private static let maximumDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next form, or nil at the end of the text.
    mutating func next() throws(AuthorizationsFile.SyntaxError) -> AuthorizationsDatum? {
        skipBlanks()
        guard index < bytes.count else { return nil }
        return try datum(depth: 0)
    }

    private mutating func skipBlanks() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                line += 1
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0c:
                index += 1
            case UInt8(ascii: ";"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            default:
                return
            }
        }
    }

    private func failure(_ detail: String) -> AuthorizationsFile.SyntaxError {
        AuthorizationsFile.SyntaxError(detail: "line \(line): \(detail)")
    }

    private mutating func datum(depth: Int) throws(AuthorizationsFile.SyntaxError) -> AuthorizationsDatum {
        guard depth < Self.maximumDepth else { throw failure("lists nested too deeply") }
        switch bytes[index] {
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let close = bytes[index] == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
            let opening = line
            index += 1
            var items: [AuthorizationsDatum] = []
            while true {
                skipBlanks()
                guard index < bytes.count else {
                    throw AuthorizationsFile.SyntaxError(detail: "line \(opening): this list is never closed")
                }
                if bytes[index] == close {
                    index += 1
                    return .list(items)
                }
                items.append(try datum(depth: depth + 1))
            }
        case UInt8(ascii: ")"), UInt8(ascii: "]"):
            throw failure("unexpected '\(Character(Unicode.Scalar(bytes[index])))'")
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: ","), UInt8(ascii: "#"):
            throw failure("unexpected '\(Character(Unicode.Scalar(bytes[index])))' (quotes and # syntax are not part of this file's syntax)")
        default:
            let start = index
            while index < bytes.count && !Self.endsAtom(bytes[index]) { index += 1 }
            return .atom(String(decoding: bytes[start..<index], as: UTF8.self))
        }
    }

    private static func endsAtom(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0c,
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "\""), UInt8(ascii: ";"):
            true
        default:
            false
        }
    }

    private mutating func string() throws(AuthorizationsFile.SyntaxError) -> String {
        let opening = line
        index += 1
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): text.append(escaped)
                case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                default: throw failure("unknown escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
                }
            case UInt8(ascii: "\n"):
                line += 1
                text.append(byte)
            default:
                text.append(byte)
            }
        }
        throw AuthorizationsFile.SyntaxError(detail: "line \(opening): this string is never closed")
    }
}
