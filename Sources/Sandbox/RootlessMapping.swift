import Basics
import CSandbox
import Glibc

/// The rootless /cairn mapping (ARCHITECTURE.md §1.3). The store's paths are
/// the same for everyone (`/cairn/store/…`), so binaries and substitutes are
/// shareable; a user who may not create `/cairn` keeps the store and state
/// under `$XDG_DATA_HOME/cairn` and the process enters a user and mount
/// namespace of its own that shows that directory at `/cairn`. Everything
/// this process starts (builds, shells) inherits the view.
package enum RootlessMapping {
    package static let canonicalRoot = "/cairn"

    /// Where the store's files really are once the mapping is entered.
    nonisolated(unsafe) package private(set) static var dataDirectory: String?

    /// What to do about `/cairn` for a command that uses `store` and `state`.
    package enum Decision: Equatable, Sendable {
        /// The paths are used as they are (not under /cairn, or /cairn is
        /// there or could be created).
        case asIs
        /// /cairn is missing and may not be created: map `dataDirectory` there.
        case map(dataDirectory: String)
    }

    /// Decides without changing anything but, when allowed, creating /cairn
    /// itself (as Nix's installer would, for root or a user with the right).
    package static func decide(
        store: String, state: String, root: String = canonicalRoot,
        environment: (String) -> String? = ProcessEnvironment.value
    ) throws(RootlessError) -> Decision {
        func underRoot(_ path: String) -> Bool { path == root || path.hasPrefix(root + "/") }
        guard underRoot(store) || underRoot(state) else { return .asIs }
        if FileSystem.exists(root) {
            // A /cairn this user may write (theirs, or root's for root) is
            // used as it is; one made by someone else (root ran cairn on
            // this machine) is hidden behind the user's own store instead.
            if access(root, W_OK) == 0 || access(state, W_OK) == 0 { return .asIs }
            return .map(dataDirectory: try defaultDataDirectory(environment: environment))
        }
        if mkdir(root, 0o755) == 0 { return .asIs }
        let code = errno
        guard code == EACCES || code == EPERM || code == EROFS else { return .asIs }
        return .map(dataDirectory: try defaultDataDirectory(environment: environment))
    }

    /// `$XDG_DATA_HOME/cairn`, with the XDG default `~/.local/share`.
    package static func defaultDataDirectory(environment: (String) -> String?) throws(RootlessError) -> String {
        if let xdg = environment("XDG_DATA_HOME"), xdg.hasPrefix("/") { return xdg + "/cairn" }
        guard let home = environment("HOME"), home.hasPrefix("/") else { throw .noHome }
        return home + "/.local/share/cairn"
    }

    /// Enters the mapping once per process; later calls do nothing. The
    /// process must not have started other threads yet: the kernel gives a
    /// new user namespace only to a single-threaded process.
    package static func enter(dataDirectory data: String) throws(RootlessError) {
        if dataDirectory != nil { return }
        let staging = data + "/.root"
        for directory in [data + "/store", data + "/var", staging] {
            do {
                try FileSystem.createDirectories(directory)
            } catch {
                throw .dataDirectoryUnusable(data, (error as? any UserFacingError)?.message ?? "\(error)")
            }
        }
        let workingDirectory = ProcessEnvironment.currentDirectory
        var failure = cairn_rootless_failure()
        guard cairn_rootless_enter(data, staging, workingDirectory, &failure) == 0 else {
            let entry = withUnsafeBytes(of: failure.entry) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw .enterFailed(
                step: Self.describe(step: failure.step, entry: entry, workingDirectory: workingDirectory),
                code: failure.error, restriction: NamespaceRestriction.detect(privileged: false), data: data)
        }
        dataDirectory = data
        Diagnostics.info("the store is in \(data), shown at \(canonicalRoot)", level: 2)
    }

    /// `decide` then, when needed, `enter`.
    package static func prepare(store: String, state: String) throws(RootlessError) {
        if case .map(let data) = try decide(store: store, state: state) {
            try enter(dataDirectory: data)
        }
    }

    static func describe(step: Int32, entry: String, workingDirectory: String) -> String {
        switch cairn_rootless_step(rawValue: UInt32(bitPattern: step)) {
        case CAIRN_ROOTLESS_STEP_UNSHARE: "creating a user and mount namespace"
        case CAIRN_ROOTLESS_STEP_SETGROUPS_FILE: "writing the namespace's setgroups file"
        case CAIRN_ROOTLESS_STEP_UID_MAP: "writing the namespace's uid map"
        case CAIRN_ROOTLESS_STEP_GID_MAP: "writing the namespace's gid map"
        case CAIRN_ROOTLESS_STEP_PRIVATE_MOUNTS: "making the namespace's mounts private"
        case CAIRN_ROOTLESS_STEP_ROOT_TMPFS: "mounting the new root's tmpfs"
        case CAIRN_ROOTLESS_STEP_HOST_ENTRY: "showing the host's '/\(entry)' in the new root"
        case CAIRN_ROOTLESS_STEP_DATA_BIND: "binding the data directory at /cairn"
        case CAIRN_ROOTLESS_STEP_PIVOT_ROOT: "switching to the new root"
        case CAIRN_ROOTLESS_STEP_READ_ONLY_ROOT: "making the new root read-only"
        case CAIRN_ROOTLESS_STEP_WORKING_DIRECTORY: "returning to the working directory '\(workingDirectory)'"
        default: "step \(step)"
        }
    }
}

/// Why the store could not be shown at /cairn for an unprivileged user.
package enum RootlessError: UserFacingError, Equatable {
    case noHome
    case dataDirectoryUnusable(String, String)
    case enterFailed(step: String, code: Int32, restriction: NamespaceRestriction?, data: String)

    package var message: String {
        switch self {
        case .noHome:
            "/cairn does not exist and cannot be created, and neither HOME nor XDG_DATA_HOME names a directory to keep the store in instead"
        case .dataDirectoryUnusable(let data, let reason):
            "/cairn does not exist and cannot be created, and the store cannot be kept in '\(data)' instead: \(reason)"
        case .enterFailed(let step, let code, _, let data):
            "cannot show the store kept in '\(data)' at /cairn: \(step) failed: \(code == ENOSPC ? "namespace limit reached" : String(cString: strerror(code)))"
        }
    }

    package var hint: String? {
        let alternatives = "ask an administrator to create /cairn owned by you, or choose another store with --store-dir and --state-dir (CAIRN_STORE_DIR and CAIRN_STATE_DIR; its paths differ, so binaries built elsewhere will not fit)"
        switch self {
        case .noHome:
            return "set HOME or XDG_DATA_HOME, or " + alternatives
        case .dataDirectoryUnusable:
            return "set XDG_DATA_HOME to a directory you can write, or " + alternatives
        case .enterFailed(_, let code, let restriction, _):
            if let restriction { return restriction.hint + "; or " + alternatives }
            return code == EPERM || code == EACCES || code == EINVAL || code == ENOSPC
                ? NamespaceRestriction.genericHint(code) + "; or " + alternatives
                : alternatives
        }
    }
}
