import Foundation
import Testing

/// The channel's package, origin and build-system records, evaluated in
/// process (no builds): Guix's field semantics, input styles, modify-inputs,
/// this-package-input, and the derivations packages lower to.
@Suite(.serialized)
struct PackageRecordTests {
    static let prelude = """
        (use-modules (guix packages) (guix gexp) (guix download) (guix derivations) (guix build-system trivial)
                     (guix build-system gnu) ((guix licenses) #:prefix license:))
        (define* (pkg name #:key (inputs '()) (propagated '()) (version "1.0"))
          (package (name name) (version version) (source #f) (build-system trivial-build-system)
                   (arguments (list #:builder #~(mkdir #$output)))
                   (inputs inputs) (propagated-inputs propagated)
                   (home-page "https://example.org") (synopsis "s") (description "d") (license license:expat)))
        (define a (pkg "a"))
        (define b (pkg "b" #:propagated (list a)))

        """

    @Test func fieldsSeeEarlierFieldsAndInheritOverrides() throws {
        let t = try EvaluationFixture("fields")
        #expect(t.run(Self.prelude + """
            (define p (package (inherit a) (version "2.5") (name (string-append "x-" version))))
            (list (package-name p) (package-version p) (package-name a) (package-full-name p) (package-full-name p "-"))
            """) == #"("x-2.5" "2.5" "a" "x-2.5@2.5" "x-2.5-2.5")"#)
    }

    @Test func inputStylesAreLabelledAndModifiable() throws {
        let t = try EvaluationFixture("inputs")
        #expect(t.run(Self.prelude + """
            (define c (pkg "c" #:inputs (list a (list b "out") `("old-style" ,a))))
            (map car (package-inputs c))
            """) == #"("a" "b" "old-style")"#)
        #expect(t.run(Self.prelude + """
            (define c (pkg "c" #:inputs (list a b)))
            (define d (package (inherit c)
                        (inputs (modify-inputs (package-inputs c) (delete "a") (prepend (pkg "z")) (append (pkg "y"))))))
            (map car (package-inputs d))
            """) == #"("z" "b" "y")"#)
        #expect(t.run(Self.prelude + """
            (define c (pkg "c" #:inputs (list a b)))
            (package-name (lookup-package-input (package (inherit c) (inputs (modify-inputs (package-inputs c) (replace "a" (pkg "a2"))))) "a"))
            """) == #""a2""#)
        #expect(t.run(Self.prelude + "(modify-inputs (package-inputs a) (replace \"nope\" b))")
            == #"error: modify-inputs: no input named "nope" to replace"#)
    }

    @Test func thisPackageInputAndTransitivePropagation() throws {
        let t = try EvaluationFixture("this")
        #expect(t.run(Self.prelude + """
            (define c (package (inherit (pkg "c" #:inputs (list b)))
                        (arguments (list #:note (package-name (this-package-input "b"))))))
            (list (package-arguments c) (map car (package-transitive-inputs c)))
            """) == #"((#:note "b") ("b" "a"))"#)
    }

    @Test func inputsWithOutputsAreLabelledByPackageName() throws {
        let t = try EvaluationFixture("labels")
        #expect(t.run(Self.prelude + """
            (define c (pkg "c" #:inputs (list (list a "lib") b)))
            (define d (package (inherit c) (inputs (modify-inputs (package-inputs c) (replace "b" (list a "doc"))))))
            (list (map car (package-inputs c)) (package-name (lookup-package-input c "a")) (package-inputs d))
            """).hasPrefix(#"(("a" "b") "a" (("a" #<package"#))
    }

    @Test func propagatedInputsOfInputsReachTheBuild() throws {
        let t = try EvaluationFixture("propagated")
        // c's input b propagates a: a's derivation is an input of c's.
        #expect(t.run(Self.prelude + """
            (define c (pkg "c" #:inputs (list b)))
            (define text (call-with-input-file (derivation-file-name (package->derivation c)) read-string))
            (list (map car (package-transitive-inputs c))
                  (and (string-contains text (derivation-file-name (package->derivation a))) #t))
            """) == #"(("b" "a") #t)"#)
    }

    @Test func recordFieldsBindTheNamesAsWritten() throws {
        let t = try EvaluationFixture("hygiene")
        // A macro's own `name` does not capture the user's variable `name`.
        #expect(t.run(Self.prelude + """
            (define name "bar")
            (define-syntax-rule (named-like x) (package (inherit a) (name "foo") (synopsis x)))
            (package-synopsis (named-like (string-append name "-1")))
            """) == #""bar-1""#)
    }

    @Test func substituteKeywordArgumentsRewritesValues() throws {
        let t = try EvaluationFixture("keywords")
        #expect(t.run(Self.prelude + """
            (substitute-keyword-arguments '(#:tests? #t #:make-flags ("A=1"))
              ((#:make-flags flags) (cons "B=2" flags))
              ((#:tests? _) #f))
            """) == #"(#:tests? #f #:make-flags ("B=2" "A=1"))"#)
        // As in Guix: an absent keyword stays absent unless given a default.
        #expect(t.run(Self.prelude + """
            (list (substitute-keyword-arguments '(#:tests? #t) ((#:configure-flags flags) (cons "--x" flags)))
                  (substitute-keyword-arguments '(#:tests? #t) ((#:configure-flags flags '()) (cons "--x" flags))))
            """) == #"((#:tests? #t) (#:tests? #t #:configure-flags ("--x")))"#)
    }

    @Test func packagesLowerToDerivationsOnceAndGexpsSeeTheirOutputs() throws {
        let t = try EvaluationFixture("lower")
        let result = t.run(Self.prelude + """
            (define c (pkg "c" #:inputs (list b)))
            (define drv (package->derivation c))
            (list (eq? drv (package->derivation c))
                  (derivation-name drv)
                  (string=? (derivation->output-path drv) (car (lower-gexp #~#$c)))
                  (map derivation-name (map car (cadr (lower-gexp #~(list #$c #$a))))))
            """)
        #expect(result == #"(#t "c-1.0" #t ("c-1.0" "a-1.0"))"#, "\(result)")
    }

    @Test func originsLowerToFixedOutputDownloads() throws {
        let t = try EvaluationFixture("origin")
        let result = t.run(Self.prelude + """
            (define o (origin (method url-fetch)
                              (uri (list "mirror://gnu/hello/hello-2.10.tar.gz" "https://example.org/hello-2.10.tar.gz"))
                              (sha256 (base32 "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i"))))
            (define drv (origin->derivation o))
            (list (origin-actual-file-name o) (derivation-name drv)
                  (string-suffix? "-hello-2.10.tar.gz" (derivation->output-path drv)))
            """)
        #expect(result == #"("hello-2.10.tar.gz" "hello-2.10.tar.gz" #t)"#, "\(result)")
        #expect(t.run(Self.prelude + "(origin->derivation (origin (method url-fetch) (uri \"https://example.org/x.tar.gz\")))")
            .hasPrefix("error: origin x.tar.gz: no sha256"))
    }

    @Test func badInputsNameThePackageAndField() throws {
        let t = try EvaluationFixture("bad-input")
        #expect(t.run(Self.prelude + "(package->derivation (pkg \"c\" #:inputs (list 42)))")
            == "error: package c@1.0: field inputs: 42 is not a package, origin or file")
        #expect(t.run(Self.prelude + "(package (name \"x\") (versoin \"1\"))").hasPrefix("error: package has no field versoin"))
    }

    @Test func theChannelsPackagesLowerWithoutBuilding() throws {
        let t = try EvaluationFixture("channel")
        let result = t.run("""
            (use-modules (gnu packages base) (gnu packages compression) (guix packages) (guix derivations))
            (list (derivation-name (package->derivation hello))
                  (derivation-output-names (package->derivation zlib))
                  (map car (package-inputs (@ (gnu packages bootstrap) gcc-toolchain))))
            """)
        #expect(result == #"("hello-2.10" ("out" "static") ("glibc"))"#, "\(result)")
    }
}
