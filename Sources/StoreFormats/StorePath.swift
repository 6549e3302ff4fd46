/// The directory holding store items, e.g. `/cairn/store`. It is part of
/// every store path fingerprint, so it is kept in one normalised spelling:
/// absolute, single slashes, no trailing slash.
package struct StoreDirectory: Hashable, Sendable {
    package let path: String

    package init(_ path: String) throws(FormatError) {
        guard path.hasPrefix("/") else {
            throw .invalidStoreDirectory(path, reason: "it must be an absolute path")
        }
        guard !path.utf8.contains(0) else {
            throw .invalidStoreDirectory(path, reason: "it contains a NUL byte")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else {
            throw .invalidStoreDirectory(path, reason: "the root directory cannot be a store")
        }
        // Resolving '..' textually could disagree with the file system when
        // symlinks are involved, so such paths are refused, not rewritten.
        guard !components.contains(where: { $0 == "." || $0 == ".." }) else {
            throw .invalidStoreDirectory(path, reason: "it must not contain '.' or '..' components")
        }
        self.path = "/" + components.joined(separator: "/")
    }
}

/// A validated store path, independent of the store directory: `hashPart`
/// is 32 nix-base32 characters and `name` obeys Nix's name rules. Values can
/// only be made through the checking initialisers.
package struct StorePath: Hashable, Comparable, Sendable, CustomStringConvertible {
    package static let hashPartLength = 32
    /// Nix's limit (`StorePath::MaxPathLen`), so that a base name fits in
    /// 255 bytes with room for suffixes such as `.lock` and `.drv`.
    package static let maxNameLength = 211

    package let hashPart: String
    package let name: String

    package init(hashPart: String, name: String) throws(FormatError) {
        try Self.validateHashPart(hashPart, in: "\(hashPart)-\(name)")
        try Self.validateName(name)
        self.hashPart = hashPart
        self.name = name
    }

    /// Parses `HASH-name`, the last component of a store path.
    package init(baseName: some StringProtocol) throws(FormatError) {
        let utf8 = baseName.utf8
        guard utf8.count > Self.hashPartLength + 1 else {
            throw .invalidStorePath(String(baseName), reason: "it is too short to be '<32-character hash>-<name>'")
        }
        let dash = utf8.index(utf8.startIndex, offsetBy: Self.hashPartLength)
        guard utf8[dash] == UInt8(ascii: "-") else {
            throw .invalidStorePath(String(baseName), reason: "character 33 must be '-' after the 32-character hash")
        }
        let hashPart = String(baseName[..<dash])
        let name = String(baseName[baseName.index(after: dash)...])
        try self.init(hashPart: hashPart, name: name)
    }

    /// For hash parts computed here (`makeStorePath`), which are valid by
    /// construction: only the name is checked.
    init(computedHashPart hashPart: String, name: String) throws(FormatError) {
        try Self.validateName(name)
        self.hashPart = hashPart
        self.name = name
    }

    /// Hashes the hash part alone (equality still compares names too): it
    /// tells paths apart in practice, and sets of tens of thousands of paths
    /// are probed for every derivation an evaluation makes.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(hashPart)
    }

    package static func == (lhs: StorePath, rhs: StorePath) -> Bool {
        lhs.hashPart == rhs.hashPart && lhs.name == rhs.name
    }

    package var baseName: String { "\(hashPart)-\(name)" }

    package var description: String { baseName }

    package func absolute(in directory: StoreDirectory) -> String {
        "\(directory.path)/\(hashPart)-\(name)"
    }

    package static func < (lhs: StorePath, rhs: StorePath) -> Bool {
        // Byte order, as Nix's std::set<StorePath> sorts; references are
        // written in this order, so it must not follow locale or Unicode rules.
        // Hash parts have a fixed length, so comparing them and then the
        // names equals comparing base names, without building strings.
        if lhs.hashPart != rhs.hashPart {
            return lhs.hashPart.utf8.lexicographicallyPrecedes(rhs.hashPart.utf8)
        }
        return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }

    private static func validateHashPart(_ hashPart: String, in whole: String) throws(FormatError) {
        guard hashPart.utf8.count == hashPartLength else {
            throw .invalidStorePath(whole, reason: "the hash part must be \(hashPartLength) characters long")
        }
        if let bad = hashPart.utf8.first(where: { !NixBase32.isDigit($0) }) {
            throw .invalidStorePath(
                whole,
                reason: "the hash part contains '\(Self.printable(bad))', which is not a nix-base32 character")
        }
    }

    /// `validateName` for a `String`, the case every path computation has:
    /// one pass over contiguous bytes (the generic form is not specialised
    /// across modules and costs a witness call per byte).
    package static func validateName(_ name: String) throws(FormatError) {
        var copy = name
        let valid = copy.withUTF8 { bytes -> Bool in
            guard let first = bytes.first, first != UInt8(ascii: "."), bytes.count <= maxNameLength else { return false }
            for c in bytes where !isNameCharacter(c) { return false }
            return true
        }
        if !valid { try validateName(Substring(name)) }
    }

    package static func validateName(_ name: some StringProtocol) throws(FormatError) {
        let utf8 = name.utf8
        guard let first = utf8.first else {
            throw .invalidStorePathName(String(name), reason: "it is empty")
        }
        guard utf8.count <= maxNameLength else {
            throw .invalidStorePathName(String(name), reason: "it is longer than \(maxNameLength) characters")
        }
        // A leading '.' would make '.', '..' and hidden files possible.
        guard first != UInt8(ascii: ".") else {
            throw .invalidStorePathName(String(name), reason: "it starts with '.'")
        }
        if let bad = utf8.first(where: { !isNameCharacter($0) }) {
            throw .invalidStorePathName(String(name), reason: "it contains the character '\(printable(bad))'")
        }
    }

    private static func isNameCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "?"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }

    /// Shows a rejected byte readably, also when it is a control or non-ASCII byte.
    private static func printable(_ c: UInt8) -> String {
        (0x21...0x7E).contains(c) ? String(UnicodeScalar(c)) : "\\x" + Base16.encode([c])
    }
}

