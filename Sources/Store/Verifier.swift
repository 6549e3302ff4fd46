import Basics
import Dispatch
import Glibc
import StoreFormats

/// What `cairn gc --verify` found.
package struct VerifyReport: Sendable {
    /// Valid items whose files are gone.
    package var missing: [StorePath] = []
    /// Valid items whose contents no longer match their recorded NAR hash.
    package var corrupted: [(path: StorePath, expected: Hash, actual: Hash)] = []
    /// Items on disk the database does not list (garbage, not corruption).
    package var unregistered: [String] = []
    package var checked = 0

    package var isHealthy: Bool { missing.isEmpty && corrupted.isEmpty }
}

extension LocalStore {
    /// Checks that every valid item exists (and, with `contents`, that its NAR
    /// hash still matches), and lists unregistered items. Contents are hashed
    /// on all cores: each item is an independent stream.
    package func verify(contents: Bool, onProgress: (Int, Int) -> Void = { _, _ in }) throws -> VerifyReport {
        // Shared GC lock: a collection running meanwhile would make deleted
        // items look missing; additions may go on.
        try withWriteLock { try verifyLocked(contents: contents, onProgress: onProgress) }
    }

    private func verifyLocked(contents: Bool, onProgress: (Int, Int) -> Void) throws -> VerifyReport {
        var report = VerifyReport()
        let paths = try database.allValidPaths()
        let valid = Set(paths)
        for entry in try FileSystem.entryNames(ofDirectory: layout.store) where !entry.hasPrefix(".") {
            guard let path = try? StorePath(baseName: entry), valid.contains(path) else {
                report.unregistered.append(layout.store + "/" + entry)
                continue
            }
        }
        var existing: [StorePath] = []
        for path in paths {
            if FileSystem.exists(absolute(path)) { existing.append(path) } else { report.missing.append(path) }
        }
        let present = existing
        report.checked = paths.count
        guard contents else { return report }

        var expected: [StorePath: Hash] = [:]
        for path in present { expected[path] = try pathInfo(path).narHash }
        let results = ResultSlots<Hash>(count: present.count)
        let workers = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 8))
        let total = present.count
        let storeDirectory = layout.storeDirectory
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < total {
                let path = present[index]
                let hash = try? LocalStore.narHash(of: path.absolute(in: storeDirectory)).hash
                results.set(index, hash)
                index += workers
            }
        }
        for (index, path) in present.enumerated() {
            guard let wanted = expected[path] else { continue }
            let actual = results.get(index)
            if actual != wanted {
                report.corrupted.append((path, wanted, actual ?? wanted.zeroed))
            }
            onProgress(index + 1, total)
        }
        return report
    }
}

extension Hash {
    /// A hash of all zero bytes, standing for "could not be computed".
    fileprivate var zeroed: Hash {
        (try? Hash(algorithm: algorithm, bytes: [UInt8](repeating: 0, count: algorithm.byteCount))) ?? self
    }
}
