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
