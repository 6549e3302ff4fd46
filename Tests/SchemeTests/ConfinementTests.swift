import Foundation
import Testing
@testable import Scheme

/// Host-side evaluation under a `Confinement`: reads only under the readable
/// roots (after symlinks and `..`), no writes, no programs, no environment
/// changes; module loading through the load path keeps working; and an
/// unconfined runtime behaves as before.
@Suite(.serialized) struct ConfinementTests {
    /// A scratch tree: `allowed/` (readable; holds `data.txt`, the module
    /// `(confined demo)` under `modules/`, and links out), `outside/` (not).
    final class Tree {
        let root: String
        var allowed: String { root + "/allowed" }
        var outside: String { root + "/outside" }

        init() throws {
            // Resolved, so expected messages match what realpath reports (/tmp may be a link).
            let base = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
            root = base + "/cairn-confinement-\(UUID().uuidString.prefix(8))"
            let files = FileManager.default
            for directory in ["/allowed/modules/confined", "/outside", "/allowed-not"] {
                try files.createDirectory(atPath: root + directory, withIntermediateDirectories: true)
            }
            try write("hello\n", to: "/allowed/data.txt")
            try write("(define loaded-value 42)\n", to: "/allowed/script.scm")
            try write("(define-module (confined demo) #:export (demo-value))\n(define (demo-value) 'demo)\n",
                      to: "/allowed/modules/confined/demo.scm")
            // A macro over a procedure: the call it makes carries the module's positions.
            try write("""
                (define-module (confined reader) #:export (read-it))
                (define (%read-it file) (call-with-input-file file read-line))
                (define-syntax read-it (syntax-rules () ((_ file) (%read-it file))))

                """, to: "/allowed/modules/confined/reader.scm")
            try write("secret\n", to: "/outside/secret.txt")
            try write("(define-module (confined evil) #:export (x))\n(define x 'evil)\n", to: "/outside/evil.scm")
            try write("sibling\n", to: "/allowed-not/data.txt")
            try files.createSymbolicLink(atPath: allowed + "/link", withDestinationPath: outside + "/secret.txt")
            try files.createSymbolicLink(atPath: allowed + "/outdir", withDestinationPath: outside)
            try files.createSymbolicLink(atPath: allowed + "/modules/confined/evil.scm", withDestinationPath: outside + "/evil.scm")
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func write(_ text: String, to relative: String) throws {
            try text.write(toFile: root + relative, atomically: false, encoding: .utf8)
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

        func interpreter(confined: Bool = true) -> Interpreter {
            let interpreter = Interpreter(loadPath: [allowed + "/modules"])
            if confined { interpreter.runtime.confinement = Confinement(readableRoots: [allowed]) }
            return interpreter
        }
    }

    static let prefix = "evaluation is confined: channel and manifest code cannot "

    /// The value written, or "error: MESSAGE".
    func run(_ interpreter: Interpreter, _ text: String) -> String {
        switch interpreter.evaluateOnLargeStack(text, name: "manifest.scm") {
        case .success(let value): return value.written()
        case .failure(let error as SchemeError): return "error: " + error.message
        case .failure(let error): return "error: \(error)"
        }
    }

    func failure(_ interpreter: Interpreter, _ text: String) -> SchemeError? {
        guard case .failure(let error as SchemeError) = interpreter.evaluateOnLargeStack(text, name: "manifest.scm") else { return nil }
        return error
    }

    @Test func readsUnderTheRootsWork() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        #expect(run(interpreter, "(call-with-input-file \"\(tree.allowed)/data.txt\" read-line)") == "\"hello\"")
        #expect(run(interpreter, "(read-line (open-file \"\(tree.allowed)/data.txt\" \"r\"))") == "\"hello\"")
        #expect(run(interpreter, "(with-input-from-file \"\(tree.allowed)/data.txt\" read-line)") == "\"hello\"")
        #expect(run(interpreter, "(list (file-exists? \"\(tree.allowed)/missing\") (file-is-directory? \"\(tree.allowed)/modules\"))") == "(#f #t)")
        #expect(run(interpreter, "(list (file-exists? \"\(tree.allowed)\") (file-exists? \"\(tree.allowed)/modules/../data.txt\"))") == "(#t #t)")
        // Relative names are taken from the working directory, as the kernel
        // does (reached with `..` from wherever the tests run, left unchanged).
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path
        let up = String(repeating: "../", count: cwd.split(separator: "/").count)
        let relative = up + tree.root.dropFirst()
        #expect(run(interpreter, "(call-with-input-file \"\(relative)/allowed/data.txt\" read-line)") == "\"hello\"")
        #expect(run(interpreter, "(file-exists? \"\(relative)/outside/secret.txt\")")
            == "error: " + Self.prefix + "read \(relative)/outside/secret.txt (it resolves to \(tree.outside)/secret.txt)")
    }

