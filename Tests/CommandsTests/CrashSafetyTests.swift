import Foundation
import Testing

/// SIGKILL at any moment leaves no valid partial item; the next run or `gc`
/// cleans the debris; concurrent writers of one item do not corrupt it.
@Suite(.serialized)
struct CrashSafetyTests {
    /// A tree big enough that a kill lands in the middle of copying it.
    static func bigTree(in sandbox: Sandbox) throws -> String {
        var rng = SeededGenerator(seed: 99)
        for i in 0..<400 {
            try sandbox.write("big/d\(i % 20)/f\(i)", rng.bytes(Int(rng.next() % 20_000)))
        }
        try sandbox.write("big/blob", rng.bytes(24_000_000))
        return sandbox.path("big")
    }

    /// The store's own view must be consistent and its directory hold nothing else.
    static func expectClean(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let verify = try sandbox.cairn(["gc", "--verify=contents"])
        #expect(verify.status == 0, "verify: \(verify.stderr)", sourceLocation: sourceLocation)
        let gc = try sandbox.cairn(["gc"])
        #expect(gc.status == 0, "gc: \(gc.stderr)", sourceLocation: sourceLocation)
        let entries = try FileManager.default.contentsOfDirectory(atPath: sandbox.store).filter { !$0.hasPrefix(".") }
        #expect(entries.isEmpty, "unregistered items left after gc: \(entries)", sourceLocation: sourceLocation)
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.store + "/.tmp")) ?? []
        #expect(scratch.isEmpty, "scratch debris left after gc: \(scratch)", sourceLocation: sourceLocation)
    }

    static func killAfter(_ microseconds: UInt32, _ arguments: [String], sandbox: Sandbox, stdin: URL? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestTools.cairn)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(sandbox.storeEnvironment) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        try process.run()
        usleep(microseconds)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    @Test("SIGKILL during store add leaves no valid partial item")
    func killDuringAdd() throws {
        let sandbox = try Sandbox("kill-add")
        let tree = try Self.bigTree(in: sandbox)
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<8 {
            try Self.killAfter(UInt32(rng.next() % 400_000), ["store", "add", tree], sandbox: sandbox)
            let verify = try sandbox.cairn(["gc", "--verify=contents"])
            #expect(verify.status == 0, "\(verify.stderr)")
        }
        // The next run completes and yields the right item.
        let added = try sandbox.cairn(["store", "add", tree])
        #expect(added.status == 0, "\(added.stderr)")
        let expected = try sandbox.cairn(["hash", "-S", "nar", tree]).output
        let actual = try sandbox.cairn(["hash", "-S", "nar", added.output.trimmingCharacters(in: .newlines)]).output
        #expect(expected == actual)
        // Nothing of it is a root, so gc collects it together with the debris.
        try Self.expectClean(sandbox)
    }

    @Test("SIGKILL during archive --import leaves no valid partial item")
    func killDuringImport() throws {
        // Bundles name absolute store paths: export, then start over with an
        // empty store at the same place.
        let sandbox = try Sandbox("kill-import")
        let tree = try Self.bigTree(in: sandbox)
        try sandbox.write("small.txt", "small\n")
        let items = [tree, sandbox.path("small.txt")].map {
            try! sandbox.cairn(["store", "add", $0]).output.trimmingCharacters(in: .newlines)
        }
        let bundle = sandbox.path("bundle")
        try sandbox.cairn(["archive", "--export"] + items).stdout.write(to: URL(fileURLWithPath: bundle))
        _ = try TestTools.run("/bin/chmod", ["-R", "u+w", sandbox.store])
        try FileManager.default.removeItem(atPath: sandbox.store)
        try FileManager.default.removeItem(atPath: sandbox.state)
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<8 {
            try Self.killAfter(
                UInt32(rng.next() % 400_000), ["archive", "--import"], sandbox: sandbox, stdin: URL(fileURLWithPath: bundle))
            let verify = try sandbox.cairn(["gc", "--verify=contents"])
            #expect(verify.status == 0, "\(verify.stderr)")
            // An import registers all or nothing.
            let dead = try sandbox.cairn(["gc", "--list-dead"]).lines
            #expect(dead.isEmpty || Set(dead) == Set(items), "partial import: \(dead)")
        }
        let imported = try sandbox.cairn(["archive", "--import"], stdin: URL(fileURLWithPath: bundle))
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(Set(imported.lines) == Set(items))
        try Self.expectClean(sandbox)
    }

    @Test("concurrent adds of one tree: one adds, the others reuse it")
    func concurrentAdds() throws {
        let sandbox = try Sandbox("concurrent")
        try TreeFactory.make(in: sandbox, at: "tree", seed: 11, largeFile: 5_000_000)
        let results = ResultsBox()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let result = try? sandbox.cairn(["store", "add", sandbox.path("tree")])
            results.append(result)
        }
        let outputs = results.values
        #expect(outputs.count == 4)
        for result in outputs {
            #expect(result?.status == 0, "\(result?.stderr ?? "did not run")")
        }
        #expect(Set(outputs.compactMap { $0?.output }).count == 1)
        let dead = try sandbox.cairn(["gc", "--list-dead"]).lines
        #expect(dead.count == 1)
        let verify = try sandbox.cairn(["gc", "--verify=contents"])
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ProcessResult?] = []
    func append(_ item: ProcessResult?) { lock.lock(); items.append(item); lock.unlock() }
    var values: [ProcessResult?] { lock.lock(); defer { lock.unlock() }; return items }
}
