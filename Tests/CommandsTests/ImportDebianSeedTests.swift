import Foundation
import Testing

/// `cairn import debian-seed` on a small index (xz-compressed when `xz` is
/// there): the module it writes loads in `cairn repl` and lists the closure.
@Suite struct ImportDebianSeedTests {
    static let index = """
        Package: hello
        Version: 2.10-3
        Architecture: amd64
        Depends: libc6 (>= 2.34)
        Filename: pool/main/h/hello/hello_2.10-3_amd64.deb
        Size: 56000
        SHA256: 1111111111111111111111111111111111111111111111111111111111111111

        Package: libc6
        Version: 2.36-9
        Architecture: amd64
        Filename: pool/main/g/glibc/libc6_2.36-9_amd64.deb
        Size: 2750000
        SHA256: 2222222222222222222222222222222222222222222222222222222222222222

        """

    @Test func writesALoadableModule() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cairn/bootstrap"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var indexPath = directory.appendingPathComponent("Packages").path
        try Self.index.write(toFile: indexPath, atomically: true, encoding: .utf8)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/xz") {
            #expect(try TestTools.run("/usr/bin/xz", [indexPath]).status == 0)
            indexPath += ".xz"
        } else {
            print("skip: xz is not installed; the index is read uncompressed")
        }
        let result = try TestTools.run(TestTools.cairn, ["import", "debian-seed", "--index", indexPath, "hello"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("2 packages"))
        try result.output.write(to: directory.appendingPathComponent("cairn/bootstrap/debian-seed.scm"), atomically: true, encoding: .utf8)
        let loaded = try TestTools.run(TestTools.cairn, [
            "repl", "-L", directory.path, "-c",
            "(use-modules (cairn bootstrap debian-seed)) (write (map (lambda (e) (list (car e) (list-ref e 4))) %debian-seed))",
        ])
        #expect(loaded.output == "((\"hello\" 56000) (\"libc6\" 2750000))", "\(loaded.stderr)")
        let unknown = try TestTools.run(TestTools.cairn, ["import", "debian-seed", "--index", indexPath, "nonesuch"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("cairn: error: the package index has no package 'nonesuch'"))
    }
}

/// The seed list kept in the channel: loads, and every entry is well formed.
@Suite struct ChannelSeedTests {
    @Test func theChannelSeedIsWellFormed() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let channel = repository.appendingPathComponent("channel").path
        let check = """
            (use-modules (cairn bootstrap debian-seed))
            (define (hex? s) (and (= (string-length s) 64) (string-every (lambda (c) (memv c (string->list "0123456789abcdef"))) s)))
            (define bad (filter (lambda (e) (not (and (= (length e) 5) (hex? (list-ref e 3)) (> (list-ref e 4) 0)
                                                      (string-prefix? "pool/main/" (list-ref e 2))))) %debian-seed))
            (write (list (length bad) (map car (filter (lambda (e) (member (car e) '("bash" "gcc-12" "libc6-dev" "make" "mawk"))) %debian-seed))))
            """
        let result = try TestTools.run(TestTools.cairn, ["repl", "-L", channel, "-c", check])
        #expect(result.output == "(0 (\"bash\" \"gcc-12\" \"libc6-dev\" \"make\" \"mawk\"))", "\(result.stderr)")
    }
}
