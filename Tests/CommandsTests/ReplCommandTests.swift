import Foundation
import Testing

/// `cairn repl`: scripts, -c, the interactive loop, exit codes and errors, run
/// as the real binary.
@Suite struct ReplCommandTests {
    func script(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-repl-\(UUID().uuidString).scm")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func expressionsPrintOnlyWhatTheyPrint() throws {
        let result = try TestTools.run(TestTools.cairn, ["repl", "-c", "(define x 42) (display (* x 2)) (newline) x"])
        #expect(result.status == 0)
        #expect(result.output == "84\n")
    }

    @Test func scriptsReceiveTheirArguments() throws {
        let file = try script("(write (command-line)) (newline)")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try TestTools.run(TestTools.cairn, ["repl", file.path, "a", "--b"])
        #expect(result.status == 0)
        #expect(result.output == "(\"\(file.path)\" \"a\" \"--b\")\n")
    }

    @Test func helpIsHelpNotAScript() throws {
        let result = try TestTools.run(TestTools.cairn, ["repl", "--help"])
        #expect(result.status == 0 && result.output.hasPrefix("OVERVIEW: Evaluate Scheme"), "\(result.output)\(result.stderr)")
        // After a script's name, --help is the script's argument.
        let file = try script("(write (cdr (command-line)))")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try TestTools.run(TestTools.cairn, ["repl", file.path, "--help"]).output == "(\"--help\")")
    }

    @Test func exitCodesAndErrors() throws {
        #expect(try TestTools.run(TestTools.cairn, ["repl", "-c", "(exit 7)"]).status == 7)
        let failed = try TestTools.run(TestTools.cairn, ["repl", "-c", "(display \"before\") (car '())"])
        #expect(failed.status == 1)
        #expect(failed.output == "before")
        #expect(failed.stderr.hasPrefix("cairn: error: <command-line>:1:20: in procedure car: wrong type argument in position 1 (expecting pair): ()\n"))
    }

    @Test func interactiveSessionSurvivesErrors() throws {
        let input = "(define (sq x)\n  (* x x))\n(sq 4)\n(undefined-thing)\n(+ (sq 2) 1)\n,q\n(display \"not reached\")\n"
        let result = try TestTools.run(TestTools.cairn, ["repl"], stdinData: Data(input.utf8))
        #expect(result.status == 0)
        #expect(result.output == "$1 = 16\n$2 = 5\n")
        #expect(result.stderr.contains("unbound variable: undefined-thing"))
    }

    @Test func loadPathFromOptionAndEnvironment() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-lp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("my"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "(define-module (my tools) #:export (hello))\n(define (hello) \"hi from my tools\")\n"
            .write(to: directory.appendingPathComponent("my/tools.scm"), atomically: true, encoding: .utf8)
        let program = "(use-modules (my tools)) (display (hello))"
        let viaOption = try TestTools.run(TestTools.cairn, ["repl", "-L", directory.path, "-c", program])
        #expect(viaOption.output == "hi from my tools")
        let viaEnvironment = try TestTools.run(TestTools.cairn, ["repl", "-c", program], environment: ["CAIRN_LOAD_PATH": directory.path])
        #expect(viaEnvironment.output == "hi from my tools")
        let missing = try TestTools.run(TestTools.cairn, ["repl", "-c", program])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no code for module (my tools)"))
    }
}
