import Testing
@testable import Scheme

/// Guix's `define-record-type*` from `(guix records)`: defaults, inherit,
/// thunked, delayed and innate fields, sanitizers, `this-record`, and the
/// syntax errors for unknown, repeated and missing fields.
@Suite struct RecordStarTests {
    static let thing = """
        (use-modules (guix records))
        (define-record-type* <thing> thing make-thing thing? this-thing
          (name thing-name)
          (size thing-size (default 1) (sanitize (lambda (x) (* 10 x))))
          (parts thing-parts (default (list (thing-name this-thing))) (thunked))
          (count thing-count (default (begin (set! forced (+ forced 1)) forced)) (delayed))
          (location thing-location (default (current-source-location)) (innate)))
        (define forced 0)

        """

    @Test func defaultsSanitizersAndInheritance() {
        #expect(evaluate(Self.thing + """
            (define a (thing (name "a") (size 2)))
            (define b (thing (inherit a) (name "b")))
            (list (thing-name a) (thing-size a) (thing-size b) (thing-name b) (thing? a) (thing? 1))
            """) == #"("a" 20 20 "b" #t #f)"#)
        // A default is sanitized too; an inherited value is not sanitized again.
        #expect(evaluate(Self.thing + "(thing-size (thing (name \"x\")))") == "10")
    }

    @Test func thunkedFieldsSeeTheRecordTheyBelongTo() {
        // An inherited thunk runs again with the new record.
        #expect(evaluate(Self.thing + """
            (define a (thing (name "a")))
            (define b (thing (inherit a) (name "b")))
            (list (thing-parts a) (thing-parts b))
            """) == #"(("a") ("b"))"#)
        #expect(evaluate(Self.thing + """
            (define c (thing (name "c") (parts (list this-thing))))
            (eq? c (car (thing-parts c)))
            """) == "#t")
        // The raw constructor takes every field in order.
        #expect(evaluate(Self.thing + "(thing-name (make-thing \"raw\" 1 '() 0 #f))") == #""raw""#)
    }

    @Test func delayedFieldsAreComputedOnce() {
        #expect(evaluate(Self.thing + """
            (define a (thing (name "a")))
            (list forced (thing-count a) (thing-count a) forced)
            """) == "(0 1 1 1)")
    }

    @Test func innateLocationIsTheFormsPosition() {
        #expect(evaluate(Self.thing + """
            (define a (thing (name "a")))
            (define b
              (thing (inherit a) (name "b")))
            (list (location-file (thing-location a)) (location-line (thing-location a)) (location-line (thing-location b))
                  (location-column (thing-location b)))
            """) == #"("test.scm" 9 11 2)"#)
    }

    @Test func thisRecordThroughASyntaxRulesMacro() {
        // Guix's this-package-input is a syntax-rules macro naming this-package.
        #expect(evaluate(Self.thing + """
            (define-syntax this-name (syntax-rules () ((_) (thing-name this-thing))))
            (thing-parts (thing (name "m") (parts (list (this-name) (this-name)))))
            """) == #"("m" "m")"#)
    }

    @Test func badConstructorFormsAreSyntaxErrors() {
        #expect(evaluate(Self.thing + "(thing (nme \"x\"))") == "error: thing has no field nme")
        #expect(evaluate(Self.thing + "(thing (size 2))") == "error: missing field initializers (name) in thing")
        #expect(evaluate(Self.thing + "(thing (name \"a\") (name \"b\"))") == "error: field name is given twice in thing")
        #expect(evaluate(Self.thing + "(thing (name))") == "error: bad field initializer (name) in thing")
        #expect(evaluate(Self.thing + "this-thing") == "error: this-thing used outside of a thunked field of thing")
        #expect(evaluate(Self.thing + "(thing (inherit 5) (name \"a\"))").hasPrefix("error: "))
        #expect(evaluate("(use-modules (guix records)) (define-record-type* <t> t make-t t? (a t-a (defalt 1)))")
                == "error: bad option (defalt 1) of field a")
        #expect(evaluate("(use-modules (guix records)) (define-record-type* <t> t make-t t? (a t-a) (a t-b))")
                == "error: field a appears twice in define-record-type* <t>")
    }

    @Test func cairnRecordsIsTheSameModule() {
        #expect(evaluate("(use-modules (cairn records)) (define-record-type* <t> t make-t t? (a t-a)) (t-a (t (a 5)))") == "5")
    }
}
