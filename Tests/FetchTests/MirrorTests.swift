import Basics
@testable import Fetch
import Foundation
import Glibc
import StoreFormats
import Testing

/// The mirror table: the mirrors file, apt sources, CAIRN_DEBIAN_MIRROR,
/// `mirror://` expansion, content-addressed templates and `file://`.
struct MirrorTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    private func request(_ urls: [String], _ body: String = "x") -> FetchRequest {
        FetchRequest(urls: urls, expectedHash: sha256(body), name: "hello.tar.gz")
    }

    @Test("the mirrors file: names with prefixes that add up, content-addressed templates, comments")
    func mirrorsFile() throws {
        try directory.write("mirrors", """
            # local mirrors
            gnu   https://one.invalid/gnu/  https://two.invalid/gnu
            gnu   file:///srv/gnu          # a third
            content-addressed https://cas.invalid/{algo}/{hex}

            """)
        let configuration = try FetchConfiguration.load(from: .init(
            mirrorsFile: directory.path + "/mirrors", debianMirror: nil, aptRoot: directory.path))
        #expect(configuration.mirrors["gnu"] == ["https://one.invalid/gnu/", "https://two.invalid/gnu", "file:///srv/gnu"])
        #expect(configuration.contentAddressedMirrors == ["https://cas.invalid/{algo}/{hex}"])

        let fetcher = Fetcher(configuration: configuration)
        let hash = sha256("x")
        #expect(try fetcher.sources(for: request(["mirror://gnu/hello/hello-2.12.tar.gz"])) == [
            "https://one.invalid/gnu/hello/hello-2.12.tar.gz",
            "https://two.invalid/gnu/hello/hello-2.12.tar.gz",
            "file:///srv/gnu/hello/hello-2.12.tar.gz",
            "https://cas.invalid/sha256/\(hash.encoded(.base16, withAlgorithm: false))",
        ])
    }

    @Test("a bad line of the mirrors file is an error with its line number", arguments: [
        ("gnu\n", "has no URL"),
        ("ok https://a.invalid\ngnu ftp://a.invalid/gnu\n", "not an http"),
        ("content-addressed https://cas.invalid/{algo}\n", "neither {hex} nor {nix32}"),
        ("gn/u https://a.invalid\n", "not a mirror name"),
    ])
    func badMirrorsFile(text: String, reason: String) throws {
        try directory.write("mirrors", text)
        let error = #expect(throws: FetchError.self) {
            try FetchConfiguration.load(from: .init(mirrorsFile: directory.path + "/mirrors", debianMirror: nil, aptRoot: directory.path))
        }
        #expect(error?.message.contains(directory.path + "/mirrors:") == true)
        #expect(error?.message.contains(reason) == true)
    }

    @Test("a missing mirrors file is an empty table")
    func missingMirrorsFile() throws {
        let configuration = try FetchConfiguration.load(from: .init(
            mirrorsFile: directory.path + "/absent", debianMirror: nil, aptRoot: directory.path))
        #expect(configuration.mirrors.isEmpty)
        #expect(configuration.configurationFiles == [directory.path + "/absent"])
    }

    @Test("an unknown mirror is an error listing the known ones and where to configure them")
    func unknownMirror() throws {
        let fetcher = Fetcher(configuration: FetchConfiguration(
            mirrors: ["gnu": ["https://a.invalid"], "cpan": ["https://b.invalid"]],
            configurationFiles: ["/home/u/.config/cairn/mirrors"]))
        let error = #expect(throws: FetchError.self) { try fetcher.sources(for: request(["mirror://sourceforge/x/y.tar.gz"])) }
        #expect(error?.message == "unknown mirror 'sourceforge' in 'mirror://sourceforge/x/y.tar.gz' (known mirrors: cpan, gnu)")
        #expect(error?.hint?.contains("/home/u/.config/cairn/mirrors") == true)

        let debian = #expect(throws: FetchError.self) { try fetcher.sources(for: request(["mirror://debian/pool/x.deb"])) }
        #expect(debian?.hint?.contains("CAIRN_DEBIAN_MIRROR") == true)
        #expect(debian?.hint?.contains("apt sources") == true)

        // With another URL to try, an unknown mirror is skipped.
        let fallback = try fetcher.sources(for: request(["mirror://sourceforge/x/y.tar.gz", "mirror://gnu/x/y.tar.gz"]))
        #expect(fallback == ["https://a.invalid/x/y.tar.gz"])
    }

    @Test("malformed and unsupported URLs are refused before any download", arguments: [
        "no-scheme/x", "ftp://a.invalid/x", "mirror://", "mirror:///x",
    ])
    func badURL(url: String) throws {
        let fetcher = Fetcher(configuration: FetchConfiguration(mirrors: ["gnu": ["https://a.invalid"]]))
        #expect(throws: FetchError.self) { try fetcher.sources(for: request([url])) }
    }

    @Test("the debian mirror from a fake apt root: one-line and deb822, third-party and security skipped")
    func aptSources() throws {
        try directory.write("etc/apt/sources.list", """
            # deb http://commented.invalid/debian bookworm main
            deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://keyring.invalid/archive bookworm main
            deb-src http://source.invalid/debian bookworm main
            deb https://vendor.invalid/apt stable main
            deb http://one.invalid/debian/ bookworm main contrib

            """)
        try directory.write("etc/apt/sources.list.d/debian.sources", """
            Types: deb
            URIs: http://two.invalid/debian
              http://three.invalid/debian
            Suites: bookworm bookworm-updates
            Components: main

            Types: deb
            URIs: http://one.invalid/debian-security
            Suites: bookworm-security
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://disabled.invalid/debian
            Suites: bookworm
            Enabled: no
            """)
        try directory.write("etc/apt/sources.list.d/node.sources", "Types: deb\nURIs: https://node.invalid/node_20.x\nSuites: nodistro\n")
        try directory.write("etc/apt/sources.list.d/old.list.disabled", "deb http://ignored.invalid/debian bookworm main\n")

        #expect(AptSources.debianMirrors(root: directory.path) == [
            "http://keyring.invalid/archive", "http://one.invalid/debian",
            "http://two.invalid/debian", "http://three.invalid/debian",
        ])
        let configuration = try FetchConfiguration.load(from: .init(mirrorsFile: nil, debianMirror: nil, aptRoot: directory.path))
        #expect(configuration.mirrors["debian"]?.first == "http://keyring.invalid/archive")
    }

    @Test("CAIRN_DEBIAN_MIRROR overrides the apt sources and the mirrors file")
    func debianOverride() throws {
        try directory.write("etc/apt/sources.list", "deb http://apt.invalid/debian bookworm main\n")
        try directory.write("mirrors", "debian http://file.invalid/debian\n")
        setenv("CAIRN_DEBIAN_MIRROR", "http://env-one.invalid/debian http://env-two.invalid/debian", 1)
        defer { unsetenv("CAIRN_DEBIAN_MIRROR") }
        var sources = FetchConfiguration.Sources.system
        #expect(sources.debianMirror == "http://env-one.invalid/debian http://env-two.invalid/debian")
        sources.mirrorsFile = directory.path + "/mirrors"
        sources.aptRoot = directory.path
        let configuration = try FetchConfiguration.load(from: sources)
        #expect(configuration.mirrors["debian"] == ["http://env-one.invalid/debian", "http://env-two.invalid/debian"])

        // Without the variable, the mirrors file wins over apt.
        sources.debianMirror = nil
        #expect(try FetchConfiguration.load(from: sources).mirrors["debian"] == ["http://file.invalid/debian"])
    }

    @Test("CAIRN_MIRRORS_FILE names the mirrors file")
    func mirrorsFileVariable() throws {
        try directory.write("elsewhere", "gnu http://gnu.invalid\n")
        setenv("CAIRN_MIRRORS_FILE", directory.path + "/elsewhere", 1)
        defer { unsetenv("CAIRN_MIRRORS_FILE") }
        #expect(FetchConfiguration.Sources.system.mirrorsFile == directory.path + "/elsewhere")
    }

    @Test("content-addressed templates expand the expected hash in hex or nix32, and the name")
    func templates() {
        let hash = sha256("x")
        #expect(Fetcher.expand("p/{algo}/{nix32}/{name}", hash: hash, name: "n") ==
            "p/sha256/\(hash.encoded(.nixBase32, withAlgorithm: false))/n")
    }

    @Test("file:// URLs are fetched and verified; a missing file is a clear failure")
    func fileURL() async throws {
        try directory.write("source file", "local bytes")
        let destination = directory.path + "/out"
        let fetcher = Fetcher(configuration: quickConfiguration())
        let url = "file://" + directory.path + "/source%20file"
        try await fetcher.fetch(FetchRequest(urls: [url], expectedHash: sha256("local bytes"), name: "out"), to: destination)
        #expect(try readText(destination) == "local bytes")

        let missing = "file://" + directory.path + "/absent"
        let error = await #expect(throws: FetchError.self) {
            try await fetcher.fetch(FetchRequest(urls: [missing], expectedHash: sha256("x"), name: "out"), to: destination)
        }
        #expect(error?.message.contains(missing) == true)
        #expect(error?.message.contains("No such file") == true)
        #expect(!FileSystem.exists(destination))
    }

    @Test("mirror:// through a mirrors file and through apt sources, fetched from loopback",
          .enabled(if: LoopbackServer.shared != nil, LoopbackServer.skipReason))
    func mirrorFetch() async throws {
        guard let server = LoopbackServer.shared else { return }
        try directory.write("mirrors", "local \(server.url("status/404")) \(server.url("prefix"))\n")
        try directory.write("etc/apt/sources.list", "deb \(server.url("debian")) bookworm main\n")
        let configuration = try FetchConfiguration.load(from: .init(
            mirrorsFile: directory.path + "/mirrors", debianMirror: nil, aptRoot: directory.path))
        let fetcher = Fetcher(configuration: configuration)
        let destination = directory.path + "/out"
        // The first prefix answers 404; the second serves /prefix/echo/… .
        try await fetcher.fetch(FetchRequest(urls: ["mirror://local/echo/mirrored"], expectedHash: sha256("mirrored"), name: "out"), to: destination)
        #expect(try readText(destination) == "mirrored")
        try await fetcher.fetch(FetchRequest(urls: ["mirror://debian/echo/from-apt"], expectedHash: sha256("from-apt"), name: "out"), to: destination)
        #expect(try readText(destination) == "from-apt")
    }
}
