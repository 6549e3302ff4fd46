import Basics

/// A Debian package index (`dists/SUITE/COMPONENT/binary-ARCH/Packages`)
/// and the dependency closure of a set of packages in it: what the
/// bootstrap seed list is made from (`cairn import debian-seed`).
///
/// Resolution is deterministic, not apt's: packages are taken in name order;
/// of a dependency's alternatives (`a | b`), one taken or asked for wins, else
/// the first that is a real package, else the first package (by name) that
/// `Provides` it. Version constraints are not checked, since an index holds
/// one version of each package; `:any` and `:native` qualifiers are dropped.
package struct DebianIndex {
    package struct Entry: Equatable, Sendable {
        package let name: String
        package let version: String
        package let filename: String
        package let sha256: String
        package let size: Int
        /// `Pre-Depends` then `Depends`: groups of alternatives.
        package let dependencies: [[String]]
        package let provides: [String]
    }

    package let entries: [String: Entry]
    private let providers: [String: [String]]

    package init(text: String, name: String) throws {
        var entries: [String: Entry] = [:]
        var providers: [String: [String]] = [:]
        for stanza in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
            let fields = DebPackage.fields(String(stanza))
            guard let package = fields["Package"] else { continue }
            guard let version = fields["Version"], let filename = fields["Filename"], let sha256 = fields["SHA256"],
                  let size = fields["Size"].flatMap({ Int($0) }) else {
                throw ArchiveError.badHeader(archive: name, detail: "the entry of \(package) lacks Version, Filename, SHA256 or Size")
            }
            let dependencies = ["Pre-Depends", "Depends"].flatMap { Self.relations(fields[$0]) }
            let provides = Self.relations(fields["Provides"]).flatMap { $0 }
            // An index lists each package once; should one repeat, the first stays.
            guard entries[package] == nil else { continue }
            entries[package] = Entry(name: package, version: version, filename: filename, sha256: sha256,
                                     size: size, dependencies: dependencies, provides: provides)
            for virtual in provides { providers[virtual, default: []].append(package) }
        }
        self.entries = entries
        self.providers = providers.mapValues { $0.sorted() }
    }

    /// `a (>= 1) | b:any, c` as [["a", "b"], ["c"]].
    static func relations(_ field: String?) -> [[String]] {
        guard let field else { return [] }
        return field.split(separator: ",").map { group in
            group.split(separator: "|").compactMap { alternative -> String? in
                // The name ends where a version "(", an architecture list "[" or white space begins.
                let name = String(alternative.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
                    .prefix(while: { !"([ \n\t".contains($0) }))
                let bare = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                return bare.isEmpty ? nil : bare
            }
        }.filter { !$0.isEmpty }
    }

    /// `names` and everything they depend on, sorted by name.
    package func closure(of names: [String]) throws -> [Entry] {
        var taken: [String: Entry] = [:]
        var pending = names.sorted()
        var neededBy: [String: String] = [:]
        for name in names where entries[name] == nil {
            throw DebianIndexError.unknownPackage(name: name, near: nearNames(name))
        }
        while !pending.isEmpty {
            let name = pending.removeFirst()
            guard taken[name] == nil, let entry = entries[name] else { continue }
            taken[name] = entry
            for group in entry.dependencies {
                guard let chosen = choose(group, chosen: { taken[$0] != nil || pending.contains($0) }) else {
                    throw DebianIndexError.unresolvable(dependency: group.joined(separator: " | "), of: name, chain: chain(name, neededBy))
                }
                if taken[chosen] == nil, !pending.contains(chosen) {
                    neededBy[chosen] = name
                    pending.append(chosen)
                    pending.sort()
                }
            }
        }
        return taken.values.sorted { $0.name < $1.name }
    }

    /// `isChosen`: taken already, or waiting to be (a package asked for).
    private func choose(_ alternatives: [String], chosen isChosen: (String) -> Bool) -> String? {
        for name in alternatives {
            if entries[name] != nil, isChosen(name) { return name }
            if let provider = providers[name]?.first(where: isChosen) { return provider }
        }
        if let real = alternatives.first(where: { entries[$0] != nil }) { return real }
        return alternatives.lazy.compactMap { providers[$0]?.first }.first
    }

    private func chain(_ name: String, _ neededBy: [String: String]) -> [String] {
        var result = [name]
        var current = name
        while let parent = neededBy[current], result.count < 50 {
            result.append(parent)
            current = parent
        }
        return result.reversed()
    }

    private func nearNames(_ name: String) -> [String] {
        entries.keys.filter { $0.hasPrefix(name) || name.hasPrefix($0) }.sorted().prefix(5).map { $0 }
    }
}

package enum DebianIndexError: UserFacingError, Equatable {
    case unknownPackage(name: String, near: [String])
    case unresolvable(dependency: String, of: String, chain: [String])

    package var message: String {
        switch self {
        case .unknownPackage(let name, let near):
            "the package index has no package '\(name)'" + (near.isEmpty ? "" : "; close names: " + near.joined(separator: ", "))
        case .unresolvable(let dependency, let package, let chain):
            "nothing in the package index provides '\(dependency)', a dependency of \(package) (needed by \(chain.joined(separator: " -> ")))"
        }
    }

    package var hint: String? {
        "check that the index is the binary-ARCH Packages file of the suite and component the seed comes from"
    }
}