extension StoreDirectory {
    /// Parses exactly `DIR/HASH-name` (a single trailing slash is tolerated,
    /// as shells add one on completion). Taking a `String` keeps the work
    /// specialised in this module: evaluations parse every source input.
    package func parse(_ absolutePath: String) throws(FormatError) -> StorePath {
        let (storePath, rest) = try parseContaining(absolutePath)
        guard rest.isEmpty || rest == "/" else {
            throw .invalidStorePath(absolutePath, reason: "it names '\(rest)' inside a store item, not the item itself")
        }
        return storePath
    }

    /// `parse` for substrings and other string types.
    package func parse(_ absolutePath: some StringProtocol) throws(FormatError) -> StorePath {
        try parse(String(absolutePath))
    }

    /// Splits a path inside a store item into the item and the rest, e.g.
    /// `DIR/HASH-name/bin/x` into (`HASH-name`, `/bin/x`). `rest` is empty
    /// for the item itself and otherwise starts with '/'.
    package func parseContaining(_ path: some StringProtocol) throws(FormatError) -> (StorePath, rest: String) {
        let text = String(path)
        let prefix = self.path + "/"
        guard text.hasPrefix(prefix) else {
            throw .notInStore(path: text, storeDirectory: self.path)
        }
        // Both cut points sit next to an ASCII '/', so the UTF-8 indices are
        // valid character boundaries of `text`.
        let start = text.utf8.index(text.startIndex, offsetBy: prefix.utf8.count)
        let slash = text.utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? text.endIndex
        let baseName = text[start..<slash]
        let rest = text[slash...]
        do {
            return (try StorePath(baseName: baseName), String(rest))
        } catch .invalidStorePath(_, let reason) {
            throw .invalidStorePath(text, reason: reason)
        } catch {
            throw error
        }
    }

    /// True when `path` lies strictly below the store directory (whether or
    /// not the item name is valid), as Nix's `isInStore`.
    package func isInStore(_ path: some StringProtocol) -> Bool {
        let utf8 = path.utf8
        let prefix = self.path.utf8
        return utf8.count > prefix.count + 1
            && utf8.starts(with: prefix)
            && utf8[utf8.index(utf8.startIndex, offsetBy: prefix.count)] == UInt8(ascii: "/")
    }
}
