import Basics
import Foundation
import Packages
import Scheme
import Testing

/// The store bindings under a confined evaluation: `local-file`,
/// `add-to-store` and `add-modules-to-store` read host files, so they obey
/// the same readable roots as file ports; the channel still loads.
@Suite(.serialized) struct ConfinementStoreTests {
    static let prefix = "evaluation is confined: channel and manifest code cannot "

    /// A fixture whose evaluation may read the channel, the store and
    /// `allowed/` (which holds a manifest directory's files), not `outside/`.
    final class ConfinedFixture {
        let fixture: EvaluationFixture
        let allowed: String
        let outside: String

        init(_ label: String) throws {
            let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
                + "/cairn-confined-store-\(UUID().uuidString.prefix(8))"
            allowed = scratch + "/allowed"
            outside = scratch + "/outside"
            let files = FileManager.default
            try files.createDirectory(atPath: allowed + "/modules/sneaky", withIntermediateDirectories: true)
            try files.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try "hello\n".write(toFile: allowed + "/data.txt", atomically: false, encoding: .utf8)
            try "secret\n".write(toFile: outside + "/secret.txt", atomically: false, encoding: .utf8)
            try "(define-module (sneaky mod))\n".write(toFile: outside + "/mod.scm", atomically: false, encoding: .utf8)
            try files.createSymbolicLink(atPath: allowed + "/link", withDestinationPath: outside + "/secret.txt")
            try files.createSymbolicLink(atPath: allowed + "/modules/sneaky/mod.scm", withDestinationPath: outside + "/mod.scm")
            fixture = try EvaluationFixture(label, loadPath: [EvaluationFixture.channel, allowed + "/modules"])
            fixture.evaluator.interpreter.runtime.confinement = Confinement(
                readableRoots: [fixture.storeDirectory, EvaluationFixture.channel, allowed + "/modules", allowed])
        }

        deinit { try? FileManager.default.removeItem(atPath: FileSystem.directoryName(allowed)) }

        /// Store entries whose name contains `word`.
        func storeEntries(containing word: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: fixture.storeDirectory)) ?? []).filter { $0.contains(word) }
        }

        /// Evaluates the manifest `text`, written to `allowed/NAME`, as `-m` does.
        func evaluateManifest(_ name: String, _ text: String) throws -> [Evaluator.Target] {
            try text.write(toFile: allowed + "/" + name, atomically: false, encoding: .utf8)
            let evaluator = fixture.evaluator
            let result: Result<[Evaluator.Target], any Error> = StackGuard.withLargeStack {
                Result { try evaluator.targets(of: try evaluator.evaluate(file: self.allowed + "/" + name), origin: name) }
            }
            return try result.get()
        }
    }

    @Test func localFilesUnderTheRootsReachTheStore() throws {
        let confined = try ConfinedFixture("confined-ok")
        let targets = try confined.evaluateManifest("ok.scm", "(use-modules (cairn gexp))\n(local-file \"data.txt\" \"greeting\")\n")
        guard case .storeFile(let path)? = targets.first else {
            Issue.record("expected a store file, got \(targets)")
            return
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
        let fixture = confined.fixture
        #expect(fixture.run("(use-modules (cairn core store)) (string? (add-to-store \"d\" \"\(confined.allowed)/data.txt\"))") == "#t")
    }

    @Test func localFilesOutsideTheRootsAreRefused() throws {
        let confined = try ConfinedFixture("confined-refused")
        let secret = confined.outside + "/secret.txt"
        for (name, file) in [("abs.scm", secret), ("link.scm", "link"), ("dots.scm", "../outside/secret.txt")] {
            do {
                _ = try confined.evaluateManifest(name, "(use-modules (cairn gexp))\n(local-file \"\(file)\" \"stolen\")\n")
                Issue.record("\(name): local-file of \(file) was not refused")
            } catch let error as SchemeError {
                #expect(error.message.hasPrefix(Self.prefix + "read "), "\(name): \(error.message)")
                #expect(error.message.hasSuffix(secret) || error.message.hasSuffix("(it resolves to \(secret))"), "\(error.message)")
                #expect(error.hint?.contains("copy the file next to the manifest") == true)
                // The user sees where their manifest asked for it.
                let report = ErrorReport.render(error, prefix: "cairn: error: ")
                #expect(report.hasPrefix("cairn: error: " + confined.allowed + "/" + name + ":2:1: " + Self.prefix + "read "), "\(report)")
                #expect(report.contains("gexp.scm:"), "the channel's call is in the backtrace: \(report)")
            }
        }
        let fixture = confined.fixture
        #expect(fixture.run("(use-modules (cairn core store)) (add-to-store \"stolen\" \"\(secret)\")")
            == "error: " + Self.prefix + "read \(secret)")
        #expect(fixture.run("(use-modules (cairn core store)) (add-to-store \"stolen\" \"/etc/shadow\")")
            == "error: " + Self.prefix + "read /etc/shadow")
        #expect(confined.storeEntries(containing: "stolen").isEmpty)
    }

    @Test func shippedModulesObeyTheRoots() throws {
        let confined = try ConfinedFixture("confined-modules")
        let fixture = confined.fixture
        #expect(fixture.run("(use-modules (cairn core store)) (add-modules-to-store \"mods\" '((sneaky mod)))")
            == "error: " + Self.prefix + "read \(confined.allowed)/modules/sneaky/mod.scm (it resolves to \(confined.outside)/mod.scm)")
        #expect(confined.storeEntries(containing: "mods").isEmpty)
        // The channel's own build-side modules still ship.
        #expect(fixture.run("(use-modules (cairn core store)) (string? (add-modules-to-store \"utils\" '((cairn build utils))))") == "#t")
    }
}
