import Basics

/// What can go wrong in the local store, each with what to do about it.
package enum StoreError: UserFacingError {
    case storeUnavailable(path: String, reason: String)
    case notInStore(path: String, storeDirectory: String)
    case notValid(path: String)
    case missingFile(path: String)
    case unsupportedFileType(path: String)
    case databaseTooNew(path: String, unknownMigrations: [String])
    case database(path: String, detail: String)
    case pathIsLive(path: String)
    case hashMismatch(path: String, expected: String, actual: String)
    case bundleReferencesMissing(path: String, missing: [String])
    case conflictingContent(path: String)
    case corruptedPaths([String])
    case fileChanged(path: String)
    case notRegularFile(path: String)
    case referenceCycle(path: String)
    case unreadableRoot(reason: String)
    case invalidItemName(name: String, reason: String)
    case derivationInputMissing(derivation: String, input: String)

    package var message: String {
        switch self {
        case .storeUnavailable(let path, let reason):
            "cannot use the store at '\(path)': \(reason)"
        case .notInStore(let path, let dir):
            "'\(path)' is not in the store '\(dir)'"
        case .notValid(let path):
            "path '\(path)' is not valid (not registered in the store)"
        case .missingFile(let path):
            "'\(path)' does not exist"
        case .unsupportedFileType(let path):
            "'\(path)' is neither a regular file, a directory nor a symbolic link"
        case .databaseTooNew(let path, let unknown):
            "the store database '\(path)' was written by a newer Cairn (unknown schema changes: \(unknown.joined(separator: ", ")))"
        case .database(let path, let detail):
            "store database '\(path)': \(detail)"
        case .pathIsLive(let path):
            "cannot delete '\(path)': it is still alive (reachable from a GC root)"
        case .hashMismatch(let path, let expected, let actual):
            "hash mismatch for '\(path)': expected \(expected), got \(actual)"
        case .bundleReferencesMissing(let path, let missing):
            "cannot import '\(path)': it refers to paths that are neither in the store nor earlier in the bundle: \(missing.joined(separator: ", "))"
        case .conflictingContent(let path):
            "the bundle's content for '\(path)' differs from the valid path already in the store"
        case .corruptedPaths(let paths):
            "\(paths.count) store path\(paths.count == 1 ? " is" : "s are") corrupted: \(paths.joined(separator: ", "))"
        case .fileChanged(let path):
            "'\(path)' changed while it was being read"
        case .notRegularFile(let path):
            "'\(path)' is not a regular file"
        case .invalidItemName(let name, let reason):
            "'\(name)' cannot name a store item: \(reason)"
        case .derivationInputMissing(let derivation, let input):
            "derivation '\(derivation)' has input '\(input)', which is not valid in the store"
        case .unreadableRoot(let reason):
            "cannot read the GC roots, so nothing can safely be collected: \(reason)"
        case .referenceCycle(let path):
            "the bundle's references form a cycle through '\(path)'; store items may refer to themselves but not to each other in a cycle"
        }
    }

    package var hint: String? {
        switch self {
        case .storeUnavailable:
            "choose a writable location with --store-dir and --state-dir (or CAIRN_STORE_DIR and CAIRN_STATE_DIR), or ask an administrator to create /cairn owned by you"
        case .notInStore:
            "pass a path inside the store directory, or add the file first with 'cairn store add'"
        case .notValid:
            "add it with 'cairn store add' or 'cairn archive --import'"
        case .databaseTooNew:
            "use a newer version of cairn with this store"
        case .pathIsLive:
            "remove the GC roots that keep it alive ('cairn gc --list-roots' shows them); 'cairn gc --referrers PATH' shows what refers to it"
        case .bundleReferencesMissing:
            "export with '-r' so the bundle carries the whole closure: 'cairn archive --export -r PATH'"
        case .conflictingContent:
            "the bundle or the store is corrupted; check the store with 'cairn gc --verify=contents'"
        case .corruptedPaths:
            "delete the corrupted paths with 'cairn gc -d PATH' (when they are dead) and add or import them again"
        case .invalidItemName:
            "store item names use letters, digits and + - . _ ? = and do not start with '.'; choose one with --name NAME"
        case .unreadableRoot:
            "fix the permissions or the mount named above (a root on an unavailable file system counts as unknown), then run the command again"
        case .derivationInputMissing:
            "add the input to the store first (inputs before the derivations that use them)"
        case .notRegularFile:
            "flat (--flat) content addressing takes a single regular file; leave out --flat to add a directory or symlink"
        default:
            nil
        }
    }
}
