#if canImport(Glibc)
import Glibc
#endif
import Basics

/// What can be wrong with an archive a build unpacks (a Debian package, the
/// tarball inside it), each naming the archive so the user knows which.
package enum ArchiveError: UserFacingError, Equatable {
    case notAnArArchive(archive: String)
    case truncated(archive: String, what: String)
    case badHeader(archive: String, detail: String)
    case missingMember(archive: String, member: String, present: [String])
    case unsupportedCompression(archive: String, member: String)
    case decompression(archive: String, detail: String)
    case unsafePath(archive: String, path: String)
    case unsupportedEntry(archive: String, path: String, type: String)
    case system(archive: String, path: String, operation: String, errno: Int32)

    package var message: String {
        switch self {
        case .notAnArArchive(let a): "'\(a)' is not a Debian package (no ar archive header)"
        case .truncated(let a, let what): "'\(a)' ends in the middle of \(what)"
        case .badHeader(let a, let detail): "'\(a)' has a damaged header: \(detail)"
        case .missingMember(let a, let member, let present):
            "'\(a)' has no member \(member) (it holds: \(present.joined(separator: ", ")))"
        case .unsupportedCompression(let a, let member): "'\(a)': \(member) uses a compression Cairn cannot read"
        case .decompression(let a, let detail): "cannot decompress '\(a)': \(detail)"
        case .unsafePath(let a, let path): "'\(a)' holds an entry '\(path)' that would land outside the directory it is unpacked into"
        case .unsupportedEntry(let a, let path, let type): "'\(a)' holds '\(path)', a \(type), which cannot be unpacked without privileges"
        case .system(let a, let path, let operation, let code):
            "unpacking '\(a)': cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
        }
    }

    package var hint: String? {
        switch self {
        case .notAnArArchive, .truncated, .badHeader, .decompression:
            "the download may be damaged: check its hash, or fetch it again"
        case .unsupportedCompression: "Cairn reads gzip, xz and uncompressed members"
        default: nil
        }
    }
}