    @Test func readsOutsideTheRootsAreRefused() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        let secret = tree.outside + "/secret.txt"
        let error = try #require(failure(interpreter, "(define x 1)\n(call-with-input-file \"\(secret)\" read-line)"))
        #expect(error.message == Self.prefix + "read \(secret)")
        #expect(error.hint?.contains("copy the file next to the manifest") == true)
        #expect(error.hint?.contains(tree.allowed) == true)
        // The report points at the call in the manifest.
        let report = ErrorReport.render(error, prefix: "cairn: error: ")
        #expect(report.hasPrefix("cairn: error: manifest.scm:2:1: " + Self.prefix + "read \(secret)\n"), "\(report)")
        #expect(report.contains("\nhint: only files under"))
        for call in ["(open-input-file \"/etc/shadow\")", "(file-exists? \"/etc/shadow\")", "(open-file \"/etc/shadow\" \"r\")",
                     "(with-input-from-file \"/etc/shadow\" read-line)", "(file-is-directory? \"/etc\")"] {
            #expect(run(interpreter, call).hasPrefix("error: " + Self.prefix + "read /etc"), "\(call)")
        }
        // A root is a directory, not a string prefix: allowed-not/ is outside allowed/.
        #expect(run(interpreter, "(file-exists? \"\(tree.root)/allowed-not/data.txt\")")
            == "error: " + Self.prefix + "read \(tree.root)/allowed-not/data.txt")
        // Caught like any error, and the program goes on.
        #expect(run(interpreter, "(guard (e (#t 'refused)) (open-input-file \"\(secret)\"))") == "refused")
    }

    @Test func refusalsNameTheLineOfTheFileBeingEvaluated() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        let secret = tree.outside + "/secret.txt"
        // A call in the manifest itself: its exact position.
        let direct = try #require(failure(interpreter, "(define x\n  (list (open-input-file \"\(secret)\")))"))
        #expect(direct.location?.description == "manifest.scm:2:9")
        // A refusal inside a module's code, reached through its macro: the
        // manifest's line, with the module's call in the backtrace.
        let nested = try #require(failure(interpreter, "(use-modules (confined reader))\n(read-it \"\(secret)\")"))
        #expect(nested.location?.description == "manifest.scm:2:1")
        let report = ErrorReport.render(nested, prefix: "cairn: error: ")
        #expect(report.hasPrefix("cairn: error: manifest.scm:2:1: " + Self.prefix + "read \(secret)\n 2 | (read-it"), "\(report)")
        #expect(report.contains("backtrace (innermost first):\n  \(tree.allowed)/modules/confined/reader.scm:2:"), "\(report)")
    }

    @Test func dotDotAndSymlinkEscapesAreRefused() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        let secret = tree.outside + "/secret.txt"
        let cases = [
            "\(tree.allowed)/../outside/secret.txt",
            "\(tree.allowed)/modules/../../outside/secret.txt",
            "\(tree.allowed)/link",
            "\(tree.allowed)/outdir/secret.txt",
            "\(tree.allowed)/outdir/../outside/secret.txt",
        ]
        for path in cases {
            #expect(run(interpreter, "(open-input-file \"\(path)\")") == "error: " + Self.prefix + "read \(path) (it resolves to \(secret))", "\(path)")
        }
        // Through a directory not there yet: `..` is applied to what exists.
        let missing = "\(tree.allowed)/missing/../../outside/secret.txt"
        #expect(run(interpreter, "(file-exists? \"\(missing)\")").hasPrefix("error: " + Self.prefix + "read \(missing)"))
        #expect(run(interpreter, "(file-exists? \"\(tree.allowed)/outdir\")").hasPrefix("error: " + Self.prefix + "read"))
    }

    @Test func programsCannotRun() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        let target = tree.root + "/touched"
        #expect(run(interpreter, "(system* \"touch\" \"\(target)\")") == "error: " + Self.prefix + "run programs (system* \"touch\" \"\(target)\")")
        #expect(run(interpreter, "(system \"touch \(target)\")") == "error: " + Self.prefix + "run programs (system \"touch \(target)\")")
        for call in ["(open-pipe* \"r\" \"touch\" \"\(target)\")", "(open-input-pipe \"touch \(target)\")",
                     "(open-output-pipe \"cat\")", "(open-pipe \"touch \(target)\" \"r\")", "(primitive-fork)"] {
            #expect(run(interpreter, call).hasPrefix("error: " + Self.prefix + "run programs ("), "\(call)")
        }
        let error = try #require(failure(interpreter, "(system* \"true\")"))
        #expect(error.hint?.contains("gexp") == true)
        #expect(!tree.exists(target))
    }

    @Test func nothingIsWritten() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        let data = tree.allowed + "/data.txt"
        let created = tree.allowed + "/created"
        let writes = [
            ("(open-output-file \"\(created)\")", created),
            ("(call-with-output-file \"\(created)\" (lambda (p) (display \"x\" p)))", created),
            ("(with-output-to-file \"\(created)\" (lambda () (display \"x\")))", created),
            ("(with-error-to-file \"\(created)\" (lambda () (display \"x\")))", created),
            ("(open-file \"\(data)\" \"w\")", data),
            ("(open-file \"\(data)\" \"a\")", data),
            ("(delete-file \"\(data)\")", data),
            ("(mkdir \"\(created)\")", created),
            ("(rename-file \"\(data)\" \"\(created)\")", created),
            ("(symlink \"\(data)\" \"\(created)\")", created),
            ("(chmod \"\(data)\" #o777)", data),
        ]
        for (call, path) in writes {
            #expect(run(interpreter, call) == "error: " + Self.prefix + "write \(path)", "\(call)")
        }
        #expect(!tree.exists(created))
        #expect(try String(contentsOfFile: data, encoding: .utf8) == "hello\n")
        // Writing to strings and to the current output port stays allowed.
        #expect(run(interpreter, "(with-output-to-string (lambda () (display \"x\") (write 'y)))") == "\"xy\"")
        let (output, error) = interpreter.runCapturingOutput("(display \"shown\") (newline)")
        #expect(error == nil && output == "shown\n")
    }

    @Test func theEnvironmentCannotChange() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        #expect(run(interpreter, "(setenv \"CAIRN_CONFINEMENT_TEST\" \"1\")")
            == "error: " + Self.prefix + "change the environment (setenv \"CAIRN_CONFINEMENT_TEST\" \"1\")")
        #expect(run(interpreter, "(unsetenv \"PATH\")").hasPrefix("error: " + Self.prefix + "change the environment"))
        #expect(run(interpreter, "(environ '())").hasPrefix("error: " + Self.prefix + "change the environment"))
        #expect(ProcessInfo.processInfo.environment["CAIRN_CONFINEMENT_TEST"] == nil)
        #expect(ProcessInfo.processInfo.environment["PATH"] != nil)
        // Reading it is not changing it.
        #expect(run(interpreter, "(string? (getenv \"PATH\"))") == "#t")
    }

    @Test func modulesLoadThroughTheLoadPath() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        #expect(run(interpreter, "(use-modules (confined demo)) (demo-value)") == "demo")
        #expect(run(interpreter, "(load \"\(tree.allowed)/script.scm\") loaded-value") == "42")
        // A module file that links out of the load path is a read like any other.
        #expect(run(interpreter, "(use-modules (confined evil))")
            == "error: " + Self.prefix + "read \(tree.allowed)/modules/confined/evil.scm (it resolves to \(tree.outside)/evil.scm)")
        #expect(run(interpreter, "(load \"\(tree.outside)/evil.scm\")") == "error: " + Self.prefix + "read \(tree.outside)/evil.scm")
        #expect(run(interpreter, "(primitive-load \"\(tree.outside)/evil.scm\")") == "error: " + Self.prefix + "read \(tree.outside)/evil.scm")
        #expect(run(interpreter, "(add-to-load-path \"\(tree.outside)\")") == "error: " + Self.prefix + "read \(tree.outside)")
        #expect(interpreter.runtime.modules.loadPath == [tree.allowed + "/modules"])
        #expect(run(interpreter, "(add-to-load-path \"\(tree.allowed)\")") == "#<unspecified>")
        #expect(interpreter.runtime.modules.loadPath == [tree.allowed, tree.allowed + "/modules"])
    }

    @Test func unconfinedRuntimesBehaveAsBefore() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter(confined: false)
        let created = tree.allowed + "/created"
        #expect(run(interpreter, "(call-with-input-file \"\(tree.outside)/secret.txt\" read-line)") == "\"secret\"")
        #expect(run(interpreter, "(call-with-input-file \"\(tree.allowed)/link\" read-line)") == "\"secret\"")
        #expect(run(interpreter, "(call-with-output-file \"\(created)\" (lambda (p) (display \"x\" p)))") == "#<unspecified>")
        #expect(tree.exists(created))
        #expect(run(interpreter, "(delete-file \"\(created)\")") == "#<unspecified>")
        #expect(!tree.exists(created))
        #expect(run(interpreter, "(use-modules (confined evil)) x") == "evil")
        #expect(run(interpreter, "(system* \"true\")").hasPrefix("error: unbound variable: system*"))
        #expect(run(interpreter, "(mkdir \"\(created)\")").hasPrefix("error: unbound variable: mkdir"))
        #expect(run(interpreter, "(setenv \"CAIRN_CONFINEMENT_TEST\" \"1\") (getenv \"CAIRN_CONFINEMENT_TEST\")") == "\"1\"")
        unsetenv("CAIRN_CONFINEMENT_TEST")
    }

    @Test func liftingConfinementRestoresAccess() throws {
        let tree = try Tree()
        let interpreter = tree.interpreter()
        let secret = tree.outside + "/secret.txt"
        #expect(run(interpreter, "(call-with-input-file \"\(secret)\" read-line)").hasPrefix("error: " + Self.prefix))
        interpreter.runtime.confinement = nil
        #expect(run(interpreter, "(call-with-input-file \"\(secret)\" read-line)") == "\"secret\"")
        // The stand-ins stay, but say what an unconfined host side would.
        #expect(run(interpreter, "(system* \"true\")").hasPrefix("error: unbound variable: system*"))
        interpreter.runtime.confinement = Confinement(readableRoots: [tree.outside])
        #expect(run(interpreter, "(call-with-input-file \"\(secret)\" read-line)") == "\"secret\"")
        #expect(run(interpreter, "(call-with-input-file \"\(tree.allowed)/data.txt\" read-line)").hasPrefix("error: " + Self.prefix))
    }
}
