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
        #expect(usage.status == 2 && usage.stderr.contains("missing FILE.drv argument, -e EXPR or -f FILE"))
        let entries = try FileManager.default.contentsOfDirectory(atPath: t.root + "/store").filter { !$0.hasPrefix(".") }
        #expect(entries.count == 1, "only the shell tree: \(entries)")
    }
}
