import Basics

/// The Debian archive mirrors the system's apt is configured with, so that
/// `mirror://debian/…` downloads from the mirror the machine already trusts
/// and reaches (ARCHITECTURE.md §1.8: no host is written in the repo).
///
/// Read: `ROOT/etc/apt/sources.list` and `ROOT/etc/apt/sources.list.d/*.list`
/// (one-line `deb [options] URI suite components`) and `*.sources` (deb822
/// paragraphs with `Types:`, `URIs:`, `Suites:`, `Enabled:`). Files with other
/// suffixes (`.disabled`, `.save`) are ignored, as apt ignores them.
///
/// A `deb` entry counts as a Debian archive when it is signed by the Debian
/// archive keyring or its URI path ends in `/debian` (the archive's path on
/// every official mirror); third-party repositories (`…/node_20.x`, vendor
/// clouds) are skipped, and so are security suites, whose pool lives elsewhere.
package enum AptSources {
    package static func debianMirrors(root: String) -> [String] {
        let etc = (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/etc/apt"
        var entries: [Entry] = []
        if let bytes = try? FileSystem.readFile(etc + "/sources.list") {
            entries += oneLineEntries(String(decoding: bytes, as: UTF8.self))
        }
        let directory = etc + "/sources.list.d"
        for name in (try? FileSystem.entryNames(ofDirectory: directory)) ?? [] {
            guard let bytes = try? FileSystem.readFile(directory + "/" + name) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            if name.hasSuffix(".list") {
                entries += oneLineEntries(text)
            } else if name.hasSuffix(".sources") {
                entries += deb822Entries(text)
            }
        }
        var seen = Set<String>()
        var result: [String] = []
        for entry in entries where entry.isDebianArchive {
            var uri = Substring(entry.uri)
            while uri.hasSuffix("/") { uri = uri.dropLast() }
            if seen.insert(String(uri)).inserted { result.append(String(uri)) }
        }
        return result
    }

    struct Entry {
        var uri: String
        var suites: [String]
        var signedBy: String?

        var isDebianArchive: Bool {
            guard let scheme = URLParts.scheme(of: uri), ["http", "https", "file"].contains(scheme) else { return false }
            if !suites.isEmpty && suites.allSatisfy({ $0.hasSuffix("-security") || $0.hasSuffix("/updates") }) {
                return false
            }
            var path = Substring(uri)
            while path.hasSuffix("/") { path = path.dropLast() }
            return path.hasSuffix("/debian") || (signedBy?.contains("debian-archive-keyring") ?? false)
        }
    }

    /// `deb [arch=amd64 signed-by=/x.gpg] URI SUITE COMPONENT…`
    static func oneLineEntries(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        for rawLine in text.split(separator: "\n") {
            var line = Substring(rawLine.prefix { $0 != "#" })
            line = line.drop { $0 == " " || $0 == "\t" }
            guard line.hasPrefix("deb ") || line.hasPrefix("deb\t") else { continue }
            line = line.dropFirst(4).drop { $0 == " " || $0 == "\t" }
            var signedBy: String?
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { continue }
                for option in line[line.index(after: line.startIndex)..<close].split(separator: " ")
                where option.hasPrefix("signed-by=") {
                    signedBy = String(option.dropFirst("signed-by=".count))
                }
                line = line[line.index(after: close)...]
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let uri = fields.first else { continue }
            entries.append(Entry(uri: uri, suites: Array(fields.dropFirst().prefix(1)), signedBy: signedBy))
        }
        return entries
    }

    /// deb822 paragraphs; continuation lines (leading space) extend a field.
    static func deb822Entries(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        var fields: [String: String] = [:]
        var lastKey: String?
        func finishParagraph() {
            defer { fields = [:]; lastKey = nil }
            let types = (fields["types"] ?? "").split(separator: " ")
            guard types.contains("deb"), fields["enabled"]?.lowercased() != "no" else { return }
            let suites = (fields["suites"] ?? "").split(separator: " ").map(String.init)
            for uri in (fields["uris"] ?? "").split(separator: " ") {
                entries.append(Entry(uri: String(uri), suites: suites, signedBy: fields["signed-by"]))
            }
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if rawLine.hasPrefix("#") { continue }
            if rawLine.trimmingSpaces().isEmpty {
                finishParagraph()
                continue
            }
            if rawLine.hasPrefix(" ") || rawLine.hasPrefix("\t") {
                // Signed-By may hold an inline key block; only its first line matters here.
                if let key = lastKey { fields[key, default: ""] += " " + rawLine.trimmingSpaces() }
                continue
            }
            guard let colon = rawLine.firstIndex(of: ":") else { continue }
            let key = rawLine[..<colon].trimmingSpaces().lowercased()
            fields[key] = rawLine[rawLine.index(after: colon)...].trimmingSpaces()
            lastKey = key
        }
        finishParagraph()
        return entries
    }
}
