import Basics
import Foundation
import Testing

/// `cairn build -e/-f/-d`: derivations made by Scheme through
/// `(cairn core store)`, evaluated by the built binary and built in the sandbox.
@Suite(.serialized)
struct BuildSchemeTests {
    static func program(shell: String) -> String {
        """
        (use-modules (cairn core store))
        (define shell "\(shell)")
        (define greeting (add-text-to-store "greeting" "hello from scheme"))
        (derivation "greet" "/bin/sh" (list "-c" (string-append "read x < " greeting "; echo \\"$x\\" > $out"))
                    #:inputs (list shell greeting)
                    #:env-vars `(("__cairnFHSRoot" . ,shell) ("PATH" . "/bin")))
        """
    }

    @Test("-f builds what a file evaluates to; -d prints the same derivation each time and builds nothing")
    func buildFromFile() throws {
        let t = try BuildStore("scheme-file")
        let file = t.root + "/greet.scm"
        try Self.program(shell: t.absolute(t.shell)).write(toFile: file, atomically: true, encoding: .utf8)
        let drv1 = try t.cairn(["build", "-d", "-f", file])
        let drv2 = try t.cairn(["build", "--derivations", "--file", file])
        #expect(drv1.status == 0, "\(drv1.stderr)")
        #expect(drv1.lines.count == 1 && drv1.lines == drv2.lines)
        let drvPath = try #require(drv1.lines.first)
        #expect(drvPath.hasSuffix("-greet.drv") && FileManager.default.fileExists(atPath: drvPath))
        let derivation = try t.store.readDerivation(at: try t.storeDirectory.parse(drvPath))
        let out = try #require(derivation.outputs["out"]?.path).absolute(in: t.storeDirectory)
        #expect(!FileManager.default.fileExists(atPath: out))
        let built = try t.cairn(["build", "-f", file])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.lines == [out])
        #expect(t.read(out) == "hello from scheme\n")
        // -e gives the same derivation as the file's last form.
        let expression = try t.cairn(["build", "-d", "-e", Self.program(shell: t.absolute(t.shell))])
        #expect(expression.lines == drv1.lines)
    }

    @Test("Scheme errors are reported with file:line:column and change nothing")
    func errors() throws {
        let t = try BuildStore("scheme-errors")
        let file = t.root + "/bad.scm"
        try "(use-modules (cairn core store))\n(derivation \"x\" \"/bin/sh\" '() #:inputs (list 5))\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try t.cairn(["build", "-f", file])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("cairn: error: \(file):2:1: derivation x: cannot use 5 as an input"), "\(result.stderr)")
        #expect(result.stderr.contains("hint: "))
        let notBuildable = try t.cairn(["build", "-e", "(+ 1 2)"])
        #expect(notBuildable.status == 1)
        #expect(notBuildable.stderr.hasPrefix("cairn: error: the expression evaluates to 3, which is not something to build"))
        let usage = try t.cairn(["build"])
        #expect(usage.status == 2 && usage.stderr.contains("missing PACKAGE or FILE.drv argument, -e EXPR or -f FILE"))
        let entries = try FileManager.default.contentsOfDirectory(atPath: t.root + "/store").filter { !$0.hasPrefix(".") }
        #expect(entries.count == 1, "only the shell tree: \(entries)")
    }

    @Test("builtin:scheme runs a script in the sandbox with the runner; modules shipped with add-modules-to-store load; a failing script fails the build")
    func buildSideRunner() throws {
        let t = try BuildStore("scheme-runner")
        let modules = t.root + "/modules"
        try FileManager.default.createDirectory(atPath: modules + "/demo", withIntermediateDirectories: true)
        try """
        (define-module (demo helper) #:use-module (demo words) #:export (greeting))
        (define (greeting) (string-append (word) " from the runner"))
        """.write(toFile: modules + "/demo/helper.scm", atomically: true, encoding: .utf8)
        try "(define-module (demo words) #:export (word))\n(define (word) \"built\")\n"
            .write(toFile: modules + "/demo/words.scm", atomically: true, encoding: .utf8)
        func program(_ body: String) -> String {
            """
            (use-modules (cairn core store))
            (define mods (add-modules-to-store "demo-modules" '((demo helper))))
            (define script (add-text-to-store "build.scm" "\(body)"))
            (derivation "runner-test" "builtin:scheme" (list "-L" mods script) #:inputs (list mods script))
            """
        }
        let good = program(#"(use-modules (demo helper)) (call-with-output-file (getenv \"out\") (lambda (port) (display (greeting) port) (display (getcwd) port)))"#)
        let built = try t.cairn(["build", "-L", modules, "-e", good])
        #expect(built.status == 0, "\(built.stderr)")
        let out = try #require(built.lines.last)
        #expect(t.read(out) == "built from the runner/tmp/cairn-build-runner-test-0")
        // The module closure: both files, under their module paths.
        let drv = try #require(try t.cairn(["build", "-d", "-L", modules, "-e", good]).lines.first)
        let derivation = try t.store.readDerivation(at: try t.storeDirectory.parse(drv))
        let shipped = try #require(derivation.inputSources.map { $0.absolute(in: t.storeDirectory) }.first { $0.hasSuffix("-demo-modules") })
        #expect(FileManager.default.fileExists(atPath: shipped + "/demo/helper.scm") && FileManager.default.fileExists(atPath: shipped + "/demo/words.scm"))

        let failing = try t.cairn(["build", "-L", modules, "-e", program(#"(display \"about to fail\") (newline) (error \"the build went wrong\")"#)])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("about to fail") && failing.stderr.contains("the build went wrong"), "\(failing.stderr)")
        let exited = try t.cairn(["build", "-L", modules, "-e", program("(exit 3)")])
        #expect(exited.status == 1 && exited.stderr.contains("3"), "\(exited.stderr)")
        let missing = try t.cairn(["build", "-e", program("#t")])
        #expect(missing.status == 1 && missing.stderr.contains("no module (demo helper)"), "\(missing.stderr)")
    }

    @Test("(current-source-directory) is the directory of the file being loaded")
    func currentSourceDirectory() throws {
        let t = try BuildStore("scheme-srcdir")
        let file = t.root + "/sub/where.scm"
        try FileManager.default.createDirectory(atPath: t.root + "/sub", withIntermediateDirectories: true)
        try "(use-modules (cairn core store))\n(add-text-to-store \"where\" (current-source-directory))\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try t.cairn(["build", "-f", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(t.read(try #require(result.lines.first)) == t.root + "/sub")
    }
}
