import Basics
import Glibc
import Synchronization

/// Empty files and directories kept to serve again as mount points of
/// builds' inputs. Inside the sandbox the store directory is the build's
/// scratch directory, so each input needs a mount point in there, on the
/// store's file system: a chain of 250 builds made 31,000 of them, created
/// and deleted. Moved between builds by rename instead, they cost no inode
/// allocation (which, on ext4 without a journal, scans long past recently
/// deleted inodes and made most of a trivial build's cost).
final class MountPointPool: Sendable {
    private struct State {
        /// In the store's scratch area (same file system, swept with it if
        /// this process is killed); made on first recycling.
        var directory: String?
        var files: [String] = []
        var directories: [String] = []
        var counter = 0
    }

    private let state = Mutex(State())
    /// Bounds the pool: a build with a huge closure should not leave
    /// thousands of spare entries behind for the rest of the run.
    private static let limit = 4096

    /// Moves a spare mount point into `scratch` for each input (absolute
    /// host paths of store items) of a kind the pool holds; the sandbox
    /// creates the others itself.
    func place(_ inputs: [String], in scratch: String) {
        state.withLock { state in
            for input in inputs {
                guard !state.files.isEmpty || !state.directories.isEmpty else { return }
                var st = stat()
                guard lstat(input, &st) == 0 else { continue }
                let target = scratch + "/" + FileSystem.baseName(input)
                switch FileSystem.kind(of: st) {
                case .regular:
                    if let spare = state.files.popLast() { _ = rename(spare, target) }
                case .directory:
                    if let spare = state.directories.popLast() { _ = rename(spare, target) }
                case .symlink, .other:
                    continue
                }
            }
        }
    }

    /// Takes back the mount points left in `scratch` for `inputs`, those
    /// still empty (anything else is left to the scratch's removal).
    /// `area` gives a fresh path in the store's scratch area for the pool.
    func recycle(_ inputs: [String], from scratch: String, area: () throws -> String) {
        state.withLock { state in
            if state.directory == nil {
                guard let path = try? area(), mkdir(path, 0o700) == 0 else { return }
                state.directory = path
            }
            guard let directory = state.directory else { return }
            for input in inputs where state.files.count + state.directories.count < Self.limit {
                let mountPoint = scratch + "/" + FileSystem.baseName(input)
                var st = stat()
                guard lstat(mountPoint, &st) == 0 else { continue }
                let kind = FileSystem.kind(of: st)
                guard (kind == .regular && st.st_size == 0) || (kind == .directory && Self.isEmptyDirectory(mountPoint)) else {
                    continue
                }
                state.counter += 1
                let spare = "\(directory)/\(state.counter)"
                guard rename(mountPoint, spare) == 0 else { continue }
                if kind == .regular { state.files.append(spare) } else { state.directories.append(spare) }
            }
        }
    }

    /// Removes the pool (at the end of a run).
    func remove() {
        state.withLock { state in
            if let directory = state.directory { _ = try? FileSystem.removeTree(directory) }
            state = State()
        }
    }

    private static func isEmptyDirectory(_ path: String) -> Bool {
        guard let entries = try? FileSystem.entries(ofDirectory: path) else { return false }
        return entries.isEmpty
    }
}
