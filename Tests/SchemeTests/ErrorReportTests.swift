import Foundation
import Testing
@testable import Scheme

/// Golden tests for error reports: each `Fixtures/errors/NAME.scm` fails, and
/// `NAME.err` is the exact report (position, source line, hint, backtrace).
@Suite struct ErrorReportTests {
    static var directory: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("errors")
    }

    static var cases: [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".scm") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func report(for name: String) throws -> String {
        let directory = try #require(ErrorReportTests.directory)
        let source = try String(contentsOf: directory.appendingPathComponent(name + ".scm"), encoding: .utf8)
        let interpreter = Interpreter(loadPath: ["/nonexistent/load/path"])
        guard case .failure(let error as SchemeError) = interpreter.evaluateOnLargeStack(source, name: name + ".scm") else {
            Issue.record("\(name).scm did not fail")
            return ""
        }
        // The depth at which the stack overflows depends on the build; the
        // count of repeated frames is left out of the comparison.
        return ErrorReport.render(error).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("more frames of the same calls") }.joined(separator: "\n")
    }

    @Test(arguments: ErrorReportTests.cases)
    func reportMatchesGolden(_ name: String) throws {
        let directory = try #require(ErrorReportTests.directory)
        let expected = try String(contentsOf: directory.appendingPathComponent(name + ".err"), encoding: .utf8)
        let actual = try ErrorReportTests.report(for: name)
        #expect(actual == expected, "report for \(name).scm:\n\(actual)")
    }

    @Test func everyCaseHasAGoldenFile() {
        #expect(ErrorReportTests.cases.count >= 10)
    }
}
