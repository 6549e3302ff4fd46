import Basics
import Glibc

/// A build's directory on the host, `$TMPDIR/cairn-build-NAME-XXXXXX`, with
/// a lock file beside it (`….lock`) held for as long as the build runs. A
/// build killed with its `cairn` leaves both behind, unlocked: the next
/// build sweeps such pairs. A directory kept with `-K` loses its lock file,
/// so it is never swept.
final class BuildDirectory {
    let path: String
    private let lock: FileLock

    init(derivationName: String) throws {
        let parent = Self.parent
        Self.sweep(parent)
        // The lock is taken before the directory exists, so a sweeper never
        // sees a directory of a live build without its lock held. (One that
        // takes the lock file in the instant between its creation and our
        // lock removes only the lock file: this build then runs unswept.)
        // The name is bounded: derivation names may be 200 bytes long.
        let stem = "\(parent)/cairn-build-\(derivationName.prefix(64))-"
        var attempts = 0
        while true {
            let candidate = stem + FileSystem.randomSuffix(length: 8)
            let lock = try FileLock(path: candidate + ".lock")
            try lock.lock(.exclusive)
            if mkdir(candidate, 0o700) == 0 {
                path = candidate
                self.lock = lock
                return
            }
            let code = errno
            unlink(candidate + ".lock")
            lock.unlock()
            attempts += 1
            guard code == EEXIST, attempts < 100 else {
                throw SystemError("create a build directory in", parent, code: code)
            }
        }
    }

    /// Removes the directory (or keeps it, for `-K`) and drops the lock.
    func finish(keep: Bool) {
        if !keep { _ = try? FileSystem.removeTree(path) }
        unlink(path + ".lock")
        lock.unlock()
    }

    static var parent: String { ProcessEnvironment.value("TMPDIR") ?? "/tmp" }

    /// Debris of killed builds: lock files nobody holds, and their directories.
    /// Only the owner of a lock file can take it over; others' are skipped.
    private static func sweep(_ parent: String) {
        guard let names = try? FileSystem.entryNames(ofDirectory: parent) else { return }
        for name in names where name.hasPrefix("cairn-build-") && name.hasSuffix(".lock") {
            let lockPath = parent + "/" + name
            guard let lock = try? FileLock(path: lockPath), (try? lock.tryLock(.exclusive)) == true else { continue }
            // Still ours after taking it: another sweeper may have removed it.
            guard FileSystem.exists(lockPath) else { continue }
            _ = try? FileSystem.removeTree(String(lockPath.dropLast(".lock".count)))
            unlink(lockPath)
            lock.unlock()
        }
    }
}
