import Basics
import Glibc

/// Why a sandboxed build could not start. Failures inside the child are
/// reported step by step over a pipe, so the message names what was being
/// done ("mounting /proc in the build sandbox failed: …").
package enum SandboxError: UserFacingError, Equatable {
    case invalidSpec(String)
    /// A host path the spec names is not there (or is of the wrong kind).
    case missingPath(String, role: String)
    /// Two sources claim one inside path, or one lies inside a read-only one.
    case conflictingPaths(String, String, String)
    /// The kernel (or a security policy) refused the namespaces.
    case namespacesUnavailable(operation: String, code: Int32, restriction: NamespaceRestriction?)
    /// A step of preparing the root or the process failed in the child.
    case setupFailed(step: String, code: Int32, restriction: NamespaceRestriction?)
    case workingDirectoryUnavailable(String, code: Int32)
    case builderNotRunnable(String, code: Int32)
    case system(SystemError)

    package var message: String {
        switch self {
        case .invalidSpec(let what):
            "invalid build sandbox: \(what)"
        case .missingPath(let path, let role):
            "the sandbox's \(role) '\(path)' does not exist or is not a file or directory"
        case .conflictingPaths(let target, let first, let second):
            "the build sandbox cannot show both \(first) and \(second) at '\(target)'"
        case .namespacesUnavailable(let operation, let code, _):
            // ENOSPC reads "No space left on device"; here it means a limit.
            "the kernel refused to create the build sandbox's namespaces (\(operation): \(code == ENOSPC ? "namespace limit reached" : Self.reason(code)))"
        case .setupFailed(let step, let code, _):
            "\(step) in the build sandbox failed: \(Self.reason(code))"
        case .workingDirectoryUnavailable(let path, let code):
            "cannot enter the working directory '\(path)' in the build sandbox: \(Self.reason(code))"
        case .builderNotRunnable(let path, let code):
            "cannot run the builder '\(path)' in the build sandbox: \(Self.reason(code))"
        case .system(let error):
            error.message
        }
    }

    package var hint: String? {
        switch self {
        case .invalidSpec, .missingPath:
            nil
        case .conflictingPaths:
            "a path inside the sandbox may come from one source only, and nothing can be mounted inside a read-only input"
        case .namespacesUnavailable(_, let code, let restriction):
            restriction?.hint ?? NamespaceRestriction.genericHint(code)
        case .setupFailed(_, let code, let restriction):
            restriction?.hint ?? (code == EPERM || code == EACCES ? NamespaceRestriction.genericHint(code) : nil)
        case .workingDirectoryUnavailable:
            "the working directory must be one of the sandbox's writable paths or lie inside one"
        case .builderNotRunnable(_, let code):
            code == ENOENT
                ? "the builder, and its interpreter or dynamic loader, must be inside the sandbox: list them among the read-only inputs or in the FHS root"
                : "the builder must be an executable file the build user may run"
        case .system(let error):
            error.hint
        }
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// A known switch that stops unprivileged user namespaces, read from the
/// kernel's settings so the hint can say exactly which one to change.
package enum NamespaceRestriction: Equatable, Sendable {
    /// Debian and older Ubuntu kernels: kernel.unprivileged_userns_clone = 0.
    case unprivilegedCloneDisabled
    /// A user.max_*_namespaces limit set to 0 (or reached).
    case namespaceLimit(name: String, value: Int)
    /// Ubuntu 23.10+: kernel.apparmor_restrict_unprivileged_userns = 1.
    case appArmorRestriction

    package var hint: String {
        switch self {
        case .unprivilegedCloneDisabled:
            "unprivileged user namespaces are disabled: as root, run 'sysctl -w kernel.unprivileged_userns_clone=1' (and set it in /etc/sysctl.d/ to keep it)"
        case .namespaceLimit(let name, let value):
            value == 0
                ? "namespaces are disabled by the limit \(name) = 0: as root, run 'sysctl -w \(name)=10000' (and set it in /etc/sysctl.d/ to keep it)"
                : "the limit \(name) = \(value) is reached: wait for other sandboxes to end or raise it with 'sysctl -w \(name)=…'"
        case .appArmorRestriction:
            "AppArmor restricts unprivileged user namespaces: as root, run 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0', or give cairn an AppArmor profile that allows 'userns'"
        }
    }

    static func genericHint(_ code: Int32) -> String {
        switch code {
        case EINVAL:
            "this kernel lacks user, mount, PID or network namespaces (CONFIG_USER_NS and friends); use a kernel built with them"
        case ENOSPC, EUSERS:
            "a namespace limit (sysctl user.max_user_namespaces and its siblings) is reached; raise it or wait for other sandboxes to end"
        default:
            "user namespaces are needed for isolated builds; in a container, allow them (the runtime's seccomp profile may block clone with CLONE_NEWUSER), or enable them with 'sysctl -w user.max_user_namespaces=10000'"
        }
    }

    /// Reads the known switches under `settings` (normally /proc/sys).
    /// `privileged` callers are not affected by the switches for unprivileged users.
    package static func detect(settings: String = "/proc/sys", privileged: Bool) -> NamespaceRestriction? {
        func number(_ name: String) -> Int? {
            let path = settings + "/" + name.split(separator: ".").joined(separator: "/")
            guard let file = try? OpenFile(path, flags: O_RDONLY), let bytes = try? file.readAll() else { return nil }
            return Int(String(decoding: bytes.filter { $0 != 0x0A && $0 != 0x20 }, as: UTF8.self))
        }
        if !privileged {
            if number("kernel.unprivileged_userns_clone") == 0 { return .unprivilegedCloneDisabled }
            if number("kernel.apparmor_restrict_unprivileged_userns") == 1 { return .appArmorRestriction }
        }
        for kind in ["user", "mnt", "pid", "net", "ipc", "uts"] {
            let name = "user.max_\(kind)_namespaces"
            if let value = number(name), value == 0 { return .namespaceLimit(name: name, value: value) }
        }
        return nil
    }
}
