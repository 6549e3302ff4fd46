import Basics
import Foundation
import Glibc
import Sandbox
import Store
import StoreFormats
import Testing

/// ARCHITECTURE.md §1.3 and issue 4: a user who may not create /cairn gets
/// the store under $XDG_DATA_HOME/cairn, shown at /cairn in a namespace of
/// the process's own, and builds there in the sandbox like anyone else.
@Suite(.serialized)
struct RootlessTests {
    static let runningAsRoot = getuid() == 0
    /// The test user must not be able to write /cairn: none exists, or it is
    /// root's and the test user is `nobody` (root runs the tests).
    static let applicable = (!FileManager.default.fileExists(atPath: "/cairn") || runningAsRoot)
        && (!runningAsRoot || Tools.which("setpriv") != nil)

    /// The bundle an unprivileged user imports: the shell tree and a
    /// derivation using it, both with paths of the canonical store.
    struct Bundle {
        var bytes: [UInt8] = []
        var derivation: StorePath
        var output: StorePath
    }

    static func makeBundle(tree: String, script: String) throws -> Bundle {
        let directory = try StoreDirectory("/cairn/store")
        var bytes: [UInt8] = []
        func sink(_ chunk: UnsafeRawBufferPointer) { bytes.append(contentsOf: chunk) }

        try ExportBundle.writeItemStart(sink)
        let (narHash, _) = try LocalStore.dump(tree, to: sink)
        let shell = try directory.makeSourcePath(name: "shell-tree", narHash: narHash, references: [], selfReference: false)
        try ExportBundle.writeTrailer(ExportTrailer(path: shell, references: [], deriver: nil), storeDirectory: directory, to: sink)

        let env = ["name": "rootless", "system": "x86_64-linux", "builder": "/bin/sh", "PATH": "/bin",
                   "__cairnFHSRoot": shell.absolute(in: directory)]
        let template = Derivation(
            name: "rootless", outputs: ["out": DerivationOutput()], inputDerivations: [:], inputSources: [shell],
            system: "x86_64-linux", builder: "/bin/sh", arguments: ["-c", script], environment: env)
        struct NoInputDerivations: Error {}
        var hasher = DerivationHasher(storeDirectory: directory, load: { _ in throw NoInputDerivations() })
        let derivation = try hasher.fillingOutputs(of: template)
        let drvPath = try hasher.derivationPath(of: derivation)
        let text = derivation.serialized(in: directory)
        try ExportBundle.writeItemStart(sink)
        var nar = NARWriter(sink: sink)
        try nar.begin()
        try nar.beginRegular(executable: false, size: UInt64(text.count))
        try text.withUnsafeBytes { try nar.writeContents($0) }
        try nar.endRegular()
        try nar.finish()
        try ExportBundle.writeTrailer(ExportTrailer(path: drvPath, references: [shell], deriver: nil), storeDirectory: directory, to: sink)
        try ExportBundle.writeEnd(sink)
        return Bundle(bytes: bytes, derivation: drvPath, output: try #require(derivation.outputs["out"]?.path))
    }

    @Test("an unprivileged user without /cairn imports and builds in the rootless mapping",
          .enabled(if: applicable, "skipped: the test user could write /cairn, or running as root without setpriv (util-linux)"))
    func rootlessBuild() throws {
        let root = "/tmp/cairn-rootless-test-\(UUID().uuidString.prefix(8))"
        defer { _ = try? FileSystem.removeTree(root) }
        // Root's own /cairn (root ran cairn here) must be hidden, not used.
        let hostHadCairn = FileManager.default.fileExists(atPath: "/cairn")
        try FileManager.default.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
        chmod(root, 0o755)
        let bundle = try Self.makeBundle(
            tree: try BuildStore.makeShellTree(in: root + "/shell-tree"),
            script: "id -u > $out; echo rootless >> $out")
        try Data(bundle.bytes).write(to: URL(fileURLWithPath: root + "/bundle"))
        let data = root + "/home/data"
        let environment = ["HOME=\(root)/home", "XDG_DATA_HOME=\(data)", "PATH=/usr/bin:/bin"]

        func asUser(_ command: String) throws -> ProcessResult {
            if Self.runningAsRoot {
                return try Tools.run("/usr/bin/env", [
                    "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env",
                    "env"] + environment + ["/bin/sh", "-c", command])
            }
            return try Tools.run("/usr/bin/env", ["-i"] + environment + ["/bin/sh", "-c", command])
        }
        if Self.runningAsRoot { _ = try Tools.run("/bin/chown", ["-R", "65534:65534", root]) }

        let drv = bundle.derivation.absolute(in: try StoreDirectory("/cairn/store"))
        let imported = try asUser("'\(Tools.cairn)' archive --import < '\(root)/bundle'")
        if imported.stderr.contains("creating a user and mount namespace failed") {
            Issue.record("unprivileged user namespaces are refused here: \(imported.stderr)")
            return
        }
        #expect(imported.status == 0, "\(imported.stderr)")
        let built = try asUser("'\(Tools.cairn)' build '\(drv)'")
        #expect(built.status == 0, "\(built.stderr)")
        let output = "/cairn/store/" + bundle.output.description
        #expect(built.lines == [output])

        // The output is really under the data directory, not in the host's /cairn.
        let physical = data + "/cairn/store/" + bundle.output.description
        #expect((try? String(contentsOfFile: physical, encoding: .utf8)) == "1000\nrootless\n")
        #expect(hostHadCairn || !FileManager.default.fileExists(atPath: "/cairn"), "the mapping created nothing at the host's /cairn")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing went to the host's /cairn/store")
        #expect(FileManager.default.fileExists(atPath: data + "/cairn/var/db/db.sqlite"))

        // A second process sees the same store: the output is valid, nothing is rebuilt.
        let again = try asUser("'\(Tools.cairn)' build '\(drv)'")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.lines == [output])
        #expect(!again.stderr.contains("building"), "\(again.stderr)")
    }

    @Test("the mapping is chosen only for paths under /cairn that cannot be created")
    func decision() throws {
        let parent = "/tmp/cairn-rootless-decide-\(UUID().uuidString.prefix(8))"
        defer { _ = try? FileSystem.removeTree(parent) }
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let canonical = parent + "/cairn"
        let env: (String) -> String? = { ["HOME": "/home/someone"][$0] }
        // Elsewhere: left alone, and nothing is created.
        #expect(try RootlessMapping.decide(store: "/tmp/s/store", state: "/tmp/s/var", root: canonical, environment: env) == .asIs)
        #expect(!FileManager.default.fileExists(atPath: canonical))
        // A root that can be created is created and used.
        #expect(try RootlessMapping.decide(store: canonical + "/store", state: canonical + "/var", root: canonical, environment: env) == .asIs)
        #expect(FileSystem.isDirectory(canonical))
        #expect(try RootlessMapping.defaultDataDirectory(environment: env) == "/home/someone/.local/share/cairn")
        #expect(try RootlessMapping.defaultDataDirectory(environment: { ["HOME": "/h", "XDG_DATA_HOME": "/x"][$0] }) == "/x/cairn")
        #expect(throws: RootlessError.noHome) { try RootlessMapping.defaultDataDirectory(environment: { _ in nil }) }
    }
}
