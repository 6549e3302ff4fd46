import Basics
import Scheme

/// A profile's `manifest` file as data: what `-I`, `-l` and `--search-paths`
/// show without running any Scheme. The format is Guix's (version 4):
/// `(manifest (version 4) (packages ((NAME VERSION OUTPUT ITEM
/// (propagated-inputs (…)) (search-paths (…)) (properties (…))) …)))`.
package struct ProfileManifest {
    package struct Entry: Equatable {
        package var name: String
        package var version: String
        package var output: String
        package var item: String
        package var dependencies: [Entry]
        package var searchPaths: [SearchPath]
        /// The channels the entry's package came from (its `provenance` property).
        package var provenance: [Provenance] = []
    }

    /// One `(repository (version 0) (name …) (url …) (branch …) (commit …)
    /// (introduction (channel-introduction (version 0) (commit …) (signer …))))`.
    package struct Provenance: Equatable, Hashable {
        package var name: String?
        package var url: String
        package var branch: String?
        package var commit: String
        package var introduction: (commit: String, signer: String)?

        package static func == (a: Provenance, b: Provenance) -> Bool {
            a.name == b.name && a.url == b.url && a.branch == b.branch && a.commit == b.commit
                && a.introduction?.commit == b.introduction?.commit && a.introduction?.signer == b.introduction?.signer
        }

        package func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(url)
            hasher.combine(commit)
        }
    }

    /// `(VARIABLE (FILE …) SEPARATOR FILE-TYPE FILE-PATTERN)`.
    package struct SearchPath: Equatable, Hashable {
        package var variable: String
        package var files: [String]
        /// nil for a variable holding one value.
        package var separator: String?
        package var fileType: String
        package var pattern: String?
    }

    package var entries: [Entry]
    /// The file's text, as the profile holds it.
    package var text: String

    package static let empty = ProfileManifest(entries: [], text: "(manifest (version 4) (packages ()))")

    package init(entries: [Entry], text: String) {
        self.entries = entries
        self.text = text
    }

    /// The manifest of the profile item at `item` (empty when it has none).
    package static func read(profileItem item: String) throws -> ProfileManifest {
        let path = item + "/manifest"
        guard FileSystem.exists(path) else { return .empty }
        let text = String(decoding: try FileSystem.readFile(path), as: UTF8.self)
        return try parse(text, path: path)
    }

    package static func parse(_ text: String, path: String) throws -> ProfileManifest {
        let forms: [Value]
        do { forms = try Reader.readAll(text: text, file: SourceFile(name: path, text: text)) } catch {
            throw ProfileError.badManifest(path: path, reason: "\(error)")
        }
        guard let top = forms.first?.listElements, top.first.flatMap(symbolName) == "manifest" else {
            throw ProfileError.badManifest(path: path, reason: "it does not start with (manifest …)")
        }
        let packages = top.dropFirst().first { $0.listElements?.first.flatMap(symbolName) == "packages" }
        let list = packages?.listElements?.dropFirst().first?.listElements ?? []
        return ProfileManifest(entries: try list.map { try entry($0, path: path) }, text: text)
    }

    private static func entry(_ value: Value, path: String) throws -> Entry {
        guard let parts = value.listElements, parts.count >= 4 else {
            throw ProfileError.badManifest(path: path, reason: "bad entry \(value.written(limit: 60))")
        }
        let strings = parts.prefix(4).compactMap(string)
        guard strings.count == 4 else { throw ProfileError.badManifest(path: path, reason: "bad entry \(value.written(limit: 60))") }
        func field(_ name: String) -> [Value] {
            let found = parts.dropFirst(4).first { $0.listElements?.first.flatMap(symbolName) == name }
            return found?.listElements?.dropFirst().first?.listElements ?? []
        }
        let searchPaths = field("search-paths").compactMap { spec -> SearchPath? in
            guard let items = spec.listElements, items.count >= 4, let variable = string(items[0]) else { return nil }
            return SearchPath(variable: variable, files: (items[1].listElements ?? []).compactMap(string),
                              separator: string(items[2]), fileType: symbolName(items[3]) ?? "directory",
                              pattern: items.count > 4 ? string(items[4]) : nil)
        }
        let provenance = field("properties").first { $0.listElements?.first.flatMap(symbolName) == "provenance" }
        return Entry(name: strings[0], version: strings[1], output: strings[2], item: strings[3],
                     dependencies: try field("propagated-inputs").map { try entry($0, path: path) },
                     searchPaths: searchPaths,
                     provenance: (provenance?.listElements?.dropFirst() ?? []).compactMap(Self.provenance))
    }

    private static func provenance(_ value: Value) -> Provenance? {
        guard let parts = value.listElements, parts.first.flatMap(symbolName) == "repository" else { return nil }
        func field(_ name: String, in parts: [Value]) -> Value? {
            parts.dropFirst().first { $0.listElements?.first.flatMap(symbolName) == name }?.listElements?.dropFirst().first
        }
        guard let url = field("url", in: parts).flatMap(string), let commit = field("commit", in: parts).flatMap(string) else { return nil }
        var introduction: (String, String)?
        if let intro = field("introduction", in: parts)?.listElements,
           let first = field("commit", in: intro).flatMap(string), let signer = field("signer", in: intro).flatMap(string) {
            introduction = (first, signer)
        }
        let name = field("name", in: parts).flatMap { symbolName($0) ?? string($0) }
        return Provenance(name: name, url: url, branch: field("branch", in: parts).flatMap(string), commit: commit,
                          introduction: introduction)
    }

    private static func string(_ value: Value) -> String? {
        if case .string(let s) = value { return s.string }
        return nil
    }

    private static func symbolName(_ value: Value) -> String? {
        if case .symbol(let s) = value { return s.name }
        return nil
    }

    /// PATH, which every profile has, as in Guix's manifest-search-paths.
    package static let pathSearchPath = SearchPath(variable: "PATH", files: ["bin", "sbin"], separator: ":", fileType: "directory", pattern: nil)

    /// PATH, then every search path of the entries and what they propagate, once each.
    package var searchPaths: [SearchPath] {
        var seen: Set<SearchPath> = [Self.pathSearchPath], result: [SearchPath] = [Self.pathSearchPath]
        func visit(_ entry: Entry) {
            for spec in entry.searchPaths where seen.insert(spec).inserted { result.append(spec) }
            entry.dependencies.forEach(visit)
        }
        entries.forEach(visit)
        return result
    }

    /// `export VAR="…"` lines for the profiles' search paths, as
    /// `guix package --search-paths`: exact (the profiles' values only),
    /// prefix (before the current value) or suffix (after it).
    package static func searchPathLines(profiles: [String], specs: [SearchPath], kind: String) -> [String] {
        specs.compactMap { spec in
            let values = profiles.flatMap { profile in
                EtcProfile.values(in: profile, files: spec.files, type: spec.fileType, pattern: spec.pattern ?? "")
                    .map { profile + "/" + $0 }
            }
            guard !values.isEmpty else { return nil }
            guard let separator = spec.separator else { return "export \(spec.variable)=\"\(values[0])\"" }
            let joined = values.joined(separator: separator)
            switch kind {
            case "prefix": return "export \(spec.variable)=\"\(joined)${\(spec.variable):+\(separator)}$\(spec.variable)\""
            case "suffix": return "export \(spec.variable)=\"$\(spec.variable)${\(spec.variable):+\(separator)}\(joined)\""
            default: return "export \(spec.variable)=\"\(joined)\""
            }
        }
    }
}
