import Basics

/// Reads the ATerm text of a `.drv` file:
///
///     Derive([("out","/store/…-x","","")],[("/store/…-y.drv",["out"])],
///            ["/store/…-src"],"x86_64-linux","/bin/sh",["-c","…"],[("k","v")])
///
/// It accepts exactly the text Nix's writer produces, so that parsing and
/// writing again gives the same bytes (and so the same store path). Nix's own
/// reader is laxer: it also takes unknown escapes (`\q` for `q`), unsorted or
/// repeated keys (the last wins) and bytes after the closing parenthesis, but
/// it never writes them. Such a file would describe a derivation whose
/// re-serialisation has another hash than the file, so Cairn refuses it with
/// the byte offset of the problem.
///
/// The grammar has a fixed depth, so the reader is a loop, not a recursion:
/// no input can exhaust the stack, and every malformed input is an error,
/// never a trap.
package enum DerivationParser {
    package static func parse(
        _ bytes: [UInt8], name: String, storeDirectory: StoreDirectory
    ) throws(DerivationError) -> Derivation {
        var cursor = ATermCursor(bytes: bytes, storeDirectory: storeDirectory)
        try cursor.expect("Derive([")
        let outputs = try cursor.outputs()
        try cursor.expect(",[")
        let inputDerivations = try cursor.inputDerivations()
        try cursor.expect(",[")
        let inputSources = try cursor.inputSources()
        try cursor.expect(",")
        let system = try cursor.string(field: "system")
        try cursor.expect(",")
        let builder = try cursor.string(escaped: true)
        try cursor.expect(",[")
        var arguments: [String] = []
        try cursor.list { cursor throws(DerivationError) in arguments.append(try cursor.string(escaped: true)) }
        try cursor.expect(",[")
        let environment = try cursor.environment()
        try cursor.expect(")")
        if cursor.offset < bytes.count {
            throw .trailingBytes(offset: cursor.offset, count: bytes.count - cursor.offset)
        }
        return Derivation(
            name: name, outputs: outputs, inputDerivations: inputDerivations, inputSources: inputSources,
            system: system, builder: builder, arguments: arguments, environment: environment)
    }
}

/// A position in ATerm text and the readers of its pieces.
private struct ATermCursor {
    let bytes: [UInt8]
    let storeDirectory: StoreDirectory
    var offset = 0

    init(bytes: [UInt8], storeDirectory: StoreDirectory) {
        self.bytes = bytes
        self.storeDirectory = storeDirectory
    }

    // MARK: Tokens

    mutating func expect(_ token: StaticString) throws(DerivationError) {
        let expected = UnsafeBufferPointer(start: token.utf8Start, count: token.utf8CodeUnitCount)
        for (i, byte) in expected.enumerated() {
            guard offset + i < bytes.count, bytes[offset + i] == byte else {
                throw .unexpected(
                    offset: offset + i, expected: "'\(String(decoding: expected[i...], as: UTF8.self))'",
                    found: found(at: offset + i))
            }
        }
        offset += expected.count
    }

