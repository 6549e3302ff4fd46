import Testing
@testable import Archives

/// The seed list's dependency closure over a small index written like
/// Debian's: alternatives, virtual packages, Pre-Depends, qualifiers and
/// version constraints, folded fields.
struct DebianIndexTests {
    static func stanza(_ name: String, _ extra: String = "") -> String {
        """
        Package: \(name)
        Version: 1.0-1
        Architecture: amd64
        Filename: pool/main/\(name.prefix(1))/\(name)/\(name)_1.0-1_amd64.deb
        Size: \(name.count * 100)
        SHA256: \(String(repeating: "ab", count: 32))
        Description: \(name)
         a folded description line
        \(extra)
        """
    }

    static let index = [
        stanza("gcc", "Depends: cpp (= 1.0-1), libc6-dev | libc-dev, awk:any\nPre-Depends: libgcc-s1 (>= 3)"),
        stanza("cpp", "Depends: libgcc-s1 [amd64]"),
        stanza("libc6-dev", "Depends: libc6 (= 1.0-1)"),
        stanza("libc6", "Depends: libgcc-s1"),
        stanza("libgcc-s1", "Depends: libc6 (>= 2.34)"),
        stanza("mawk", "Provides: awk"),
        stanza("gawk", "Provides: awk"),
        stanza("musl-dev", "Provides: libc-dev"),
        stanza("lonely", "Depends: ghost | phantom"),
    ].joined(separator: "\n\n") + "\n"

    @Test("the closure follows Depends and Pre-Depends, alternatives and virtual packages")
    func closure() throws {
        let parsed = try DebianIndex(text: Self.index, name: "Packages")
        let closure = try parsed.closure(of: ["gcc"])
        #expect(closure.map(\.name) == ["cpp", "gawk", "gcc", "libc6", "libc6-dev", "libgcc-s1"])
        let gcc = try #require(parsed.entries["gcc"])
        #expect(gcc.dependencies == [["libgcc-s1"], ["cpp"], ["libc6-dev", "libc-dev"], ["awk"]])
        #expect(gcc.size == 300)
        #expect(gcc.filename == "pool/main/g/gcc/gcc_1.0-1_amd64.deb")
        // A provider already taken is preferred to the first by name.
        #expect(try parsed.closure(of: ["mawk", "gcc"]).map(\.name).contains("gawk") == false)
    }

    @Test("unknown packages and unresolvable dependencies are clear errors")
    func errors() throws {
        let parsed = try DebianIndex(text: Self.index, name: "Packages")
        #expect(throws: DebianIndexError.unknownPackage(name: "gc", near: ["gcc"])) { try parsed.closure(of: ["gc"]) }
        #expect(throws: DebianIndexError.unresolvable(dependency: "ghost | phantom", of: "lonely", chain: ["lonely"])) {
            try parsed.closure(of: ["lonely"])
        }
        #expect(throws: ArchiveError.self) { try DebianIndex(text: "Package: broken\nVersion: 1\n", name: "Packages") }
    }
}
