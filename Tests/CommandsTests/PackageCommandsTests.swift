import Foundation
import Testing

/// The package commands over the repository's channel: build -d, show,
/// search, package -A, edit, graph, specifications and their errors. Only
/// evaluation: nothing is downloaded or built.
@Suite(.serialized)
struct PackageCommandsTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    @Test("build -d PACKAGE prints one stable .drv; a Guix-written hello has the same output path")
    func derivations() throws {
        let t = try Sandbox("pkg-drv")
        let one = try t.cairn(["build", "-d", "hello"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.lines.count == 1 && one.lines[0].hasSuffix("-hello-2.10.drv"))
        #expect(try t.cairn(["build", "-d", "hello@2.10"]).lines == one.lines)
        // Only the source's URL differs, and a fixed-output download counts by its hash.
        // The .drv names its download, whose URL differs; the output path does not.
        let guix = try t.cairn(["build", "-d", "-f", Self.fixtures + "/guix-hello.scm"])
        #expect(guix.status == 0, "\(guix.stderr)")
        func output(_ drv: String) throws -> String {
            let text = try String(contentsOfFile: drv, encoding: .utf8)
            guard let start = text.range(of: "(\"out\",\"")?.upperBound, let end = text[start...].firstIndex(of: "\"") else { return "" }
            return String(text[start..<end])
        }
        let guixDrv = try #require(guix.lines.first)
        #expect(try output(guixDrv) == (try output(one.lines[0])) && (try output(guixDrv)).hasSuffix("-hello-2.10"))
        let source = try t.cairn(["build", "-d", "-S", "hello"])
        #expect(source.lines.count == 1 && source.lines[0].hasSuffix("-hello-2.10.tar.gz.drv"), "\(source.stderr)")
        #expect(try t.cairn(["build", "-d", "--sources=transitive", "zlib"]).lines.map { $0.hasSuffix("-zlib-1.2.13.dfsg.tar.bz2.drv") } == [true])
        let output = try t.cairn(["build", "-d", "zlib:static"])
        #expect(output.status == 0 && output.lines.count == 1 && output.lines[0].hasSuffix("-zlib-1.2.13.drv"), "\(output.stderr)")
    }

    @Test("bad specifications say what exists")
    func badSpecifications() throws {
        let t = try Sandbox("pkg-bad")
        let unknown = try t.cairn(["build", "-d", "helo"])
        #expect(unknown.status == 1 && unknown.stderr == "cairn: error: unknown package 'helo'\nhint: did you mean 'hello'?\n", "\(unknown.stderr)")
        let version = try t.cairn(["build", "-d", "hello@9"])
        #expect(version.status == 1 && version.stderr.contains("no package matches 'hello@9'") && version.stderr.contains("2.10"))
        let output = try t.cairn(["build", "-d", "zlib:doc"])
        #expect(output.status == 1 && output.stderr.contains("has no output 'doc' (its outputs: out, static)"))
    }

    @Test("a syntax error in a user's package module is reported with file:line:column")
    func syntaxError() throws {
        let t = try Sandbox("pkg-syntax")
        try t.write("mine/my/tools.scm", "(define-module (my tools))\n(define x (list 1 2)\n")
        let result = try t.cairn(["build", "-d", "-L", t.path("mine"), "hello"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("cairn: error: \(t.path("mine/my/tools.scm")):2:"), "\(result.stderr)")
    }

    @Test("show, package -A and search describe the collection")
    func describe() throws {
        let t = try Sandbox("pkg-show")
        let show = try t.cairn(["show", "hello"])
        #expect(show.status == 0, "\(show.stderr)")
        for line in ["name: hello", "version: 2.10", "+ out: everything", "location: cairn/packages/base.scm:11",
                     "homepage: https://www.gnu.org/software/hello/", "license: GPL 3+", "synopsis: Hello, GNU world: An example GNU package"] {
            #expect(show.lines.contains(line), "\(line) in \(show.output)")
        }
        // Every version a name matches, newest first.
        try t.write("mine/two/hellos.scm", """
            (define-module (two hellos) #:use-module (guix packages) #:use-module (gnu packages base))
            (define-public hello-next (package (inherit hello) (version "2.12")))
            """)
        let both = try t.cairn(["show", "-L", t.path("mine"), "hello"])
        #expect(both.lines.filter { $0.hasPrefix("version: ") } == ["version: 2.12", "version: 2.10"], "\(both.output)\(both.stderr)")
        let newest = try t.cairn(["build", "-d", "-L", t.path("mine"), "hello"])
        #expect(newest.status == 0 && newest.stderr.isEmpty, "choosing the newest of two versions is no ambiguity: \(newest.stderr)")
        let glibc = try t.cairn(["show", "glibc"])
        #expect(glibc.output.contains("built-from: pinned Debian binary packages"))
        let all = try t.cairn(["package", "-A"])
        #expect(all.lines.contains("zlib\t1.2.13\tout,static\tcairn/packages/compression.scm:11"), "\(all.output)")
        #expect(all.lines.map { $0.split(separator: "\t")[0] } == all.lines.map { $0.split(separator: "\t")[0] }.sorted())
        #expect(try t.cairn(["package", "-A", "^z"]).lines.count == 1)
        let search = try t.cairn(["search", "library"])
        #expect(search.status == 0)
        let names = search.lines.filter { $0.hasPrefix("name: ") }
        #expect(names.contains("name: glibc") && names.contains("name: zlib") && !names.contains("name: hello"), "\(names)")
        // A match in the name counts most: zlib, whose name holds "z", before glibc.
        let ranked = try t.cairn(["search", "z", "library"]).lines.filter { $0.hasPrefix("name: ") }
        #expect(ranked.first == "name: zlib", "\(ranked)")
        // Every compressor, the most relevant first.
        let compression = try t.cairn(["search", "compression"]).lines
        let relevances = compression.filter { $0.hasPrefix("relevance: ") }.compactMap { Int($0.dropFirst("relevance: ".count)) }
        #expect(Set(compression.filter { $0.hasPrefix("name: ") }) == ["name: gzip", "name: zlib", "name: xz", "name: bzip2"], "\(compression)")
        #expect(relevances.count == 4 && relevances == relevances.sorted(by: >), "\(relevances)")
        let none = try t.cairn(["search", "no-such-thing-anywhere"])
        #expect(none.status == 1 && none.stderr.contains("no package matches"))
    }

    @Test("edit starts $EDITOR at the definition, or prints file:line")
    func edit() throws {
        let t = try Sandbox("pkg-edit")
        let environment = t.storeEnvironment.merging(["VISUAL": "", "EDITOR": "echo opened"]) { $1 }
        let opened = try TestTools.run(TestTools.cairn, ["edit", "zlib"], environment: environment)
        #expect(opened.status == 0 && opened.output.hasPrefix("opened +11 /") && opened.output.hasSuffix("channel/cairn/packages/compression.scm\n"), "\(opened.output)")
        let printed = try TestTools.run(TestTools.cairn, ["edit", "hello"], environment: t.storeEnvironment.merging(["VISUAL": "", "EDITOR": ""]) { $1 })
        #expect(printed.output.hasSuffix("channel/cairn/packages/base.scm:11\n"), "\(printed.output)")
    }

    @Test("graph writes dot for packages, bags, reverse dependencies and derivations")
    func graph() throws {
        let t = try Sandbox("pkg-graph")
        let bag = try t.cairn(["graph", "-t", "bag", "hello"])
        #expect(bag.status == 0, "\(bag.stderr)")
        #expect(bag.output.hasPrefix("digraph \"Cairn bag\" {"))
        #expect(bag.output.contains("\"hello@2.10\" -> \"glibc@"))
        let shallow = try t.cairn(["graph", "-t", "bag", "-M", "1", "hello"])
        #expect(!shallow.output.contains("\"gcc-toolchain@12.2.0-14+deb12u1\" -> "))
        let reverse = try t.cairn(["graph", "-t", "reverse-package", "glibc"])
        #expect(reverse.output.contains("\"gcc-toolchain@12.2.0-14+deb12u1\" -> \"glibc@"))
        let drv = try t.cairn(["graph", "-t", "derivation", "-M", "1", "hello"])
        #expect(drv.output.contains("-hello-2.10.drv\" -> \"") && drv.output.contains("hello-2.10.tar.gz.drv"))
        let references = try t.cairn(["graph", "-t", "references", "hello"])
        #expect(references.status == 1 && references.stderr.contains("hint: build it first: cairn build hello@2.10"))
    }
}
