import Basics
import Glibc
import Scheme

typealias stat_t = Glibc.stat

/// The operating-system procedures build-side code uses, with Guile's names
/// and results: processes (`system*`), directories, links, modes, `stat`.
/// Only the build-side runner installs them: host-side evaluation of
/// channels and manifests cannot touch files or run programs (issue 7).
enum PosixLibrary {
    static func install(into library: inout LibraryBuilder, runtime: Runtime) {
        unowned(unsafe) let runtime = runtime
        func path(_ value: Value, _ who: String, _ position: Int = 1) throws -> String {
            let text = try value.expectString(who, position).string
            guard !text.utf8.contains(0) else { throw SchemeError.wrongType(procedure: who, position: position, expected: "path without NUL", got: value) }
            return text
        }
        func check(_ result: Int32, _ who: String, _ detail: String) throws {
            if result != 0 { throw SystemErrors.error(who, code: errno, detail: detail) }
        }
        library.define("system*", arity: 1, nil) { args in
            let argv = try args.enumerated().map { try path($0.element, "system*", $0.offset + 1) }
            // What Scheme wrote so far goes to the log before the program's output.
            Libraries.flushPorts(of: runtime)
            return .fixnum(Int(try spawnAndWait(argv)))
        }
        library.define("status:exit-val") { status in
            let raw = Int32(truncatingIfNeeded: try status.expectFixnum("status:exit-val", 1))
            return raw & 0x7f == 0 ? .fixnum(Int((raw >> 8) & 0xff)) : .false
        }
        library.define("status:term-sig") { status in
            let raw = Int32(truncatingIfNeeded: try status.expectFixnum("status:term-sig", 1))
            let signal = raw & 0x7f
            return signal != 0 && signal != 0x7f ? .fixnum(Int(signal)) : .false
        }
        library.define("chdir") { dir in
            let target = try path(dir, "chdir")
            try check(Glibc.chdir(target), "chdir", target)
            return .unspecified
        }
        library.define("mkdir", arity: 1, 2) { args in
            let target = try path(args[0], "mkdir")
            let mode = args.count > 1 ? mode_t(try args[1].expectFixnum("mkdir", 2)) : 0o777
            try check(Glibc.mkdir(target, mode), "mkdir", target)
            return .unspecified
        }
        library.define("rmdir") { dir in
            let target = try path(dir, "rmdir")
            try check(Glibc.rmdir(target), "rmdir", target)
            return .unspecified
        }
        library.define("rename-file") { from, to in
            let (a, b) = (try path(from, "rename-file"), try path(to, "rename-file", 2))
            try check(Glibc.rename(a, b), "rename-file", a)
            return .unspecified
        }
        library.define("symlink") { target, link in
            let (a, b) = (try path(target, "symlink"), try path(link, "symlink", 2))
            try check(Glibc.symlink(a, b), "symlink", b)
            return .unspecified
        }
        library.define("link") { target, link in
            let (a, b) = (try path(target, "link"), try path(link, "link", 2))
            try check(Glibc.link(a, b), "link", b)
            return .unspecified
        }
        library.define("readlink") { link in
            let target = try path(link, "readlink")
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = Glibc.readlink(target, &buffer, buffer.count)
            guard count >= 0 else { throw SystemErrors.error("readlink", code: errno, detail: target) }
            return .string(String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        library.define("chmod") { file, mode in
            let target = try path(file, "chmod")
            try check(Glibc.chmod(target, mode_t(try mode.expectFixnum("chmod", 2))), "chmod", target)
            return .unspecified
        }
        library.define("umask", arity: 0, 1) { args in
            let new = args.isEmpty ? mode_t(0o022) : mode_t(try args[0].expectFixnum("umask", 1))
            let old = Glibc.umask(new)
            if args.isEmpty { Glibc.umask(old) }
            return .fixnum(Int(old))
        }
        library.define("utime", arity: 3, 3) { args in
            let target = try path(args[0], "utime")
            var times = [timespec(tv_sec: try args[1].expectFixnum("utime", 2), tv_nsec: 0),
                         timespec(tv_sec: try args[2].expectFixnum("utime", 3), tv_nsec: 0)]
            try check(utimensat(AT_FDCWD, target, &times, AT_SYMLINK_NOFOLLOW), "utime", target)
            return .unspecified
        }
        library.define("copy-file") { from, to in
            let (a, b) = (try path(from, "copy-file"), try path(to, "copy-file", 2))
            try copyFile(a, b)
            return .unspecified
        }
        library.define("stat", arity: 1, 2) { args in
            // (stat FILE #f): #f instead of an error when FILE cannot be stat'ed, as in Guile.
            do {
                return try statVector(try path(args[0], "stat"), follow: true, who: "stat")
            } catch let error as SchemeError where error.kind == .system && args.count > 1 && !args[1].isTrue {
                return .false
            }
        }
        library.define("lstat") { file in try statVector(try path(file, "lstat"), follow: false, who: "lstat") }
        for (index, name) in ["dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "size", "atime", "mtime", "ctime", "blksize", "blocks", "type", "perms"].enumerated() {
            library.define("stat:" + name) { value in
                guard case .vector(let fields) = value, index < fields.elements.count else {
                    throw SchemeError.wrongType(procedure: "stat:" + name, position: 1, expected: "stat result", got: value)
                }
                return fields.elements[index]
            }
        }
        library.define("scandir", arity: 1, 3) { args in
            let directory = try path(args[0], "scandir")
            guard let handle = opendir(directory) else { return .false }
            defer { closedir(handle) }
            var names: [String] = []
            while let entry = readdir(handle) {
                names.append(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
            }
            var kept: [Value] = []
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let value = Value.string(name)
                if args.count > 1, args[1].isTrue, try runtime.apply(args[1], [value]).isFalse { continue }
                kept.append(value)
            }
            return .list(kept)
        }
        library.define("getuid") { .fixnum(Int(Glibc.getuid())) }
        library.define("getgid") { .fixnum(Int(Glibc.getgid())) }
        library.define("primitive-exit", arity: 0, 1) { args in
            Libraries.flushPorts(of: runtime)
            Glibc.exit(Int32(truncatingIfNeeded: args.isEmpty ? 0 : (try args[0].expectFixnum("primitive-exit", 1))))
        }
    }

    /// Guile's stat vector: dev ino mode nlink uid gid rdev size atime mtime
    /// ctime blksize blocks type perms.
    static func statVector(_ target: String, follow: Bool, who: String) throws -> Value {
        var info = stat_t()
        let result = fstatat(AT_FDCWD, target, &info, follow ? 0 : AT_SYMLINK_NOFOLLOW)
        guard result == 0 else { throw SystemErrors.error(who, code: errno, detail: target) }
        let type: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = "regular"
        case S_IFDIR: type = "directory"
        case S_IFLNK: type = "symlink"
        case S_IFCHR: type = "char-special"
        case S_IFBLK: type = "block-special"
        case S_IFIFO: type = "fifo"
        case S_IFSOCK: type = "socket"
        default: type = "unknown"
        }
        let fields: [Value] = [
            .fixnum(Int(info.st_dev)), .fixnum(Int(info.st_ino)), .fixnum(Int(info.st_mode)), .fixnum(Int(info.st_nlink)),
            .fixnum(Int(info.st_uid)), .fixnum(Int(info.st_gid)), .fixnum(Int(info.st_rdev)), .fixnum(Int(info.st_size)),
            .fixnum(Int(info.st_atim.tv_sec)), .fixnum(Int(info.st_mtim.tv_sec)), .fixnum(Int(info.st_ctim.tv_sec)),
            .fixnum(Int(info.st_blksize)), .fixnum(Int(info.st_blocks)), .symbol(Symbol.intern(type)), .fixnum(Int(info.st_mode & 0o7777)),
        ]
        return .vector(SVector(fields, mutable: false))
    }

    static func copyFile(_ from: String, _ to: String) throws {
        let input = open(from, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw SystemErrors.error("copy-file", code: errno, detail: from) }
        defer { close(input) }
        var info = stat_t()
        fstat(input, &info)
        let output = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, info.st_mode & 0o777)
        guard output >= 0 else { throw SystemErrors.error("copy-file", code: errno, detail: to) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SystemErrors.error("copy-file", code: errno, detail: from) }
            if count == 0 { break }
            var written = 0
            while written < count {
                let n = buffer[written..<count].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw SystemErrors.error("copy-file", code: errno, detail: to) }
                written += n
            }
        }
    }

    /// Runs `argv` (found on PATH) with this process's environment and
    /// descriptors; returns the wait status.
    static func spawnAndWait(_ argv: [String]) throws -> Int32 {
        var pid = pid_t()
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let result = posix_spawnp(&pid, argv[0], nil, nil, cArguments, environ)
        guard result == 0 else {
            // Guile forks and the child's exec fails: the caller sees a child
            // that exited 127, as from a shell, and a message on stderr.
            Diagnostics.writeStandardError("In execvp of \(argv[0]): \(String(cString: strerror(result)))\n")
            return 127 << 8
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SystemErrors.error("system*", code: errno, detail: argv[0]) }
        }
        return status
    }
}
