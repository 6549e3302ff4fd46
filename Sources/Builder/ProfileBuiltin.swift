import Basics
import Glibc
import Profiles

/// `builtin:profile`: the union of the items of a profile as a tree of
/// symlinks, with the profile's `manifest` file and an `etc/profile` that
/// sets its search paths (ARCHITECTURE.md §4). The derivation, written by
/// `(cairn profiles)`, gives in its environment:
///   - `paths`: the items, one per line; the first item wins a collision;
///   - `manifest`: the text of the `manifest` file;
///   - `searchPaths`: one search path per line, tab-separated: VARIABLE,
///     SEPARATOR (empty for a single value), FILE-TYPE, FILE-PATTERN (empty
///     for none), then the file names relative to the profile.
/// Like Guix's union-build, a directory only one item has is one symlink.
package struct ProfileBuiltin: BuiltinBuilder {
    package let name = "profile"

    package init() {}

    package func build(_ context: BuiltinContext) throws {
        guard let out = context.outputs["out"], let storePath = context.environment["out"] else {
            throw ProfileBuildError.noOutput(derivation: context.derivationPath)
        }
        let environment = context.derivation.environment
        let items = (environment["paths"] ?? "").split(separator: "\n").map(String.init)
        let storeDirectory = FileSystem.directoryName(storePath)
        for item in items where !item.hasPrefix(storeDirectory + "/") || item.split(separator: "/").contains("..") {
            throw ProfileBuildError.notInStore(derivation: context.derivationPath, path: item)
        }
        var union = Union(log: context.log)
        let directories = items.filter { item in
            if FileSystem.isDirectory(item) { return true }
            context.log("note: \(item) is not a directory; it is left out of the union")
            return false
        }
        if directories.isEmpty {
            try FileSystem.createDirectories(out)
        } else {
            try union.merge(directories, at: out, relative: "")
        }
        // etc/profile and the manifest are the profile's own files: where
        // the union made a symlink into one item, make a directory instead.
        try union.expand(out + "/etc")
        if let status = try FileSystem.linkStatus(out + "/manifest"), FileSystem.kind(of: status) != .directory {
            try FileSystem.removeFile(out + "/manifest")
        }
        try FileSystem.writeAtomically(Array((environment["manifest"] ?? "").utf8), to: out + "/manifest")
        let script = EtcProfile.script(profile: out, storePath: storePath,
                                       searchPaths: (environment["searchPaths"] ?? "").split(separator: "\n").map(String.init))
        if let status = try FileSystem.linkStatus(out + "/etc/profile"), FileSystem.kind(of: status) != .directory {
            try FileSystem.removeFile(out + "/etc/profile")
        }
        try FileSystem.writeAtomically(Array(script.utf8), to: out + "/etc/profile")
        context.log("profile of \(items.count) item\(items.count == 1 ? "" : "s"), \(union.links) link\(union.links == 1 ? "" : "s")")
    }

    /// The symlink tree: directories several items have are merged.
    struct Union {
        let log: (String) -> Void
        var links = 0

        mutating func merge(_ sources: [String], at target: String, relative: String) throws {
            // The profile's own directory is always made: a symlink there
            // would send etc/profile and the manifest into the package's item.
            if sources.count == 1, !relative.isEmpty {
                try FileSystem.symlink(target: sources[0], at: target)
                links += 1
                return
            }
            guard mkdir(target, 0o755) == 0 else { throw SystemError("create directory", target) }
            var names: [String] = []
            var seen = Set<String>()
            for source in sources {
                for name in try FileSystem.entryNames(ofDirectory: source).sorted() where seen.insert(name).inserted {
                    names.append(name)
                }
            }
            for name in names {
                let candidates = sources.map { $0 + "/" + name }.filter { FileSystem.exists($0) }
                let path = relative.isEmpty ? name : relative + "/" + name
                let directories = candidates.filter { FileSystem.isDirectory($0) }
                if directories.count == candidates.count {
                    try merge(candidates, at: target + "/" + name, relative: path)
                    continue
                }
                // A file (or a file and a directory) in several items: the
                // first wins, and a real difference is reported.
                let chosen = candidates[0]
                for other in candidates.dropFirst() where !Self.same(chosen, other) {
                    log("warning: collision at \(path): using \(chosen), not \(other)")
                }
                try FileSystem.symlink(target: chosen, at: target + "/" + name)
                links += 1
            }
        }

        /// Turns the symlink at `path` (into one item's directory) into a
        /// directory of symlinks to that directory's entries.
        mutating func expand(_ path: String) throws {
            guard let status = try FileSystem.linkStatus(path) else {
                try FileSystem.createDirectories(path)
                return
            }
            guard FileSystem.kind(of: status) == .symlink else { return }
            let destination = try FileSystem.readLink(path)
            guard FileSystem.isDirectory(destination) else { return }
            try FileSystem.removeFile(path)
            guard mkdir(path, 0o755) == 0 else { throw SystemError("create directory", path) }
            for name in try FileSystem.entryNames(ofDirectory: destination) {
                try FileSystem.symlink(target: destination + "/" + name, at: path + "/" + name)
                links += 1
            }
        }

        /// The same file: one store file, or equal contents.
        static func same(_ a: String, _ b: String) -> Bool {
            guard let realA = realpath(a, nil), let realB = realpath(b, nil) else { return false }
            defer { free(realA); free(realB) }
            let x = String(cString: realA), y = String(cString: realB)
            if x == y { return true }
            guard !FileSystem.isDirectory(x), !FileSystem.isDirectory(y),
                  let one = try? FileSystem.readFile(x), let two = try? FileSystem.readFile(y) else { return false }
            return one == two
        }
    }
}

package enum ProfileBuildError: UserFacingError {
    case noOutput(derivation: String)
    case notInStore(derivation: String, path: String)

    package var message: String {
        switch self {
        case .noOutput(let drv): "\(drv): a profile derivation has one output, out"
        case .notInStore(let drv, let path): "\(drv): profile item \(path) is not in the store"
        }
    }

    package var hint: String? { nil }
    package var description: String { message }
}
