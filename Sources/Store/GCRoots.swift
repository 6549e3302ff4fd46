import Basics
import Glibc
import StoreFormats

/// Finding what keeps store items alive: GC roots (symlinks under `gcroots/`
/// and `profiles/`, direct or through one indirection), temp roots of running
/// cairn processes, and store paths in use by running programs.
extension LocalStore {
    /// Root symlink → the store item it keeps alive. Stale indirect roots under
    /// `gcroots/auto` (whose link has gone) are removed on the way when
    /// `removeStale` is set. A root that cannot be read (a permission error,
    /// an NFS hiccup) stops the search: guessing could delete what it keeps.
    package func findRoots(removeStale: Bool = false) throws -> [(link: String, path: StorePath)] {
        var roots: [(link: String, path: StorePath)] = []
        var visited: Set<String> = []
        func resolve(_ target: String, from link: String) -> String {
            ProcessEnvironment.absolutePath(
                target.hasPrefix("/") ? target : FileSystem.directoryName(link) + "/" + target)
        }
        func removeIfStaleAuto(_ path: String) {
            if removeStale && path.hasPrefix(layout.autoRoots + "/") { try? FileSystem.removeFile(path) }
        }
        func scan(_ path: String, depth: Int) throws {
            guard depth < 32, visited.insert(path).inserted, let st = try FileSystem.linkStatus(path) else { return }
            switch FileSystem.kind(of: st) {
            case .directory:
                for entry in try FileSystem.entryNames(ofDirectory: path) {
                    try scan(path + "/" + entry, depth: depth + 1)
                }
            case .symlink:
                let target = resolve(try FileSystem.readLink(path), from: path)
                if let storePath = try? storeDirectory.parseContaining(target).0 {
                    roots.append((path, storePath))
                    return
                }
                guard let targetStatus = try FileSystem.linkStatus(target) else {
                    removeIfStaleAuto(path)
                    return
                }
                switch FileSystem.kind(of: targetStatus) {
                case .symlink:
                    // An indirect root: our link names a user's link (./result)
                    // which names the store item.
                    let final = resolve(try FileSystem.readLink(target), from: target)
                    if let storePath = try? storeDirectory.parseContaining(final).0 {
                        roots.append((path, storePath))
                    } else {
                        removeIfStaleAuto(path)
                    }
                case .directory where target.hasPrefix(layout.stateDirectory + "/"):
                    // Directories of roots, as Guix's gcroots/profiles; only
                    // within the state directory, never a user's whole tree.
                    try scan(target, depth: depth + 1)
                default:
                    removeIfStaleAuto(path)
                }
            default:
                return
            }
        }
        do {
            try scan(layout.gcRoots, depth: 0)
            try scan(layout.profiles, depth: 0)
        } catch {
            throw StoreError.unreadableRoot(reason: (error as? any UserFacingError)?.message ?? "\(error)")
        }
        return roots.sorted { $0.link < $1.link }
    }

    /// Paths registered as temp roots by live cairn processes. Files of dead
    /// processes (their lock is free) are removed. Call with the GC lock held
    /// exclusively so no process is appending meanwhile.
    package func findTemporaryRoots() throws -> Set<StorePath> {
        var result: Set<StorePath> = []
        for entry in try FileSystem.entryNames(ofDirectory: layout.tempRoots) {
            let path = layout.tempRoots + "/" + entry
            let lock = try FileLock(path: path)
            if try lock.tryLock(.exclusive) {
                try FileSystem.removeFile(path)
                lock.unlock()
                continue
            }
            let contents = try FileSystem.readFile(path)
            for record in contents.split(separator: 0) {
                if let storePath = try? storeDirectory.parse(String(decoding: record, as: UTF8.self)) {
                    result.insert(storePath)
                }
            }
        }
        return result
    }

    /// Store items that running programs use: executables, working and root
    /// directories, open files and mapped libraries, as far as /proc shows
    /// them to this user. Deleting those would break running jobs.
    package func findRuntimeRoots() -> Set<StorePath> {
        var result: Set<StorePath> = []
        let prefix = storeDirectory.path + "/"
        func note(_ text: String) {
            var rest = Substring(text)
            while let range = rest.range(of: prefix) {
                let candidate = rest[range.lowerBound...].prefix { $0 != "\n" && $0 != " " && $0 != "\0" }
                if let path = try? storeDirectory.parseContaining(candidate).0 { result.insert(path) }
                rest = rest[range.upperBound...]
            }
        }
        guard let processes = try? FileSystem.entryNames(ofDirectory: "/proc") else { return result }
        for pid in processes where pid.allSatisfy(\.isNumber) {
            let base = "/proc/" + pid
            // A shell's environment (PATH into a profile) keeps that profile alive.
            if let environment = try? FileSystem.readFile(base + "/environ") {
                note(String(decoding: environment.map { $0 == 0 ? 0x0A : $0 }, as: UTF8.self))
            }
            for link in ["exe", "cwd", "root"] {
                if let target = try? FileSystem.readLink(base + "/" + link) { note(target) }
            }
            if let fds = try? FileSystem.entryNames(ofDirectory: base + "/fd") {
                for fd in fds {
                    if let target = try? FileSystem.readLink(base + "/fd/" + fd) { note(target) }
                }
            }
            if let maps = try? FileSystem.readFile(base + "/maps") {
                note(String(decoding: maps, as: UTF8.self))
            }
        }
        return result
    }

    /// Everything that must be kept: the closure of all roots.
    package func liveSet(graph: ReferenceGraph, removeStaleRoots: Bool = false) throws -> Set<StorePath> {
        var roots = Set(try findRoots(removeStale: removeStaleRoots).map(\.path))
        roots.formUnion(try findTemporaryRoots())
        roots.formUnion(findRuntimeRoots())
        return graph.closure(of: roots)
    }
}
