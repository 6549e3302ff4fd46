import Basics

/// Why a textual store value (hash, store path, content address, export
/// bundle) was rejected. Each case carries the offending text so the message
/// can quote it: users mostly meet these when pasting hashes or paths.
package enum FormatError: UserFacingError, Equatable {
    case invalidBase32(String)
    case invalidBase16(String)
    case invalidBase64(String)
    /// A digest whose text length fits no encoding of the algorithm.
    case wrongHashLength(HashAlgorithm, text: String)
    /// A digest of the wrong number of bytes for its algorithm.
    case wrongDigestSize(HashAlgorithm, byteCount: Int)
    case unknownHashAlgorithm(String)
    /// A bare digest where no default algorithm applies.
    case missingHashAlgorithm(String)
    /// A format that only allows one algorithm (text paths need SHA-256).
    case unsupportedHashAlgorithm(HashAlgorithm, context: String)
    case invalidStoreDirectory(String, reason: String)
    case invalidStorePath(String, reason: String)
    case invalidStorePathName(String, reason: String)
    case notInStore(path: String, storeDirectory: String)
    /// Store path fingerprints that cannot carry references (Nix asserts).
    case referencesNotAllowed(String)
    case invalidContentAddress(String, reason: String)
    case invalidExportBundle(String)

    package var message: String {
        switch self {
        case .invalidBase32(let text):
            "invalid nix-base32 string '\(text)'"
        case .invalidBase16(let text):
            "invalid base16 (hexadecimal) string '\(text)'"
        case .invalidBase64(let text):
            "invalid base64 string '\(text)'"
        case .wrongHashLength(let algorithm, let text):
            "hash '\(text)' has the wrong length for \(algorithm.rawValue)"
        case .wrongDigestSize(let algorithm, let byteCount):
            "a \(algorithm.rawValue) digest has \(algorithm.byteCount) bytes, not \(byteCount)"
        case .unknownHashAlgorithm(let name):
            "unknown hash algorithm '\(name)'"
        case .missingHashAlgorithm(let text):
            "hash '\(text)' does not say which algorithm it uses"
        case .unsupportedHashAlgorithm(let algorithm, let context):
            "\(context) cannot use \(algorithm.rawValue) hashes"
        case .invalidStoreDirectory(let path, let reason):
            "invalid store directory '\(path)': \(reason)"
        case .invalidStorePath(let path, let reason):
            "invalid store path '\(path)': \(reason)"
        case .invalidStorePathName(let name, let reason):
            "invalid store path name '\(name)': \(reason)"
        case .notInStore(let path, let storeDirectory):
            "path '\(path)' is not in the store '\(storeDirectory)'"
        case .referencesNotAllowed(let what):
            "\(what) cannot have references"
        case .invalidContentAddress(let text, let reason):
            "invalid content address '\(text)': \(reason)"
        case .invalidExportBundle(let reason):
            "invalid export bundle: \(reason)"
        }
    }

    package var hint: String? {
        switch self {
        case .wrongHashLength(let algorithm, _):
            let n = algorithm.byteCount
            return "a \(algorithm.rawValue) digest is \(2 * n) hexadecimal, "
                + "\(NixBase32.encodedLength(byteCount: n)) nix-base32 or "
                + "\(Base64.encodedLength(byteCount: n)) base64 characters"
        case .unknownHashAlgorithm:
            return "use one of: " + HashAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
        case .missingHashAlgorithm:
            return "prefix it with the algorithm, e.g. 'sha256:…', or use SRI form 'sha256-…'"
        case .invalidBase32:
            return "nix-base32 uses the characters 0-9 and a-z except e, o, u and t"
        case .invalidStorePathName:
            return "names may contain letters, digits and + - . _ ? =, and must not start with '.'"
        case .notInStore:
            return "is CAIRN_STORE_DIR set to the store this path belongs to?"
        default:
            return nil
        }
    }
}
