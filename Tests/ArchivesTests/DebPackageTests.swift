#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Archives

/// Debian packages built by `dpkg-deb` (the oracle, present on Debian hosts)
/// unpack to the same tree as `dpkg-deb -x` gives; hostile archives are
/// refused without writing outside the target directory.
struct DebPackageTests {
    let scratch: String

    init() throws {
        scratch = NSTemporaryDirectory() + "cairn-archives-\(getpid())-\(Int.random(in: 0..<1_000_000_000))"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    static var dpkgDeb: String? {
        ["/usr/bin/dpkg-deb", "/bin/dpkg-deb"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A package tree with what the seed's packages hold: nested directories,
    /// executables, read-only files, relative and absolute symbolic links, a
    /// hard link and a path longer than tar's 100-byte name field.
    func makeTree(_ root: String) throws {
        let fm = FileManager.default
        let long = "usr/share/doc/" + String(repeating: "very-long-directory-name/", count: 6) + "file.txt"
        for directory in ["DEBIAN", "usr/bin", "usr/lib/x86_64-linux-gnu", (long as NSString).deletingLastPathComponent] {
            try fm.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        try "Package: demo\nVersion: 1.2-3\nArchitecture: amd64\nMaintainer: nobody <nobody@localhost>\nDescription: a demo\n long text\n"
            .write(toFile: root + "/DEBIAN/control", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho hi\n".write(toFile: root + "/usr/bin/hello", atomically: true, encoding: .utf8)
        chmod(root + "/usr/bin/hello", 0o755)
        try Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: root + "/usr/lib/x86_64-linux-gnu/libdemo.so.1.0"))
        chmod(root + "/usr/lib/x86_64-linux-gnu/libdemo.so.1.0", 0o644)
        try fm.createSymbolicLink(atPath: root + "/usr/lib/x86_64-linux-gnu/libdemo.so.1", withDestinationPath: "libdemo.so.1.0")
        try fm.createSymbolicLink(atPath: root + "/usr/bin/sh-link", withDestinationPath: "/bin/sh")
        try "read only\n".write(toFile: root + "/usr/bin/readonly.txt", atomically: true, encoding: .utf8)
        chmod(root + "/usr/bin/readonly.txt", 0o444)
        link(root + "/usr/bin/hello", root + "/usr/bin/hello-again")
        try "deep\n".write(toFile: root + "/" + long, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: root + "/usr/bin/empty", contents: Data())
    }

    /// Type, permission bits, content or link target of every entry below `root`.
    func describe(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { return result }
        for case let relative as String in walker {
            let path = root + "/" + relative
            var st = stat()
            #expect(lstat(path, &st) == 0)
            let mode = String(st.st_mode & 0o7777, radix: 8)
            switch st.st_mode & S_IFMT {
            case S_IFLNK: result[relative] = "link " + ((try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?")
            case S_IFDIR: result[relative] = "dir " + mode
            default:
                let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
                // FNV-1a over every byte: a content fingerprint that is not seeded per process.
                let digest = data.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
                result[relative] = "file \(mode) \(data.count) \(String(digest, radix: 16))"
            }
        }
        return result
    }

    @Test("packages dpkg-deb builds (xz, gzip, uncompressed) unpack as dpkg-deb -x unpacks them", arguments: ["xz", "gzip", "none"])
    func matchesDpkg(compression: String) throws {
        guard let dpkgDeb = Self.dpkgDeb else {
            print("skip: dpkg-deb is not installed; the .deb oracle tests do not run")
            return
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try makeTree(scratch + "/tree")
        let deb = scratch + "/demo.deb"
        #expect(try run([dpkgDeb, "--root-owner-group", "-Z" + compression, "--build", scratch + "/tree", deb]) == 0)
        #expect(try run([dpkgDeb, "-x", deb, scratch + "/oracle"]) == 0)
        let package = try DebPackage(Array(try Data(contentsOf: URL(fileURLWithPath: deb))), name: "demo.deb")
        try FileManager.default.createDirectory(atPath: scratch + "/ours", withIntermediateDirectories: true)
        try package.unpackData(into: scratch + "/ours")
        let expected = try describe(scratch + "/oracle")
        let got = try describe(scratch + "/ours")
        #expect(expected.count > 10)
        #expect(got == expected)
        var st = stat()
        #expect(stat(scratch + "/ours/usr/bin/hello-again", &st) == 0 && st.st_nlink == 2)
        let control = try package.control()
        #expect(control["Package"] == "demo")
        #expect(control["Version"] == "1.2-3")
        #expect(control["Description"] == "a demo\nlong text")
    }

    @Test("real Debian packages named in CAIRN_TEST_DEBS unpack as dpkg-deb -x unpacks them")
    func realPackages() throws {
        guard let list = ProcessInfo.processInfo.environment["CAIRN_TEST_DEBS"], let dpkgDeb = Self.dpkgDeb else {
            print("skip: set CAIRN_TEST_DEBS to .deb paths (colon-separated) to compare real packages with dpkg-deb -x")
            return
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for (index, deb) in list.split(separator: ":").map(String.init).enumerated() {
            let oracle = scratch + "/oracle-\(index)"
            let ours = scratch + "/ours-\(index)"
            #expect(try run([dpkgDeb, "-x", deb, oracle]) == 0)
            try FileManager.default.createDirectory(atPath: ours, withIntermediateDirectories: true)
            let package = try DebPackage(Array(try Data(contentsOf: URL(fileURLWithPath: deb))), name: deb)
            try package.unpackData(into: ours)
            let expected = try describe(oracle)
            let got = try describe(ours)
            #expect(got == expected, "\(deb): \(Set(got.keys).symmetricDifference(expected.keys).sorted().prefix(5))")
            #expect(try package.control()["Package"] != nil)
        }
    }

    // MARK: Hostile input

    /// One ustar header block and its data, padded.
    static func tarEntry(_ name: String, type: Character = "0", link: String = "", data: [UInt8] = [], checksumDelta: Int = 0) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(data.count, radix: 8).leftPadded(11), at: 124)
        put("00000000000", at: 136)
        header[156] = type.asciiValue ?? 0x30
        put(link, at: 157)
        put("ustar", at: 257)
        put("00", at: 263)
        for i in 148..<156 { header[i] = 32 }
        let sum = header.reduce(0) { $0 + Int($1) } + checksumDelta
        put(String(sum, radix: 8).leftPadded(6), at: 148)
        header[154] = 0
        return header + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    static func deb(_ data: [UInt8]) -> [UInt8] {
        func member(_ name: String, _ bytes: [UInt8]) -> [UInt8] {
            var header = Array((name + "/").utf8) + [UInt8](repeating: 32, count: 16 - name.count - 1)
            header += Array("0           0     0     100644  ".utf8)
            header += Array(String(bytes.count).padding(toLength: 10, withPad: " ", startingAt: 0).utf8) + [0x60, 0x0A]
            return header + bytes + (bytes.count % 2 == 1 ? [0x0A] : [])
        }
        return Array("!<arch>\n".utf8) + member("debian-binary", Array("2.0\n".utf8)) + member("data.tar", data)
    }

    func unpackFails(_ tar: [UInt8]) throws -> ArchiveError? {
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.createDirectory(atPath: scratch + "/root", withIntermediateDirectories: true)
        do {
            try DebPackage(Self.deb(tar + [UInt8](repeating: 0, count: 1024)), name: "evil.deb").unpackData(into: scratch + "/root")
            return nil
        } catch let error as ArchiveError {
            #expect(!FileManager.default.fileExists(atPath: scratch + "/escaped"))
            return error
        }
    }

    @Test("an entry reaching outside the directory with .. is refused")
    func dotDot() throws {
        let error = try unpackFails(Self.tarEntry("../escaped", data: Array("x".utf8)))
        #expect(error == .unsafePath(archive: "evil.deb", path: "../escaped"))
    }

    @Test("a file written through a symbolic link an earlier entry made is refused")
    func throughSymlink() throws {
        let tar = Self.tarEntry("out", type: "2", link: scratch) + Self.tarEntry("out/escaped", data: Array("x".utf8))
        let error = try unpackFails(tar)
        #expect(error == .unsafePath(archive: "evil.deb", path: "out/escaped"))
    }

    @Test("damaged archives give errors, never a crash")
    func damaged() throws {
        #expect(try unpackFails(Self.tarEntry("file", data: Array("abc".utf8), checksumDelta: 1)) != nil)
        #expect(throws: ArchiveError.self) { try DebPackage(Array("!<arch>\nshort".utf8), name: "short.deb") }
        #expect(throws: ArchiveError.self) { try DebPackage(Array("not an archive".utf8), name: "text.deb") }
        let good = Self.deb(Self.tarEntry("file", data: Array(repeating: 65, count: 3000)))
        for cut in stride(from: 8, to: good.count, by: 97) {
            _ = try? DebPackage(Array(good.prefix(cut)), name: "cut.deb").unpackData(into: scratch + "/cut")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bytes = good
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            try? FileManager.default.removeItem(atPath: scratch + "/fuzz")
            try? FileManager.default.createDirectory(atPath: scratch + "/fuzz", withIntermediateDirectories: true)
            _ = try? DebPackage(bytes, name: "fuzz.deb").unpackData(into: scratch + "/fuzz")
        }
        try? FileManager.default.removeItem(atPath: scratch)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
