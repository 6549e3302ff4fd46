#if canImport(Glibc)
import Glibc
#endif
import Archives
import Basics

/// `builtin:unpack-debs`: the bootstrap seed's FHS tree (ARCHITECTURE.md
/// §1.6). It unpacks Debian packages, in order, into one output, and then
/// makes the links their maintainer scripts would have made, since those
/// scripts never run. It reads its derivation's environment:
///
/// - `debs`: store paths of `.deb` files, separated by white space (each
///   the output of a fixed-output download, so an input of the derivation);
/// - `links`: lines `PATH TARGET`, making the symbolic link PATH (relative
///   to the output) pointing at TARGET, e.g. `usr/bin/awk mawk`.
package struct UnpackDebsBuiltin: BuiltinBuilder {
    package let name = "unpack-debs"

    package init() {}

    package func build(_ context: BuiltinContext) throws {
        guard let out = context.outputs["out"] else {
            throw UnpackDebsError.noOutput(derivation: context.derivationPath)
        }
        let environment = context.derivation.environment
        let debs = (environment["debs"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard !debs.isEmpty else { throw UnpackDebsError.noPackages(derivation: context.derivationPath) }
        // Packages come from the store only: a derivation must not be able
        // to copy an arbitrary host file into the store through this builtin.
        let storeDirectory = FileSystem.directoryName(context.environment["out"] ?? out)
        for deb in debs where !deb.hasPrefix(storeDirectory + "/") || deb.split(separator: "/").contains("..") {
            throw UnpackDebsError.notInStore(derivation: context.derivationPath, path: deb, store: storeDirectory)
        }
        try FileSystem.createDirectories(out)
        for deb in debs {
            context.log("unpacking \(FileSystem.baseName(deb))")
            let package = try DebPackage(try FileSystem.readFile(deb), name: FileSystem.baseName(deb))
            try package.unpackData(into: out)
        }
        for line in (environment["links"] ?? "").split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard !fields.isEmpty else { continue }
            guard fields.count == 2, let components = try? TarExtractor.safeComponents(fields[0], archive: "links") else {
                throw UnpackDebsError.badLink(derivation: context.derivationPath, line: String(line))
            }
            let path = out + "/" + components.joined(separator: "/")
            var st = stat()
            if lstat(path, &st) == 0 {
                // A link the packages already ship is kept; anything else is a conflict.
                if st.st_mode & S_IFMT == S_IFLNK, (try? FileSystem.readLink(path)) == fields[1] { continue }
                throw UnpackDebsError.linkConflict(derivation: context.derivationPath, path: fields[0])
            }
            try FileSystem.createDirectories(FileSystem.directoryName(path))
            try FileSystem.symlink(target: fields[1], at: path)
            context.log("linked \(fields[0]) -> \(fields[1])")
        }
    }
}

package enum UnpackDebsError: UserFacingError, Equatable {
    case noOutput(derivation: String)
    case noPackages(derivation: String)
    case notInStore(derivation: String, path: String, store: String)
    case badLink(derivation: String, line: String)
    case linkConflict(derivation: String, path: String)

    package var message: String {
        switch self {
        case .noOutput(let drv): "builtin:unpack-debs in \(drv) needs an output named 'out'"
        case .noPackages(let drv): "builtin:unpack-debs in \(drv) names no packages in 'debs'"
        case .notInStore(let drv, let path, let store): "builtin:unpack-debs in \(drv) names '\(path)', which is not in the store \(store)"
        case .badLink(let drv, let line): "builtin:unpack-debs in \(drv) has a bad line in 'links': '\(line)'"
        case .linkConflict(let drv, let path): "builtin:unpack-debs in \(drv) cannot link '\(path)': the packages already put something else there"
        }
    }

    package var hint: String? {
        switch self {
        case .badLink: "each line is 'PATH TARGET', PATH relative to the output and without '..'"
        case .notInStore: "fetch the package with a fixed-output download and name its store path"
        case .linkConflict: "drop that line from 'links': the package already ships the file or link"
        case .noPackages: "list the store paths of the .deb files in 'debs', separated by spaces"
        default: nil
        }
    }
}
