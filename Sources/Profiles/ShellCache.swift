import Basics
import Glibc

/// The profiles `cairn shell` made, under `~/.cache/cairn/profiles`, so the
/// same request starts without evaluating anything. An entry is keyed by
/// the request (options, working directory, channel and load path, this
/// `cairn`), and holds:
///   - `KEY`: a symlink to the profile's store item (a GC root through an
///     indirect root, registered when the entry is made);
///   - `KEY.inputs`: `SHA256 PATH` for every file the evaluation read
///     (manifests, package modules, channel modules, local files).
/// An entry is used only while every one of those files has the same
/// contents: an edit anywhere, even in a file a manifest includes, misses
/// (Guix's cache looks at modification times of the manifest only).
package struct ShellCache {
    package let directory: String
    /// Entries unused for this long are removed when another is made.
    package var maximumAge = 30 * 86_400

    package init(directory: String) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/cairn/profiles`, or `~/.cache/cairn/profiles`.
    package static func standard() -> ShellCache? {
        if let cache = ProcessEnvironment.value("XDG_CACHE_HOME"), cache.hasPrefix("/") {
            return ShellCache(directory: cache + "/cairn/profiles")
        }
        return ProcessEnvironment.value("HOME").map { ShellCache(directory: $0 + "/.cache/cairn/profiles") }
    }

    /// The key of a request: what the user asked for, where, with what.
    package static func key(_ parts: [String]) -> String {
        var bytes: [UInt8] = []
        for part in parts {
            bytes += Array(part.utf8)
            bytes.append(0)
        }
        return hex(HashContext.digest(.sha256, of: bytes).prefix(20))
    }

    /// The profile item of a valid entry, or nil.
    package func lookup(_ key: String) -> String? {
        let link = directory + "/" + key
        guard let item = try? FileSystem.readLink(link), FileSystem.exists(item + "/etc/profile") else { return nil }
        guard let listing = try? FileSystem.readFile(link + ".inputs") else { return nil }
        let lines = String(decoding: listing, as: UTF8.self).split(separator: "\n")
        // The listing names the item it was written for: a listing and a
        // link of two different runs never pass for an entry.
        guard lines.first == "item " + item[...] else { return nil }
        for line in lines.dropFirst() {
            guard let space = line.firstIndex(of: " ") else { return nil }
            let hash = String(line[..<space]), path = String(line[line.index(after: space)...])
            guard Self.digest(of: path) == hash else { return nil }
        }
        // Used now: the entry's age counts from here.
        _ = utimensat(AT_FDCWD, link, nil, AT_SYMLINK_NOFOLLOW)
        return item
    }

    /// Records `item` for `key`, with the files the evaluation read. Returns
    /// the entry's link, for the caller to make a GC root.
    @discardableResult
    package func store(_ key: String, item: String, inputs: [String]) throws -> String {
        try FileSystem.createDirectories(directory)
        expire()
        var listing = "item " + item + "\n"
        for path in Set(inputs).sorted() {
            // A file that cannot be read now cannot be checked later: no entry.
            guard let hash = Self.digest(of: path) else { return directory + "/" + key }
            listing += hash + " " + path + "\n"
        }
        let link = directory + "/" + key
        try FileSystem.writeAtomically(Array(listing.utf8), to: link + ".inputs")
        let temporary = link + ".tmp-" + FileSystem.randomSuffix(length: 8)
        try FileSystem.symlink(target: item, at: temporary)
        try FileSystem.rename(temporary, link)
        return link
    }

    /// Removes entries unused for longer than `maximumAge`.
    package func expire(now: Int = Int(time(nil))) {
        guard let names = try? FileSystem.entryNames(ofDirectory: directory) else { return }
        for name in names where !name.contains(".") {
            let link = directory + "/" + name
            guard let status = try? FileSystem.linkStatus(link), Int(status.st_mtim.tv_sec) < now - maximumAge else { continue }
            try? FileSystem.removeFile(link)
            try? FileSystem.removeFile(link + ".inputs")
        }
    }

    /// SHA-256 of a file's contents, or of a directory's listing and files, in hex.
    static func digest(of path: String) -> String? {
        var context = HashContext(.sha256)
        func feed(_ path: String) -> Bool {
            guard let status = try? FileSystem.linkStatus(path) else { return false }
            switch FileSystem.kind(of: status) {
            case .regular:
                guard let bytes = try? FileSystem.readFile(path) else { return false }
                context.update(Array("f\(bytes.count)\(status.st_mode & 0o100 != 0 ? "x" : "-"):".utf8))
                context.update(bytes)
            case .symlink:
                guard let target = try? FileSystem.readLink(path) else { return false }
                context.update(Array("l:\(target)\0".utf8))
            case .directory:
                guard let names = try? FileSystem.entryNames(ofDirectory: path) else { return false }
                context.update(Array("d:".utf8))
                for name in names.sorted() {
                    context.update(Array((name + "\0").utf8))
                    guard feed(path + "/" + name) else { return false }
                }
            case .other:
                return false
            }
            return true
        }
        guard feed(path) else { return nil }
        return hex(context.finalize())
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}
