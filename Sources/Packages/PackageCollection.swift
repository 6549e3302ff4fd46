import Basics
import Scheme

/// The packages the channel and `-L` directories define: every package
/// value exported by a module under `cairn/packages/` of the channel, or by
/// any module of a user's `-L` directory (as `GUIX_PACKAGE_PATH` works), and
/// how a specification such as `hello@2.10:out` picks one of them.
/// Runs on the Scheme thread.
package final class PackageCollection {
    package struct Entry {
        package let name: String
        package let version: String
        package let value: Value
        package let module: String
        /// `file:line` of the definition (line 1-based), when known.
        package let file: String?
        package let line: Int?
        package var fullName: String { name + "@" + version }
        package var location: String? { file.map { f in line.map { "\(f):\($0)" } ?? f } }
    }

    let runtime: Runtime
    private let accessors: Accessors
    package private(set) var entries: [Entry] = []

    /// The procedures of `(cairn packages)` and `(cairn records)` the collection uses.
    struct Accessors {
        let isPackage: Value, name: Value, version: Value, location: Value
        let locationFile: Value, locationLine: Value
    }

    /// Loads the package modules found in `channel` (its `cairn/packages`
    /// tree) and in `userDirectories` (all their modules).
    package init(runtime: Runtime, channel: String?, userDirectories: [String]) throws {
        self.runtime = runtime
        let modules: ModuleRegistry = runtime.modules
        let packages = try modules.resolve(["cairn", "packages"].map { Symbol.intern($0) })
        let records = try modules.resolve(["cairn", "records"].map { Symbol.intern($0) })
        func export(_ module: Module, _ name: String) throws -> Value {
            guard let cell = module.exports[Symbol.intern(name)], cell.isBound else {
                throw SchemeError(.module, message: "\(module.displayName) does not export \(name)", hint: "is the channel complete?")
            }
            return cell.value
        }
        accessors = Accessors(
            isPackage: try export(packages, "package?"), name: try export(packages, "package-name"),
            version: try export(packages, "package-version"), location: try export(packages, "package-location"),
            locationFile: try export(records, "location-file"), locationLine: try export(records, "location-line"))
        var files: [(root: String, file: String)] = []
        if let channel { files += Self.schemeFiles(under: channel + "/cairn/packages").map { (channel, $0) } }
        for directory in userDirectories { files += Self.schemeFiles(under: directory).map { (directory, $0) } }
        var seen = Set<ObjectIdentifier>()
        for (root, file) in files {
            let relative = String(file.dropFirst(root.count + 1).dropLast(4))
            let name = relative.split(separator: "/").map { Symbol.intern(String($0)) }
            let module: Module
            do {
                module = try modules.resolve(name)
            } catch let error as SchemeError where root != channel && error.kind != .read && error.kind != .syntax {
                // A file of the user's directory that is not a package module
                // (a manifest next to them) costs its packages, not the
                // command; a file that does not even read is an error to fix.
                let place = error.location.map { "\($0.file.name):\($0.line):\($0.column): " } ?? ""
                Diagnostics.warning("skipping \(file): \(place)\(error.message)")
                continue
            }
            for (_, cell) in module.exports.sorted(by: { $0.key.name < $1.key.name }) where cell.isBound {
                let value = cell.value
                guard case .record(let record) = value, try runtime.apply(accessors.isPackage, [value]).isTrue,
                      seen.insert(ObjectIdentifier(record)).inserted else { continue }
                entries.append(try entry(value, module: module.displayName))
            }
        }
    }

    /// The entry of a package value, whether or not the collection exports it.
    package func describe(_ value: Value) throws -> Entry {
        if case .record(let record) = value, let known = entries.first(where: {
            if case .record(let other) = $0.value { return other === record }
            return false
        }) { return known }
        return try entry(value, module: "")
    }

    private func entry(_ value: Value, module: String) throws -> Entry {
        let name = try runtime.apply(accessors.name, [value])
        let version = try runtime.apply(accessors.version, [value])
        let location = try runtime.apply(accessors.location, [value])
        var file: String?, line: Int?
        if case .record = location {
            if case .string(let text) = try runtime.apply(accessors.locationFile, [location]) { file = text.string }
            if case .fixnum(let number) = try runtime.apply(accessors.locationLine, [location]) { line = number }
        }
        guard case .string(let n) = name, case .string(let v) = version else {
            throw SchemeError(.misc, message: "a package in \(module) has a name or version that is not a string",
                              hint: "name and version are strings, as in (name \"hello\") (version \"2.10\")")
        }
        return Entry(name: n.string, version: v.string, value: value, module: module, file: file, line: line)
    }

    /// Every `.scm` file below `directory`, sorted, for a stable order.
    static func schemeFiles(under directory: String) -> [String] {
        guard let names = try? FileSystem.entryNames(ofDirectory: directory) else { return [] }
        var result: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory + "/" + name
            if name.hasSuffix(".scm") {
                result.append(path)
            } else if FileSystem.isDirectory(path) {
                result += schemeFiles(under: path)
            }
        }
        return result
    }

    // MARK: Specifications

    /// `name`, `name@version` (a version prefix) or either with `:output`.
    package struct Specification: Equatable {
        package let name: String
        package let version: String?
        package let output: String?

        package init(_ text: String) {
            var rest = Substring(text)
            var output: String?
            if let colon = rest.lastIndex(of: ":") {
                output = String(rest[rest.index(after: colon)...])
                rest = rest[..<colon]
            }
            if let at = rest.firstIndex(of: "@") {
                name = String(rest[..<at])
                version = String(rest[rest.index(after: at)...])
            } else {
                name = String(rest)
                version = nil
            }
            self.output = output
        }
    }

    /// Every package a specification matches, newest first (what `show` lists).
    package func matches(_ text: String) throws -> [Entry] {
        let spec = Specification(text)
        let named = entries.filter { $0.name == spec.name }
        guard !named.isEmpty else {
            throw PackageError.unknown(spec: text, suggestions: UnboundHints.nearest(to: spec.name, among: Set(entries.map(\.name))))
        }
        let matching = named.filter { entry in spec.version.map { Self.isVersionPrefix($0, of: entry.version) } ?? true }
        guard !matching.isEmpty else {
            throw PackageError.noVersion(spec: text, available: named.map(\.version).sorted { Self.compareVersions($0, $1) > 0 })
        }
        return matching.sorted { Self.compareVersions($0.version, $1.version) > 0 }
    }

    /// The package a specification names: the newest of those matching,
    /// with a warning when several share that version.
    package func resolve(_ text: String) throws -> (entry: Entry, output: String?) {
        let matching = try matches(text)
        guard let newest = matching.first else { throw PackageError.unknown(spec: text, suggestions: []) }
        let spec = Specification(text)
        // Several versions are a choice, made by taking the newest; several
        // packages with that same version are ambiguous, as Guix says.
        if matching.filter({ Self.compareVersions($0.version, newest.version) == 0 }).count > 1 {
            Diagnostics.warning("ambiguous package specification '\(text)'")
            Diagnostics.warning("choosing \(newest.fullName) from \(newest.location ?? newest.module)")
        }
        return (newest, spec.output)
    }

    /// Guix's version-prefix?: "2" matches "2.10", "2.1" does not match "2.10".
    static func isVersionPrefix(_ prefix: String, of version: String) -> Bool {
        let a = prefix.split(separator: "."), b = version.split(separator: ".")
        return a.count <= b.count && zip(a, b).allSatisfy { $0 == $1 }
    }

    /// Compares dotted versions part by part, numerically where both parts are numbers.
    static func compareVersions(_ x: String, _ y: String) -> Int {
        let a = x.split(whereSeparator: { $0 == "." || $0 == "-" }), b = y.split(whereSeparator: { $0 == "." || $0 == "-" })
        for (p, q) in zip(a, b) where p != q {
            if let m = Int(p), let n = Int(q) { return m < n ? -1 : 1 }
            return p < q ? -1 : 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}

package enum PackageError: UserFacingError {
    case unknown(spec: String, suggestions: [String])
    case noVersion(spec: String, available: [String])
    case noOutput(package: String, output: String, outputs: [String])
    case noSource(package: String)

    package var message: String {
        switch self {
        case .unknown(let spec, _): "unknown package '\(spec)'"
        case .noVersion(let spec, _): "no package matches '\(spec)'"
        case .noOutput(let package, let output, let outputs):
            "package \(package) has no output '\(output)' (its outputs: \(outputs.joined(separator: ", ")))"
        case .noSource(let package): "package \(package) has no source"
        }
    }

    package var hint: String? {
        switch self {
        case .unknown(_, let suggestions):
            suggestions.isEmpty ? "'cairn package -A' lists the packages; add your own modules with -L DIR"
                : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
        case .noVersion(_, let available): "available versions: " + available.joined(separator: ", ")
        case .noOutput, .noSource: nil
        }
    }

    package var description: String { message }
}
