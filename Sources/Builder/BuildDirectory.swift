import Basics
import Glibc
import Synchronization

/// A build's directory on the host. A `cairn` process keeps the directories
/// of its builds in one directory of its own, `$TMPDIR/cairn-builds-TOKEN`,
/// with a lock file beside it (`….lock`) held for as long as the process
/// lives; each build gets `NAME-N` in there and removes it when done. A
/// process killed mid-build leaves both behind, unlocked: the next process
/// sweeps them. A directory kept with `-K` is moved out, to
/// `$TMPDIR/cairn-build-NAME-XXXXXXXX`, so it is never swept.
///
/// One lock file per process rather than per build: hundreds of trivial
/// builds creating and deleting files in /tmp made ext4 scan long for free
/// inodes (it avoids recently deleted ones), which dominated their cost.
final class BuildDirectory {
    let path: String
    /// The derivation's name, bounded: derivation names may be 200 bytes long.
    private let stem: Substring

    init(derivationName: String) throws {
        let owner = try Self.owner()
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        stem = derivationName.prefix(64)
        path = "\(owner)/\(stem)-\(number)"
        guard mkdir(path, 0o700) == 0 else { throw SystemError("create a build directory in", owner) }
    }

    /// Removes the directory, or, for `-K`, moves it out of the process's
    /// directory and returns where it is now.
    @discardableResult
    func finish(keep: Bool) -> String {
        guard keep else {
            _ = try? FileSystem.removeTree(path)
            return path
        }
        for _ in 0..<100 {
            let destination = "\(Self.parent)/cairn-build-\(stem)-\(FileSystem.randomSuffix(length: 8))"
            // Claimed with mkdir first, so the rename replaces only our own
            // empty directory, never one that was there already.
            guard mkdir(destination, 0o700) == 0 else {
                if errno == EEXIST { continue }
                break
            }
            if rename(path, destination) == 0 { return destination }
            rmdir(destination)
            break
        }
        return path
    }

    static var parent: String { ProcessEnvironment.value("TMPDIR") ?? "/tmp" }

    private static let counter = Atomic<Int>(0)

    /// This process's directory of builds, made (after a sweep) on first use.
    private static let ownerState = Mutex<(path: String, lock: FileLock)?>(nil)

    /// This process's own directory in `$TMPDIR`, swept with it when the
    /// process is killed: where sandboxes are staged, too.
    static func processDirectory() throws -> String {
        try owner()
    }

    private static func owner() throws -> String {
        try ownerState.withLock { state in
            if let state { return state.path }
            let parent = Self.parent
            sweep(parent)
            // The lock is taken before the directory exists, so a sweeper
            // never sees a directory of a live process without its lock held.
            var attempts = 0
            while true {
                let candidate = "\(parent)/cairn-builds-\(FileSystem.randomSuffix(length: 8))"
                let lock = try FileLock(path: candidate + ".lock")
                try lock.lock(.exclusive)
                if mkdir(candidate, 0o700) == 0 {
                    state = (candidate, lock)
                    atexit { BuildDirectory.removeOwner() }
                    return candidate
                }
                let code = errno
                unlink(candidate + ".lock")
                lock.unlock()
                attempts += 1
                guard code == EEXIST, attempts < 100 else {
                    throw SystemError("create a directory for builds in", parent, code: code)
                }
            }
        }
    }

    private static func removeOwner() {
        ownerState.withLock { state in
            guard let (path, lock) = state else { return }
            _ = try? FileSystem.removeTree(path)
            unlink(path + ".lock")
            lock.unlock()
            state = nil
        }
    }

    /// Debris of killed processes: lock files nobody holds, and their
    /// directories (this scheme's `cairn-builds-TOKEN`, and the per-build
    /// `cairn-build-NAME-XXXXXXXX` of earlier versions). Only the owner of a
    /// lock file can take it over; others' are skipped.
    private static func sweep(_ parent: String) {
        guard let names = try? FileSystem.entryNames(ofDirectory: parent) else { return }
        for name in names where name.hasPrefix("cairn-build") && name.hasSuffix(".lock") {
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
