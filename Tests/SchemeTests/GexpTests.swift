import Testing
@testable import Scheme

/// The gexp core: `#~` templates with `#$`, `#$@`, `#+` and `#$output`
/// lowered to code with file names, record types lowering through
/// registered compilers, inputs collected once, and the errors.
@Suite struct GexpTests {
    static let prelude = """
        (use-modules (cairn core gexp) (guix records))
        (define-record-type* <plain> plain make-plain plain? (name plain-name))
        (register-gexp-compiler! <plain> (lambda (p) (string-append "/cairn/store/aaaa-" (plain-name p))))
        (define-record-type* <append> file-append make-append append? (base append-base) (suffix append-suffix))
        (register-gexp-compiler! <append> append-base (lambda (a base output) (string-append base (append-suffix a))))

        """

    @Test func holesAreFilledWithValuesAndFileNames() {
        #expect(evaluate(Self.prelude + """
            (define x 42)
            (define f (plain (name "f")))
            (lower-gexp #~(begin (mkdir #$output) (display #$x) (list #$@(list 1 "two")) #$f '#(#$x)))
            """) == #"((begin (mkdir (getenv "out")) (display 42) (list 1 "two") "/cairn/store/aaaa-f" (quote #(42))) () ("/cairn/store/aaaa-f") ("out"))"#)
    }

    @Test func expandersAndNestedGexps() {
        #expect(evaluate(Self.prelude + """
            (define sh (file-append (base (plain (name "bash"))) (suffix "/bin/sh")))
            (lower-gexp #~(system* #$sh #+(plain (name "bash")) #~(inner (ungexp output "lib"))))
            """) == #"((system* "/cairn/store/aaaa-bash/bin/sh" "/cairn/store/aaaa-bash" (inner (getenv "lib"))) () ("/cairn/store/aaaa-bash") ("lib"))"#)
    }

    @Test func referencesAreTakenWhenTheGexpIsMade() {
        #expect(evaluate(Self.prelude + """
            (define x 1)
            (define g #~(x is #$x))
            (set! x 2)
            (car (lower-gexp g))
            """) == "(x is 1)")
        // A local variable named output is an ordinary value.
        #expect(evaluate(Self.prelude + "(let ((output \"o\")) (car (lower-gexp #~(#$output))))") == #"("o")"#)
    }

    @Test func importedModulesAndExtensionsAreRecorded() {
        #expect(evaluate(Self.prelude + """
            (define g (with-imported-modules '((cairn build utils)) #~(begin #t)))
            (list (gexp-modules g) (gexp-modules #~(x)) (gexp? g) (gexp? 1))
            """) == "(((cairn build utils)) () #t #f)")
    }

    @Test func errors() {
        #expect(evaluate(Self.prelude + "(lower-gexp #~(#$car))") == "error: cannot use #<procedure car> in a gexp: it has no file name")
        #expect(evaluate(Self.prelude + "(lower-gexp #~(#$@5))") == "error: #$@ needs a list, got 5")
        #expect(evaluate(Self.prelude + "#$x") == "error: ungexp (#$) used outside of a gexp")
        #expect(evaluate(Self.prelude + "(define x 1) #~((ungexp x 5))") == "error: in procedure ungexp: wrong type argument in position 2 (expecting output name (a string such as \"lib\")): 5")
    }
}

extension GexpTests {
    @Test func outputShorthand() {
        // #$output:doc and #$x:lib, unless the whole name is bound.
        #expect(evaluate(Self.prelude + """
            (define x (plain (name "x")))
            (define y:z "bound")
            (car (lower-gexp #~(#$output:doc #$y:z)))
            """) == #"((getenv "doc") "bound")"#)
    }
}
