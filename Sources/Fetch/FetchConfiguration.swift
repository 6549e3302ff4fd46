import Basics
import Glibc
import StoreFormats

/// How downloads are made: the mirror table, content-addressed mirrors,
/// timeouts and retries. Nothing here names a host (ARCHITECTURE.md §1.8):
/// every URL prefix comes from the user's files, the environment or the
/// system's apt sources, through `load`.
package struct FetchConfiguration: Sendable {
    /// `mirror://NAME/path` expands to `PREFIX/path` for each prefix of NAME, in order.
    package var mirrors: [String: [String]]
    /// URL templates tried, in order, after every URL of a request failed.
    /// Placeholders: `{algo}` (`sha256`), `{hex}`, `{nix32}` (the expected
    /// digest in base-16 or Nix base-32) and `{name}` (the request's name),
    /// e.g. `https://cache.example/{algo}/{hex}`. A template must hold `{hex}` or `{nix32}`.
    package var contentAddressedMirrors: [String]
    /// Where the table came from, for the unknown-mirror hint.
    package var configurationFiles: [String]

    package var maximumRedirects = 10
    package var connectTimeout: Duration = .seconds(30)
    /// A connection that sends nothing for this long is dropped (and retried).
    package var idleReadTimeout: Duration = .seconds(60)
    /// A cap on one whole transfer, so a trickling server cannot hold a build forever.
    package var transferTimeout: Duration = .seconds(6 * 3600)
    /// Tries per URL on transient errors (connection refused or reset,
    /// timeouts, 5xx, 429); 404, 403 and hash mismatches are never retried.
    package var attemptsPerURL = 3
    /// Back-off before the second try; doubled before each further one.
    package var initialBackoff: Duration = .milliseconds(500)
    package var maximumBackoff: Duration = .seconds(10)

    package init(
        mirrors: [String: [String]] = [:], contentAddressedMirrors: [String] = [], configurationFiles: [String] = []
    ) {
        self.mirrors = mirrors
        self.contentAddressedMirrors = contentAddressedMirrors
        self.configurationFiles = configurationFiles
    }

    /// Where a configuration is read from. Tests point these at temp dirs.
    package struct Sources: Sendable {
        /// The mirrors file: `CAIRN_MIRRORS_FILE`, else `$XDG_CONFIG_HOME/cairn/mirrors`,
        /// else `~/.config/cairn/mirrors`. A missing file is an empty table.
        package var mirrorsFile: String?
        /// Overrides the `debian` mirror: one or more URL prefixes separated by spaces.
        package var debianMirror: String?
        /// The root under which `etc/apt/sources.list{,.d}` are read ("/" on a real system).
        package var aptRoot: String

        package init(mirrorsFile: String?, debianMirror: String?, aptRoot: String = "/") {
            self.mirrorsFile = mirrorsFile
            self.debianMirror = debianMirror
            self.aptRoot = aptRoot
        }

        /// The sources a real `cairn` uses, from the process environment.
        package static var system: Sources {
            let file: String?
            if let explicit = ProcessEnvironment.value("CAIRN_MIRRORS_FILE") {
                file = explicit
            } else if let config = ProcessEnvironment.value("XDG_CONFIG_HOME") {
                file = config + "/cairn/mirrors"
            } else if let home = ProcessEnvironment.value("HOME") {
                file = home + "/.config/cairn/mirrors"
            } else {
                file = nil
            }
            return Sources(mirrorsFile: file, debianMirror: ProcessEnvironment.value("CAIRN_DEBIAN_MIRROR"))
        }
    }

    /// Reads the mirror table. Precedence for `debian`: `CAIRN_DEBIAN_MIRROR`,
    /// then a `debian` line of the mirrors file, then the apt sources.
    package static func load(from sources: Sources = .system) throws(FetchError) -> FetchConfiguration {
        var configuration = FetchConfiguration()
        if let file = sources.mirrorsFile {
            configuration.configurationFiles.append(file)
            if let bytes = try readIfPresent(file) {
                let parsed = try MirrorsFile.parse(String(decoding: bytes, as: UTF8.self), file: file)
                configuration.mirrors = parsed.mirrors
                configuration.contentAddressedMirrors = parsed.contentAddressed
            }
        }
        if let override = sources.debianMirror {
            let prefixes = override.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
            if !prefixes.isEmpty { configuration.mirrors["debian"] = prefixes }
        } else if configuration.mirrors["debian"] == nil {
            let apt = AptSources.debianMirrors(root: sources.aptRoot)
            if !apt.isEmpty { configuration.mirrors["debian"] = apt }
        }
        return configuration
    }

    private static func readIfPresent(_ path: String) throws(FetchError) -> [UInt8]? {
        do {
            return try FileSystem.readFile(path)
        } catch let error as SystemError where error.code == ENOENT || error.code == ENOTDIR {
            return nil
        } catch let error as SystemError {
            throw .destination(error)
        } catch {
            throw .invalidConfiguration(file: path, line: 0, reason: "\(error)")
        }
    }
}

/// The mirrors file, one entry a line:
///
///     # comments and blank lines are ignored
///     gnu     https://mirror-one.example/gnu https://mirror-two.example/gnu
///     gnu     https://mirror-three.example/gnu      # a name may repeat: prefixes add up
///     content-addressed https://cache.example/{algo}/{hex}
///
/// `NAME PREFIX…` gives the prefixes `mirror://NAME/path` expands to;
/// `content-addressed TEMPLATE…` adds content-addressed mirrors (see
/// `FetchConfiguration.contentAddressedMirrors`).
package enum MirrorsFile {
    package static func parse(
        _ text: String, file: String
    ) throws(FetchError) -> (mirrors: [String: [String]], contentAddressed: [String]) {
        var mirrors: [String: [String]] = [:]
        var contentAddressed: [String] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.prefix { $0 != "#" }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let name = fields.first else { continue }
            let values = Array(fields.dropFirst())
            guard !values.isEmpty else {
                throw .invalidConfiguration(file: file, line: index + 1, reason: "'\(name)' has no URL")
            }
            for value in values {
                guard let scheme = URLParts.scheme(of: value), ["http", "https", "file"].contains(scheme) else {
                    throw .invalidConfiguration(
                        file: file, line: index + 1, reason: "'\(value)' is not an http, https or file URL")
                }
            }
            if name == "content-addressed" {
                for template in values where !template.contains("{hex}") && !template.contains("{nix32}") {
                    throw .invalidConfiguration(
                        file: file, line: index + 1, reason: "the template '\(template)' has neither {hex} nor {nix32}")
                }
                contentAddressed += values
                continue
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw .invalidConfiguration(file: file, line: index + 1, reason: "'\(name)' is not a mirror name")
            }
            mirrors[name, default: []] += values
        }
        return (mirrors, contentAddressed)
    }
}

/// The few facts of a URL that resolution needs; real parsing is left to
/// the HTTP client, which rejects what it cannot use with a reason.
enum URLParts {
    /// The lower-cased scheme, or nil when there is none.
    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":"), colon != url.startIndex else { return nil }
        let scheme = url[..<colon]
        guard scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return scheme.lowercased()
    }

    /// Joins a mirror prefix and a path with exactly one slash between them.
    static func join(_ prefix: String, _ path: Substring) -> String {
        var base = Substring(prefix)
        while base.hasSuffix("/") { base = base.dropLast() }
        var rest = path
        while rest.hasPrefix("/") { rest = rest.dropFirst() }
        return base + "/" + rest
    }
}
