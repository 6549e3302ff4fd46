import Testing
@testable import Scheme

/// Guile procedures added for the differential corpus and Guix code: list
/// deletion, SRFI-13 extras and R6RS multi-byte bytevector accessors. The
/// expected texts are what `guile -c '(write EXPR)'` prints.
@Suite("Guile extras", .serialized)
struct GuileExtrasTests {
    private func written(_ expression: String) -> String {
        let (output, error) = Interpreter().runCapturingOutput("(write \(expression))")
        if let error { return "error: \(error.message)" }
        return output
    }

    private func fails(_ expression: String) -> Bool {
        Interpreter().runCapturingOutput("(write \(expression))").error != nil
    }

    @Test func listDeletion() {
        #expect(written("(delq 'a '(a b a c))") == "(b c)")
        #expect(written("(delv 1 '(1 2 1 3))") == "(2 3)")
        #expect(written("(let ((l (list 'a 'b 'a 'c))) (delq! 'b l) l)") == "(a a c)")
        #expect(written("(delq1! 'a (list 'a 'b 'a 'c))") == "(b a c)")
        #expect(written("(delete1! \"a\" (list \"b\" \"a\" \"a\"))") == "(\"b\" \"a\")")
        #expect(fails("(delq 'a '(a b . c))"))
    }

    @Test func srfi13Extras() {
        #expect(written("(string-reverse \"abcde\" 1 4)") == "\"adcbe\"")
        #expect(written("(string->vector \"abcde\" 1 3)") == "#(#\\b #\\c)")
        #expect(written("(vector->string #(#\\a #\\b #\\c) 1)") == "\"bc\"")
        #expect(written("(reverse-list->string '(#\\c #\\b #\\a))") == "\"abc\"")
        #expect(written("(string-compare \"ab\" \"abc\" (lambda (i) (list 'lt i)) list list)") == "(lt 2)")
        #expect(written("(list (string< \"xabc\" \"abd\" 1 4 0 3) (string<> \"abc\" \"abc\") (string-ci= \"ABC\" \"abc\"))") == "(#t #f #t)")
        #expect(written("(string-unfold-right (lambda (n) (> n 3)) (lambda (n) (integer->char (+ 96 n))) 1+ 1 \"XY\" number->string)") == "\"4cbaXY\"")
        #expect(written("(string-concatenate-reverse '(\"c\" \"b\" \"a\") \"XYZ\" 2)") == "\"abcXY\"")
        #expect(written("(list (xsubstring \"abc\" 1 7) (xsubstring \"abc\" -2 4))") == "(\"bcabca\" \"bcabca\")")
        #expect(fails("(xsubstring \"\" 0 3)"))
        #expect(fails("(vector->string #(#\\a 1))"))
    }

    @Test func bytevectorIntegers() {
        #expect(written("(let ((b (make-bytevector 4 0))) (bytevector-u32-set! b 0 258 (endianness big)) b)") == "#vu8(0 0 1 2)")
        #expect(written("(bytevector-u16-ref #vu8(1 2) 0 (endianness little))") == "513")
        #expect(written("(bytevector-s16-ref #vu8(255 254) 0 'little)") == "-257")
        #expect(written("(bytevector-u64-ref #vu8(255 255 255 255 255 255 255 255) 0 'big)") == "18446744073709551615")
        #expect(written("(let ((b (make-bytevector 12))) (bytevector-sint-set! b 0 -5 'big 12) (bytevector-sint-ref b 0 'big 12))") == "-5")
        #expect(written("(bytevector->uint-list #vu8(1 2 3 4) 'little 2)") == "(513 1027)")
        #expect(written("(bytevector-ieee-double-ref #vu8(0 0 0 0 0 0 240 63) 0 'little)") == "1.0")
        #expect(fails("(bytevector-u16-set! (make-bytevector 2) 0 65536 'big)"))
        #expect(fails("(bytevector-u16-ref #vu8(1 2) 1 'big)"))
        #expect(fails("(endianness middle)"))
    }
}
