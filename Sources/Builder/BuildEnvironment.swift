import Basics
import StoreFormats

/// The environment and paths a build sees inside its sandbox (ARCHITECTURE.md
/// §4), the same whoever builds it where, so that outputs do not depend on
/// the machine.
package enum BuildEnvironment {
    /// A derivation variable naming one of its inputs as the FHS root of its
    /// sandbox: that store item's `bin`, `lib`, `lib64` and `usr` appear at
    /// `/` and its `etc` entries in `/etc`. How a Debian seed provides
    /// `/bin/sh`. The value must be a store path of the input closure. The
    /// `__` prefix marks it, as Nix's `__impure` and friends, as an
    /// instruction to the builder rather than data for the build.
    package static let fhsRootVariable = "__cairnFHSRoot"

    /// Where the build directory appears inside the sandbox. Fixed per
    /// derivation name (Guix's `/tmp/guix-build-NAME.drv-0`), so paths that
    /// leak into outputs are the same on every machine.
    package static func insideBuildDirectory(derivationName: String) -> String {
        "/tmp/cairn-build-\(derivationName)-0"
    }

    /// Nix's order: defaults first, then the derivation's variables (which
    /// may override them), then what the builder must be able to rely on.
    package static func variables(
        for derivation: Derivation, buildDirectory: String, storeDirectory: StoreDirectory, cores: Int
    ) -> [String: String] {
        var environment: [String: String] = [
            "PATH": "/path-not-set",
            "HOME": "/homeless-shelter",
            "NIX_STORE": storeDirectory.path,
            "CAIRN_STORE": storeDirectory.path,
            "NIX_BUILD_CORES": String(cores),
            "CAIRN_BUILD_CORES": String(cores),
        ]
        for (name, value) in derivation.environment { environment[name] = value }
        for name in ["NIX_BUILD_TOP", "CAIRN_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP"] {
            environment[name] = buildDirectory
        }
        environment["PWD"] = buildDirectory
        // Builders print their progress and errors to the log on stderr.
        environment["NIX_LOG_FD"] = "2"
        environment["TERM"] = "xterm-256color"
        return environment
    }

    /// The system this machine builds for, in Nix's spelling.
    package static var hostSystem: String {
        #if arch(x86_64)
        "x86_64-linux"
        #elseif arch(arm64)
        "aarch64-linux"
        #else
        "unknown-linux"
        #endif
    }

    /// Whether this machine can build for `system` (`builtin` runs anywhere).
    package static func canBuild(system: String) -> Bool {
        system == hostSystem || system == "builtin" || (hostSystem == "x86_64-linux" && system == "i686-linux")
    }
}
