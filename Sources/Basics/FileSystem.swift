import Glibc

/// Small, typed wrappers over the POSIX calls the store needs. Names inside
/// trees are raw bytes (Linux file names need not be UTF-8); whole paths that
/// Cairn itself builds (store and state paths) are Strings.
package enum FileSystem {
    package enum Kind: Equatable, Sendable {
        case regular, directory, symlink, other
    }

    package static func kind(of st: stat) -> Kind {
        switch st.st_mode & S_IFMT {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
    }

    /// `lstat`, or nil when nothing is there.
    package static func linkStatus(_ path: String) throws -> stat? {
        var st = stat()
        if lstat(path, &st) == 0 { return st }
        if errno == ENOENT || errno == ENOTDIR { return nil }
        throw SystemError("stat", path)
    }

    package static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`, with `mode` for directories it creates.
    package static func createDirectories(_ path: String, mode: mode_t = 0o755) throws {
        if isDirectory(path) { return }
        let parent = directoryName(path)
        if parent != path && !parent.isEmpty { try createDirectories(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw SystemError("create directory", path) }
    }

    package static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    package static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    /// The entries of an open directory, without "." and "..", sorted by bytes
    /// (the NAR order).
    package static func entries(ofDirectory fd: Int32, path: String) throws -> [[UInt8]] {
        let dupFD = dup(fd)
        guard dupFD >= 0, let dir = fdopendir(dupFD) else {
            if dupFD >= 0 { close(dupFD) }
            throw SystemError("open directory", path)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw SystemError("read directory", path) }
                break
            }
            // Read d_name in place up to its NUL: a dirent can be shorter than
            // the declared 256-byte array, so copying the array could over-read.
            let field = UnsafeRawPointer(entry) + nameOffset
            let length = strlen(field.assumingMemoryBound(to: CChar.self))
            let name = Array(UnsafeRawBufferPointer(start: field, count: length))
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        return names
    }

    package static func entries(ofDirectory path: String) throws -> [[UInt8]] {
        let dir = try OpenFile(path, flags: O_RDONLY | O_DIRECTORY)
        return try entries(ofDirectory: dir.fd, path: path)
    }

    package static func entryNames(ofDirectory path: String) throws -> [String] {
        try entries(ofDirectory: path).map { String(decoding: $0, as: UTF8.self) }
    }

    package static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw SystemError("rename to '\(to)'", from) }
    }

    package static func readLink(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count)
        guard n >= 0 else { throw SystemError("read link", path) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package static func symlink(target: String, at path: String) throws {
        guard Glibc.symlink(target, path) == 0 else { throw SystemError("create symlink", path) }
    }

    package static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw SystemError("remove", path) }
    }

    /// Writes a small file whole: to a temporary name, then renamed into place.
    package static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let temporary = path + ".tmp-\(getpid())"
        do {
            let file = try OpenFile(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
            try file.write(bytes)
            try rename(temporary, path)
        } catch {
            _ = unlink(temporary)
            throw error
        }
    }

    /// `path` with every symbolic link resolved; nil when it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package static func readFile(_ path: String) throws -> [UInt8] {
        try OpenFile(path, flags: O_RDONLY).readAll()
    }

    /// The file-system type ("ext4", "nfs4", "lustre"…) of the mount holding
    /// `path`, from /proc/self/mounts: the longest mount point that contains it.
    package static func mountType(of path: String) -> String? {
        var resolved = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(path, &resolved) != nil, let mounts = try? readFile("/proc/self/mounts") else { return nil }
        let real = String(decoding: resolved.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var best: (length: Int, type: String)?
        for line in String(decoding: mounts, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            // Spaces in mount points are written as \040.
            let point = String(fields[1]).replacing("\\040", with: " ")
            let contains = point == "/" || real == point || real.hasPrefix(point + "/")
            if contains && point.count >= (best?.length ?? -1) { best = (point.count, String(fields[2])) }
        }
        return best?.type
    }

    /// Deletes a tree, first making read-only store directories writable again.
    /// Returns the bytes of disk space the removed files occupied, counting a
    /// file only when this was its last link (others still hold its blocks).
    /// With `lastLinks` 2, a file with one other link counts as freed too:
    /// the caller will drop that other link (a `.links` copy) itself.
    @discardableResult
    package static func removeTree(_ path: String, lastLinks: Int = 1) throws -> UInt64 {
        guard let st = try linkStatus(path) else { return 0 }
        if kind(of: st) != .directory {
            guard unlink(path) == 0 || errno == ENOENT else { throw SystemError("remove", path) }
            return st.st_nlink <= lastLinks ? UInt64(st.st_blocks) * 512 : 0
        }
        let parent = try OpenFile(directoryName(path), flags: O_RDONLY | O_DIRECTORY)
        return try removeTree(name: Array(baseName(path).utf8), in: parent.fd, path: path, lastLinks: lastLinks)
    }

    private static func removeTree(name: [UInt8], in parent: Int32, path: String, lastLinks: Int) throws -> UInt64 {
        var st = stat()
        let found = withCString(name) { fstatat(parent, $0, &st, AT_SYMLINK_NOFOLLOW) }
        guard found == 0 else {
            if errno == ENOENT { return 0 }
            throw SystemError("stat", path)
        }
        var freed: UInt64 = st.st_nlink <= lastLinks || kind(of: st) == .directory ? UInt64(st.st_blocks) * 512 : 0
        if kind(of: st) == .directory {
            if st.st_mode & 0o700 != 0o700 {
                _ = withCString(name) { fchmodat(parent, $0, 0o700, 0) }
            }
            let dirFD = withCString(name) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            guard dirFD >= 0 else { throw SystemError("open directory", path) }
            let dir = OpenFile(adopting: dirFD, path: path)
            for child in try entries(ofDirectory: dir.fd, path: path) {
                freed += try removeTree(
                    name: child, in: dir.fd, path: path + "/" + String(decoding: child, as: UTF8.self), lastLinks: lastLinks)
            }
        }
        let flags = kind(of: st) == .directory ? AT_REMOVEDIR : 0
        let removed = withCString(name) { unlinkat(parent, $0, flags) }
        guard removed == 0 || errno == ENOENT else { throw SystemError("remove", path) }
        return freed
    }

    /// A random lowercase alphanumeric suffix for temporary names.
    package static func randomSuffix(length: Int = 12) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        // One 64-bit draw per 12 characters (36^12 < 2^64): each draw is a
        // system call, and names need to be unique, not secret.
        var generator = SystemRandomNumberGenerator()
        var bits: UInt64 = 0
        var result = ""
        for index in 0..<length {
            if index % 12 == 0 { bits = generator.next() }
            result.append(alphabet[Int(bits % 36)])
            bits /= 36
        }
        return result
    }
}

/// Calls `body` with `name` as a NUL-terminated C string (names are raw bytes).
package func withCString<T>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
    var bytes = name
    bytes.append(0)
    return try bytes.withUnsafeBytes { raw in
        try body(raw.baseAddress!.assumingMemoryBound(to: CChar.self))
    }
}