    /// Reads `item*` separated by commas up to the closing `]`; the opening
    /// `[` has been read.
    mutating func list(_ item: (inout ATermCursor) throws(DerivationError) -> Void) throws(DerivationError) {
        if peek == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            try item(&self)
            switch peek {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                return
            default: throw .unexpected(offset: offset, expected: "',' or ']'", found: found(at: offset))
            }
        }
    }

    var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    /// Describes what stands at `position`, for error messages.
    func found(at position: Int) -> String {
        guard position < bytes.count else { return "the end of the file" }
        let end = min(bytes.count, position + 12)
        var shown = ""
        for byte in bytes[position..<end] {
            shown += (0x20...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + Base16.encode([byte])
        }
        return "'\(shown)\(end < bytes.count ? "…" : "")'"
    }

    // MARK: Strings

    /// A string Nix writes without escapes (names, paths, hashes, the
    /// system): a backslash could not have come from Nix's writer.
    mutating func string(field: String) throws(DerivationError) -> String {
        try string(escaped: false, field: field)
    }

    /// A quoted string. With `escaped`, the five escapes Nix's writer uses
    /// are decoded; any other is refused, since it would not be written back.
    mutating func string(escaped: Bool, field: String = "") throws(DerivationError) -> String {
        try expect("\"")
        let start = offset
        var decoded: [UInt8]? = nil
        while true {
            guard offset < bytes.count else {
                throw .unexpected(offset: offset, expected: "'\"' to close the string that starts at byte \(start - 1)", found: found(at: offset))
            }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                guard escaped else { throw .escapeInUnquotedField(offset: offset, field: field) }
                guard offset + 1 < bytes.count else {
                    throw .unexpected(offset: offset + 1, expected: "an escaped character", found: found(at: offset + 1))
                }
                let replacement: UInt8
                switch bytes[offset + 1] {
                case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
                case UInt8(ascii: "n"): replacement = UInt8(ascii: "\n")
                case UInt8(ascii: "r"): replacement = UInt8(ascii: "\r")
                case UInt8(ascii: "t"): replacement = UInt8(ascii: "\t")
                default:
                    throw .invalidEscape(offset: offset, escape: String(found(at: offset).dropFirst().prefix(2)))
                }
                // Copy lazily: most strings have no escapes.
                if decoded == nil { decoded = Array(bytes[start..<offset]) }
                decoded?.append(replacement)
                offset += 2
                continue
            }
            if escaped, byte == 0x0A || byte == 0x0D || byte == 0x09 {
                throw .unescapedControl(offset: offset, escape: byte == 0x0A ? "\\n" : byte == 0x0D ? "\\r" : "\\t")
            }
            decoded?.append(byte)
            offset += 1
        }
        let end = offset
        offset += 1
        let text = decoded.map { String(validating: $0, as: UTF8.self) } ?? String(validating: bytes[start..<end], as: UTF8.self)
        guard let text else { throw .invalidUTF8(offset: start) }
        return text
    }

    // MARK: Pieces

    func storePath(_ text: String, offset: Int) throws(DerivationError) -> StorePath {
        do throws(FormatError) {
            let path = try storeDirectory.parse(text)
            // `parse` tolerates a trailing slash, which Nix never writes.
            guard path.absolute(in: storeDirectory) == text else {
                throw FormatError.invalidStorePath(text, reason: "it does not end with the item's name")
            }
            return path
        } catch .notInStore(_, let directory) {
            throw .pathOutsideStore(offset: offset, text: text, storeDirectory: directory)
        } catch .invalidStorePath(_, let reason), .invalidStorePathName(_, let reason) {
            throw .invalidPath(offset: offset, text: text, reason: reason)
        } catch {
            throw .invalidPath(offset: offset, text: text, reason: error.message)
        }
    }

    /// A map key or set element: keys must come in strictly increasing
    /// byte order, as Nix writes maps and sets.
    mutating func key(
        escaped: Bool = false, field: String, what: String, after previous: inout String?
    ) throws(DerivationError) -> (text: String, offset: Int) {
        let start = offset
        let key = try string(escaped: escaped, field: field)
        if let last = previous, !byteOrder(last, key) {
            if last.utf8.elementsEqual(key.utf8) { throw .duplicate(offset: start, what: what, key: key) }
            throw .unsorted(offset: start, what: what, key: key, previous: last)
        }
        previous = key
        return (key, start)
    }

    mutating func outputs() throws(DerivationError) -> [String: DerivationOutput] {
        var outputs: [String: DerivationOutput] = [:]
        var previous: String?
        try list { cursor throws(DerivationError) in
            try cursor.expect("(")
            let (name, nameOffset) = try cursor.key(field: "output name", what: "output", after: &previous)
            try cursor.expect(",")
            let pathOffset = cursor.offset
            let pathText = try cursor.string(field: "output path")
            try cursor.expect(",")
            let algorithmOffset = cursor.offset
            let algorithm = try cursor.string(field: "hash algorithm")
            try cursor.expect(",")
            let hashOffset = cursor.offset
            let hash = try cursor.string(field: "hash")
            try cursor.expect(")")
            let path = pathText.isEmpty ? nil : try cursor.storePath(pathText, offset: pathOffset)
            var output = DerivationOutput(path: path)
            if algorithm.isEmpty {
                guard hash.isEmpty else {
                    throw .invalidOutputHash(offset: hashOffset, output: name, reason: "it has a hash but no algorithm")
                }
            } else {
                guard !hash.isEmpty else { throw .floatingOutput(offset: algorithmOffset, output: name) }
                guard path != nil else {
                    throw .unexpected(offset: pathOffset, expected: "the path of fixed output '\(name)'", found: "an empty string")
                }
                output.fixed = try Self.fixedHash(algorithm: algorithm, hex: hash, output: name, offset: hashOffset)
            }
            guard outputs.updateValue(output, forKey: name) == nil else {
                throw .duplicate(offset: nameOffset, what: "output (up to Unicode normalisation)", key: name)
            }
        }
        return outputs
    }

    /// `[r:]ALGO` and lower-case hexadecimal, the only spelling Nix writes.
    private static func fixedHash(algorithm field: String, hex: String, output: String, offset: Int) throws(DerivationError) -> FixedOutputHash {
        let recursive = field.hasPrefix("r:")
        let name = recursive ? String(field.dropFirst(2)) : field
        guard let algorithm = HashAlgorithm(rawValue: name) else {
            throw .invalidOutputHash(offset: offset, output: output, reason: "unknown hash algorithm '\(name)'")
        }
        guard hex.utf8.count == 2 * algorithm.byteCount else {
            throw .invalidOutputHash(
                offset: offset, output: output,
                reason: "a \(algorithm.rawValue) hash has \(2 * algorithm.byteCount) hexadecimal digits, not \(hex.utf8.count)")
        }
        let lowerHex = hex.utf8.allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
        guard lowerHex, let bytes = try? Base16.decode(hex), let hash = try? Hash(algorithm: algorithm, bytes: bytes) else {
            throw .invalidOutputHash(offset: offset, output: output, reason: "'\(hex)' is not lower-case hexadecimal")
        }
        return FixedOutputHash(method: recursive ? .recursive : .flat, hash: hash)
    }

    mutating func inputDerivations() throws(DerivationError) -> [StorePath: Set<String>] {
        var inputs: [StorePath: Set<String>] = [:]
        var previous: String?
        try list { cursor throws(DerivationError) in
            try cursor.expect("(")
            let (text, pathOffset) = try cursor.key(field: "input derivation path", what: "input derivation", after: &previous)
            let path = try cursor.storePath(text, offset: pathOffset)
            try cursor.expect(",[")
            var names: Set<String> = []
            var previousName: String?
            try cursor.list { cursor throws(DerivationError) in
                let (name, nameOffset) = try cursor.key(
                    field: "output name", what: "output name of '\(text)'", after: &previousName)
                guard names.insert(name).inserted else {
                    throw .duplicate(offset: nameOffset, what: "output name (up to Unicode normalisation)", key: name)
                }
            }
            try cursor.expect(")")
            inputs[path] = names
        }
        return inputs
    }

    mutating func inputSources() throws(DerivationError) -> Set<StorePath> {
        var sources: Set<StorePath> = []
        var previous: String?
        try list { cursor throws(DerivationError) in
            let (text, offset) = try cursor.key(field: "input source path", what: "input source", after: &previous)
            sources.insert(try cursor.storePath(text, offset: offset))
        }
        return sources
    }

    mutating func environment() throws(DerivationError) -> [String: String] {
        var environment: [String: String] = [:]
        var previous: String?
        try list { cursor throws(DerivationError) in
            try cursor.expect("(")
            let (key, keyOffset) = try cursor.key(escaped: true, field: "", what: "environment variable", after: &previous)
            try cursor.expect(",")
            let value = try cursor.string(escaped: true)
            try cursor.expect(")")
            // Swift compares strings by canonical equivalence: two keys that
            // differ in bytes but not in meaning would collide here.
            guard environment.updateValue(value, forKey: key) == nil else {
                throw .duplicate(offset: keyOffset, what: "environment variable (up to Unicode normalisation)", key: key)
            }
        }
        return environment
    }
}
