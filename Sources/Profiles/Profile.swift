import Basics
import Glibc

/// A profile and its generations, laid out as Guix lays them out: the
/// profile `P` is a symlink to `P-N-link`, a symlink to the store item of
/// generation N. Every generation link is a GC root: profiles under the
/// state directory's `profiles/` are found by the collector, others get an
/// indirect root (see `Profile.rootGeneration`).
package struct Profile {
    /// The profile's name as the user gives it (`~/.cairn-profile`), absolute.
    package let path: String

    package init(path: String) {
        self.path = ProcessEnvironment.absolutePath(path)
    }

    package struct Generation: Equatable {
        package let number: Int
        /// The `P-N-link` symlink.
        package let link: String
        /// The store item it points to.
        package let item: String
        /// When the link was made (its own modification time), seconds since the epoch.
        package let time: Int
    }

    var directory: String { FileSystem.directoryName(path) }
    var baseName: String { FileSystem.baseName(path) }

    package func link(of number: Int) -> String { "\(path)-\(number)-link" }

    /// The generations that exist, in increasing order.
    package func generations() throws -> [Generation] {
        guard FileSystem.isDirectory(directory) else { return [] }
        let prefix = baseName + "-", suffix = "-link"
        var found: [Generation] = []
        for name in try FileSystem.entryNames(ofDirectory: directory)
        where name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.count > prefix.count + suffix.count {
            let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard let number = Int(digits), number >= 0, String(number) == digits else { continue }
            let link = directory + "/" + name
            guard let status = try FileSystem.linkStatus(link), FileSystem.kind(of: status) == .symlink else { continue }
            found.append(Generation(number: number, link: link, item: try FileSystem.readLink(link), time: Int(status.st_mtim.tv_sec)))
        }
        return found.sorted { $0.number < $1.number }
    }

    /// The number of the generation `path` points to, nil when there is none.
    package func currentNumber() throws -> Int? {
        guard let status = try FileSystem.linkStatus(path) else { return nil }
        guard FileSystem.kind(of: status) == .symlink else { throw ProfileError.notAProfile(path: path) }
        let target = FileSystem.baseName(try FileSystem.readLink(path))
        let prefix = baseName + "-", suffix = "-link"
        guard target.hasPrefix(prefix), target.hasSuffix(suffix),
              let number = Int(target.dropFirst(prefix.count).dropLast(suffix.count)) else {
            throw ProfileError.notAProfile(path: path)
        }
        return number
    }

    package func current() throws -> Generation? {
        guard let number = try currentNumber() else { return nil }
        return try generations().first { $0.number == number }
    }

    /// The store item of the current generation, nil for a profile not made yet.
    package func currentItem() throws -> String? { try current()?.item }

    /// Runs `body` holding the profile's lock, so that two changes at once
    /// cannot both make generation N+1 (Guix's with-profile-lock); says
    /// `waiting` while another process holds it.
    package func withLock<T>(waiting: String, _ body: () throws -> T) throws -> T {
        try FileSystem.createDirectories(directory)
        let lock = try FileLock(path: path + ".lock")
        if try !lock.tryLock(.exclusive) {
            Diagnostics.info(waiting)
            try lock.lock(.exclusive)
        }
        defer { lock.unlock() }
        return try body()
    }

    /// Makes `item` the next generation and (unless told not to) switches to it.
    /// Returns its number.
    @discardableResult
    package func addGeneration(item: String, switching: Bool = true) throws -> Int {
        try FileSystem.createDirectories(directory)
        let number = (try generations().last?.number ?? 0) + 1
        try replaceLink(at: link(of: number), target: item)
        if switching { try switchTo(number) }
        return number
    }

    /// Points the profile at generation `number`, which must exist.
    package func switchTo(_ number: Int) throws {
        guard try generations().contains(where: { $0.number == number }) else {
            throw ProfileError.noGeneration(number: number, profile: path)
        }
        // Relative, as Guix's, so the profile's directory can move.
        try replaceLink(at: path, target: FileSystem.baseName(link(of: number)))
    }

    /// Removes generation `number`; the current one cannot be removed.
    package func delete(_ number: Int) throws {
        if try currentNumber() == number { throw ProfileError.deletingCurrent(number: number) }
        try FileSystem.removeFile(link(of: number))
    }

    /// A symlink made beside its final name and renamed over it, so the
    /// profile is never missing or half-made, even if the process dies.
    private func replaceLink(at link: String, target: String) throws {
        let temporary = FileSystem.directoryName(link) + "/.tmp-" + FileSystem.baseName(link) + "-" + FileSystem.randomSuffix(length: 8)
        try FileSystem.symlink(target: target, at: temporary)
        do {
            try FileSystem.rename(temporary, link)
        } catch {
            try? FileSystem.removeFile(temporary)
            throw error
        }
    }
}

package enum ProfileError: UserFacingError, Equatable {
    case notAProfile(path: String)
    case noGeneration(number: Int, profile: String)
    case deletingCurrent(number: Int)
    case noPreviousGeneration(profile: String)
    case badPattern(String)
    case badManifest(path: String, reason: String)
    case noProvenance(profile: String)

    package var message: String {
        switch self {
        case .notAProfile(let path): "\(path) is not a profile (it is not a symlink to a generation)"
        case .noGeneration(let number, let profile): "profile \(profile) has no generation \(number)"
        case .deletingCurrent(let number): "generation \(number) is the current one and cannot be deleted"
        case .noPreviousGeneration(let profile): "profile \(profile) has no generation before the current one"
        case .badPattern(let pattern): "invalid generation pattern '\(pattern)'"
        case .badManifest(let path, let reason): "cannot read the profile manifest \(path): \(reason)"
        case .noProvenance(let profile): "profile \(profile) does not record the channels its packages came from"
        }
    }

    package var hint: String? {
        switch self {
        case .noGeneration, .noPreviousGeneration: "list them with 'cairn package -l'"
        case .deletingCurrent: "switch to another generation first, with 'cairn package -S N' or '--roll-back'"
        case .badPattern: "a pattern is N, N..M, N.., ..M, a comma-separated list of those, or an age such as 2d, 3w or 1m"
        case .notAProfile: "give another profile with -p, or move this file away"
        case .badManifest: nil
        case .noProvenance: "profiles made before channels were recorded, or from a channel outside a git checkout, name none; `cairn describe -f channels` names the channels in use now"
        }
    }
}
