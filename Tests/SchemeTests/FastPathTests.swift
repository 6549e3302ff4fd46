import Testing
@testable import Scheme

/// The form cache's encoding, and the fast paths taken for speed (fixnum
/// nodes, fixnum sorting, shared quasiquote tails, positions-only call
/// sites): each must give what the general path gives.
struct FastPathTests {
    static let text = """
    (define-module (demo) #:export (f))
    (define (f x . rest) `(a ,x ,@rest #(1 ,x) (b . ,x) "str\\n" #\\λ 12345678901234567890123 1/3 2.5 #vu8(1 2) #:key))
    '(deep (nested (list (with (many (levels))))) . tail)
    """

    func read(_ text: String, _ name: String) throws -> (SourceFile, [Value]) {
        let file = SourceFile(name: name, text: text)
        return (file, try Reader.readAll(text: text, file: file))
    }

    func stream(_ bytes: [UInt8], _ file: SourceFile) throws -> [Value]? {
        guard let next = FormCodec.stream(bytes, file: file) else { return nil }
        var forms: [Value] = []
        while let form = try next() { forms.append(form) }
        return forms
    }

    @Test("cached forms decode to the same data at the same positions")
    func codecRoundTrip() throws {
        let (file, forms) = try read(Self.text, "demo.scm")
        let decoded = try #require(try stream(FormCodec.encode(forms), file))
        #expect(decoded.map { $0.written() } == forms.map { $0.written() })
        for (original, copy) in zip(forms, decoded) {
            var a: Value = original
            var b: Value = copy
            while case .pair(let p) = a, case .pair(let q) = b {
                #expect(p.location?.description == q.location?.description)
                a = p.cdr
                b = q.cdr
            }
        }
    }

    @Test("a damaged cache entry is refused before any form is handed out")
    func damagedEntries() throws {
        let (file, forms) = try read(Self.text, "damaged.scm")
        let bytes = FormCodec.encode(forms)
        #expect(try stream(Array(bytes.dropLast(3)), file) == nil)
        #expect(try stream(bytes + [0], file) == nil)
        #expect(try stream(Array(bytes.prefix(5)), file) == nil)
        // Every single-byte change either is refused up front or decodes completely.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var mutated = bytes
            let index = Int.random(in: FormCodec.magic.count..<bytes.count, using: &generator)
            mutated[index] = UInt8.random(in: 0...255, using: &generator)
            if let next = FormCodec.stream(mutated, file: file) {
                while try next() != nil {}
            }
        }
    }

    @Test("arithmetic on fixnums and its general path agree, including overflow and redefinition")
    func fixnumNodes() {
        #expect(evaluate("(define (f n) (list (+ n 1) (- n 2) (* n 3) (< n 2) (> n 2) (<= n 2) (>= n 2) (= n 2))) (list (f 2) (f 4611686018427387904))")
                == "((3 0 6 #f #f #t #t #t) (4611686018427387905 4611686018427387902 13835058055282163712 #f #t #f #t #f))")
        #expect(evaluate("(define (g n) (+ n 9223372036854775807)) (g 1)") == "9223372036854775808")
        #expect(evaluate("(define (h a b) (- a b)) (define r1 (h 5 3)) (set! - (lambda (a b) 'replaced)) (list r1 (h 5 3))") == "(2 replaced)")
        #expect(evaluate("(define (t x) (if (not x) 'no 'yes)) (define before (list (t #f) (t 0))) (set! not (lambda (x) x)) (list before (t #f) (t 0))")
                == "((no yes) yes no)")
        #expect(evaluate("(define (k x) (+ x 1)) (k \"a\")").hasPrefix("error: "))
    }

    @Test("a core primitive replaced before the call is compiled is the one called")
    func replacedBeforeCompiling() {
        #expect(evaluate("(set! + -) (+ 5 3)") == "2")
        #expect(evaluate("(set! not (lambda (x) x)) (if (not #f) 'a 'b)") == "b")
        #expect(evaluate("(set! car cdr) (car '(1 2))") == "(2)")
    }

    @Test("a cache entry with an absurd length is refused, not a trap")
    func absurdLengths() throws {
        let (file, forms) = try read("(a b)", "absurd.scm")
        var bytes = FormCodec.encode(forms)
        // The first symbol's length varint follows tag 9 (symbol) inside the list.
        if let tag = bytes.lastIndex(of: 9), tag > FormCodec.magic.count {
            bytes.replaceSubrange((tag + 1)...(tag + 1), with: [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        }
        #expect(try stream(bytes, file) == nil)
    }

    @Test("sorting fixnums by < or > gives what a Scheme predicate gives")
    func fixnumSorting() {
        #expect(evaluate("(sort '(3 -1 2 9 2 0) <)") == "(-1 0 2 2 3 9)")
        #expect(evaluate("(sort (vector 3 -1 2 9 2 0) >)") == "#(9 3 2 2 0 -1)")
        #expect(evaluate("(sort '(3 1.5 2) <)") == "(1.5 2 3)")
        #expect(evaluate("(sort '(3 1 2) (lambda (a b) (< a b)))") == "(1 2 3)")
        #expect(evaluate("(let ((l (list 3 1 2))) (sort! l <) l)") == "(1 2 3)")
    }

    @Test("a quasiquoted list shares its constant tail, as Guile's does")
    func quasiquoteTails() {
        #expect(evaluate("(define (f x) `(a ,x b c)) (list (f 1) (eq? (cddr (f 1)) (cddr (f 2))))") == "((a 1 b c) #t)")
        #expect(evaluate("(define (f x) `(,@x b)) (list (f '(1 2)) (f '()))") == "((1 2 b) (b))")
        #expect(evaluate("(define (f x) `(1 ,x . rest)) (f 2)") == "(1 2 . rest)")
        #expect(evaluate("`(1 `(2 ,(3 ,(+ 1 3))))") == "(1 (quasiquote (2 (unquote (3 4)))))")
    }

    @Test("a backtrace shows each call as the source wrote it, read back from the file")
    func backtraceExpressions() throws {
        let interpreter = Interpreter()
        let program = "(define (inner x) (car x))\n(define (outer y)\n  (+ 1 (inner   y)))\n(outer 5)\n"
        let result = interpreter.evaluateOnLargeStack(program, name: "trace.scm")
        guard case .failure(let error as SchemeError) = result else {
            Issue.record("expected an error")
            return
        }
        let report = ErrorReport.render(error)
        #expect(report.contains("trace.scm:1:19"))
        #expect(report.contains("trace.scm:3:8: (inner y)"))
    }
}
