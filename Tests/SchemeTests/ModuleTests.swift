import Foundation
import Testing
@testable import Scheme

@Suite struct ModuleTests {
    static var fixtures: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("modules").path ?? "Fixtures/modules"
    }

    func run(_ text: String) -> String {
        evaluate(text, interpreter: Interpreter(loadPath: [ModuleTests.fixtures]))
    }

    @Test func importsExportsAndSelections() {
        #expect(run("(use-modules (demo user)) (run)") == "(\"hello, world\" 9 8 loaded-on-demand)")
        #expect(run("(use-modules (demo base)) (list (greet \"x\") (cube 3) (first-of '(1 2)))") == "(\"hello, x\" 27 1)")
        #expect(run("(use-modules ((demo base) #:renamer (symbol-prefix-proc 'b/))) (b/square 5)") == "25")
        #expect(run("(list ((@ (demo base) square) 4) ((@@ (demo base) secret)))") == "(16 hidden)")
    }

    @Test func modulesLoadOnce() {
        #expect(run("(use-modules (demo base)) (use-modules (demo user)) (use-modules (demo base)) (counter)") == "1")
    }

    @Test func privateNamesStayPrivate() {
        #expect(run("(use-modules (demo base)) (secret)").hasPrefix("error: unbound variable: secret"))
        #expect(run("(@ (demo base) secret)") == "error: module (demo base) does not export secret")
    }

    @Test func macrosResolveInTheirModule() {
        #expect(run("(use-modules (demo macros)) (define (negate-value x) 'captured) (my-unless #f 'ran)") == "ran")
        #expect(run("(use-modules (demo macros)) (define tmp 1) (define other 2) (swap! tmp other) (list tmp other)") == "(2 1)")
    }

    @Test func cyclesAndMissingModulesAreExplained() {
        let interpreter = Interpreter(loadPath: [ModuleTests.fixtures])
        if case .failure(let error as SchemeError) = interpreter.evaluateOnLargeStack("(use-modules (cycle a))") {
            #expect(error.message == "module import cycle: (cycle a) -> (cycle b) -> (cycle a)")
        } else {
            Issue.record("expected a cycle error")
        }
        if case .failure(let error as SchemeError) = interpreter.evaluateOnLargeStack("(use-modules (no such))") {
            #expect(error.message == "no code for module (no such)")
            #expect(error.hint?.contains("searched \(ModuleTests.fixtures)") == true)
            #expect(error.hint?.contains("-L DIR") == true)
        } else {
            Issue.record("expected an unknown-module error")
        }
    }
}
