import Foundation
import Testing
@testable import Scheme

// Differential tests against Guile 3.0: the expected outputs under
// Fixtures/differential and Fixtures/programs were produced by Guile (see
// Fixtures/differential/README.md and generate.sh).

// MARK: - The one place this file touches the interpreter

/// Runs `source` in `interpreter` and returns what it wrote to the current
/// output port, plus the message of the error that stopped it, if any.
/// Everything else in this file goes through here, so an API change is a
/// one-line fix.
private func runScheme(_ interpreter: Interpreter, _ source: String, name: String) -> (output: String, error: String?) {
    let (output, error) = interpreter.runCapturingOutput(source, name: name)
    return (output, error.map { $0.message })
}

private func freshInterpreter() -> Interpreter {
    Interpreter()
}

// MARK: - Fixtures

enum GuileFixtures {
    struct Case: Decodable, Sendable {
        let source: String
        let expected: String
    }

    static var root: URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("SchemeTests resources lack Fixtures/")
        }
        return url
    }

    static var differential: URL { root.appendingPathComponent("differential") }
    static var programs: URL { root.appendingPathComponent("programs") }

    /// Base names (`NN-topic`) of the files in `directory` ending in `.suffix`, sorted.
    static func names(in directory: URL, suffix: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix("." + suffix) }
            .map { String($0.dropLast(suffix.count + 1)) }
            .sorted()
    }

    /// The `NN-topic` case files; `generate.scm` beside them is the generator.
    static var topics: [String] { names(in: differential, suffix: "scm").filter { $0.first?.isNumber == true } }
    static var programNames: [String] { names(in: programs, suffix: "scm") }

    static func cases(topic: String) throws -> [Case] {
        let url = differential.appendingPathComponent(topic + ".expected")
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            try decoder.decode(Case.self, from: Data(line.utf8))
        }
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// Quotes a possibly multi-line text for a failure report.
private func shown(_ text: String, limit: Int = 400) -> String {
    let clipped = text.count > limit ? String(text.prefix(limit)) + "…" : text
    return clipped.debugDescription
}

/// Index of the first line where `a` and `b` differ (one of them may end first).
private func firstDifference(_ a: [String], _ b: [String]) -> Int {
    for index in 0..<min(a.count, b.count) where a[index] != b[index] {
        return index
    }
    return min(a.count, b.count)
}

// MARK: - Cases: (write CASE) against Guile's output

@Suite("Guile differential corpus", .serialized)
struct DifferentialTests {
    static let maxReported = 50

    @Test("(write CASE) prints what Guile 3.0 prints", arguments: GuileFixtures.topics)
    func topic(_ topic: String) throws {
        let cases = try GuileFixtures.cases(topic: topic)
        #expect(!cases.isEmpty, "\(topic).expected has no cases; run generate.sh")
        let interpreter = freshInterpreter()
        var failures: [String] = []
        for (index, testCase) in cases.enumerated() {
            let (output, error) = runScheme(interpreter, "(write \(testCase.source))", name: "\(topic).scm")
            if output == testCase.expected && error == nil { continue }
            var got = shown(output)
            if let error { got += "  [error: \(error)]" }
            failures.append("""
                #\(index + 1): \(testCase.source)
                    expected: \(shown(testCase.expected))
                    got:      \(got)
                """)
        }
        print("differential \(topic): \(cases.count - failures.count)/\(cases.count) cases match Guile")
        if !failures.isEmpty {
            let listed = failures.prefix(Self.maxReported).joined(separator: "\n")
            let more = failures.count > Self.maxReported ? "\n… and \(failures.count - Self.maxReported) more" : ""
            Issue.record("""
                \(topic): \(failures.count) of \(cases.count) cases differ from Guile
                \(listed)\(more)
                """)
        }
    }

    @Test("the committed expectations are what Guile produces now")
    func expectationsMatchGuile() throws {
        guard GuileFixtures.which("guile") != nil else {
            print("SKIP: guile not found; expected outputs not re-verified against Guile")
            return
        }
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent("cairn-guile-\(UUID().uuidString)")
        try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: scratch) }
        let outDir = scratch.appendingPathComponent("fixtures")
        let logURL = scratch.appendingPathComponent("generate.log")
        _ = fileManager.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [GuileFixtures.differential.appendingPathComponent("generate.sh").path, outDir.path]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        process.waitUntilExit()
        try log.close()
        let logText = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        try #require(process.terminationStatus == 0, "generate.sh failed:\n\(logText)")

        var differences: [String] = []
        for (subdirectory, suffix) in [("differential", "expected"), ("programs", "out")] {
            let committedDir = GuileFixtures.root.appendingPathComponent(subdirectory)
            let freshDir = outDir.appendingPathComponent(subdirectory)
            let committed = Set(GuileFixtures.names(in: committedDir, suffix: suffix))
            let fresh = Set(GuileFixtures.names(in: freshDir, suffix: suffix))
            for name in committed.subtracting(fresh).sorted() {
                differences.append("\(subdirectory)/\(name).\(suffix): committed but Guile no longer produces it")
            }
            for name in fresh.subtracting(committed).sorted() {
                differences.append("\(subdirectory)/\(name).\(suffix): missing; run generate.sh and commit it")
            }
            for name in committed.intersection(fresh).sorted() {
                let file = "\(name).\(suffix)"
                let old = try Data(contentsOf: committedDir.appendingPathComponent(file))
                let new = try Data(contentsOf: freshDir.appendingPathComponent(file))
                if old == new { continue }
                let oldLines = String(decoding: old, as: UTF8.self).components(separatedBy: "\n")
                let newLines = String(decoding: new, as: UTF8.self).components(separatedBy: "\n")
                let line = firstDifference(oldLines, newLines)
                let was = line < oldLines.count ? oldLines[line] : "<end of file>"
                let now = line < newLines.count ? newLines[line] : "<end of file>"
                differences.append("""
                    \(subdirectory)/\(file) differs first at line \(line + 1):
                        committed: \(shown(was))
                        guile:     \(shown(now))
                    """)
            }
        }
        if !differences.isEmpty {
            Issue.record("""
                The committed expectations differ from Guile's output (rerun generate.sh and review):
                \(differences.joined(separator: "\n"))
                """)
        }
    }
}

// MARK: - Whole programs: stdout against Guile's

@Suite("Guile differential programs", .serialized)
struct ProgramTests {
    @Test("a program's output equals `guile -s` output", arguments: GuileFixtures.programNames)
    func program(_ name: String) throws {
        let url = GuileFixtures.programs.appendingPathComponent(name + ".scm")
        let source = try String(contentsOf: url, encoding: .utf8)
        let expected = try String(
            contentsOf: GuileFixtures.programs.appendingPathComponent(name + ".out"), encoding: .utf8)
        let (output, error) = runScheme(freshInterpreter(), source, name: url.path)
        #expect(error == nil, "programs/\(name).scm stopped with: \(error ?? "")\noutput so far:\n\(output)")
        if output != expected {
            let outputLines = output.components(separatedBy: "\n")
            let expectedLines = expected.components(separatedBy: "\n")
            let line = firstDifference(outputLines, expectedLines)
            let want = line < expectedLines.count ? expectedLines[line] : "<end of output>"
            let got = line < outputLines.count ? outputLines[line] : "<end of output>"
            Issue.record("""
                programs/\(name).scm: output differs from Guile's first at line \(line + 1)
                    expected: \(shown(want))
                    got:      \(shown(got))
                full expected:
                \(expected)
                full output:
                \(output)
                """)
        }
    }
}
