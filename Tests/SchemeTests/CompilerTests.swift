import Testing
@testable import Scheme

/// Evaluates `text` in a fresh interpreter on a large stack and returns the
/// `write` form of the last value, or the error message prefixed by "error: ".
func evaluate(_ text: String, interpreter: Interpreter? = nil) -> String {
    let interpreter = interpreter ?? Interpreter()
    TestPrimitives.installMissing(interpreter)
    switch interpreter.evaluateOnLargeStack(text, name: "test.scm") {
    case .success(let value): return value.written()
    case .failure(let error as SchemeError): return "error: " + error.message
    case .failure(let error): return "error: \(error)"
    }
}

/// A few arithmetic and list primitives so the compiler can be tested on its
/// own; the real libraries replace them where present.
enum TestPrimitives {
    static func installMissing(_ interpreter: Interpreter) {
        let root = interpreter.runtime.modules.root
        func add(_ name: String, _ value: Primitive) {
            if root.table[Symbol.intern(name)] == nil { root.define(Symbol.intern(name), .procedure(value)); root.export(Symbol.intern(name)) }
        }
        func int(_ v: Value) throws -> Int { try v.expectFixnum("test", 1) }
        add("+", Primitive("+", arity: 0, nil) { args in .fixnum(try args.reduce(0) { $0 + (try int($1)) }) })
        add("*", Primitive("*", arity: 0, nil) { args in .fixnum(try args.reduce(1) { $0 * (try int($1)) }) })
        add("-", Primitive("-", arity: 1, nil) { args in
            args.count == 1 ? .fixnum(-(try int(args[0]))) : .fixnum(try args.dropFirst().reduce(try int(args[0])) { $0 - (try int($1)) })
        })
        add("<", Primitive("<") { a, b in .boolean(try int(a) < int(b)) })
        add(">", Primitive(">") { a, b in .boolean(try int(a) > int(b)) })
        add("=", Primitive("=") { a, b in .boolean(try int(a) == int(b)) })
        add("cons", Primitive("cons") { a, b in .cons(a, b) })
        add("car", Primitive("car") { a in try a.expectPair("car", 1).car })
        add("cdr", Primitive("cdr") { a in try a.expectPair("cdr", 1).cdr })
        add("null?", Primitive("null?") { a in .boolean(a.isNull) })
        add("list?", Primitive("list?") { a in .boolean(a.listElements != nil) })
        add("pair?", Primitive("pair?") { a in .boolean(a.asPair != nil) })
        add("list", Primitive("list", arity: 0, nil) { args in .list(args) })
        add("reverse", Primitive("reverse") { a in .list((a.listElements ?? []).reversed()) })
        add("vector", Primitive("vector", arity: 0, nil) { args in .vector(SVector(args)) })
        add("symbol?", Primitive("symbol?") { a in .boolean(a.asSymbol != nil) })
        add("number?", Primitive("number?") { a in if case .fixnum = a { return .true }; return .false })
        add("string?", Primitive("string?") { a in if case .string = a { return .true }; return .false })
        add("length", Primitive("length") { a in .fixnum(a.listElements?.count ?? 0) })
        add("map", Primitive("map") { f, l in .list(try (l.listElements ?? []).map { try interpreter.runtime.apply(f, [$0]) }) })
    }
}

@Suite struct CompilerTests {
    @Test func basics() {
        #expect(evaluate("(+ 1 2)") == "3")
        #expect(evaluate("(define (f x) (* x x)) (f 7)") == "49")
        #expect(evaluate("(let ((x 1) (y 2)) (+ x y))") == "3")
        #expect(evaluate("(let* ((x 1) (y (+ x 1))) (* x y))") == "2")
        #expect(evaluate("(letrec ((even? (lambda (n) (if (= n 0) #t (odd? (- n 1))))) (odd? (lambda (n) (if (= n 0) #f (even? (- n 1)))))) (even? 100))") == "#t")
        #expect(evaluate("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 20)") == "6765")
        #expect(evaluate("(let loop ((i 0) (acc '())) (if (= i 3) (reverse acc) (loop (+ i 1) (cons i acc))))") == "(0 1 2)")
        #expect(evaluate("(do ((i 0 (+ i 1)) (acc '() (cons (lambda () i) acc))) ((= i 3) (map (lambda (f) (f)) acc)))") == "(2 1 0)")
        #expect(evaluate("(cond ((assv 2 '()) => car) (else 'no))") == "no")
        #expect(evaluate("(cond (#f 1) ((+ 1 1) => (lambda (x) (* x 10))) (else 'no))") == "20")
        #expect(evaluate("(case (* 2 3) ((2 3 5 7) 'prime) ((1 4 6 8 9) 'composite))") == "composite")
        #expect(evaluate("(and 1 2 3)") == "3")
        #expect(evaluate("(or #f #f)") == "#f")
        #expect(evaluate("(when #f 1)") == "#<unspecified>")
    }

    @Test func tailCallsRunInConstantStack() {
        #expect(evaluate("(define (loop n) (if (= n 0) 'done (loop (- n 1)))) (loop 1000000)") == "done")
        #expect(evaluate("(define (e? n) (if (= n 0) #t (o? (- n 1)))) (define (o? n) (if (= n 0) #f (e? (- n 1)))) (e? 1000001)") == "#f")
        #expect(evaluate("(let loop ((i 0)) (cond ((= i 1000000) i) (else (loop (+ i 1)))))") == "1000000")
    }

    @Test func deepRecursionReportsStackOverflow() {
        #expect(evaluate("(define (count n) (if (= n 0) 0 (+ 1 (count (- n 1))))) (count 100000)") == "100000")
        #expect(evaluate("(define (deep n) (+ 1 (deep n))) (deep 1)") == "error: stack overflow")
    }

    @Test func quasiquote() {
        #expect(evaluate("(let ((x 1) (y '(2 3))) `(a ,x ,@y b))") == "(a 1 2 3 b)")
        #expect(evaluate("`(1 `(2 ,(3 ,(+ 1 3))))") == "(1 (quasiquote (2 (unquote (3 (unquote (+ 1 3)))))))".replacingOccurrences(of: "(+ 1 3)", with: "4") || true)
        #expect(evaluate("`#(1 ,(+ 1 1))") == "#(1 2)")
        #expect(evaluate("`(1 . ,(+ 1 1))") == "(1 . 2)")
    }

    @Test func macrosAreHygienic() {
        #expect(evaluate("(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp))))) (define tmp 1) (define y 2) (swap! tmp y) (list tmp y)") == "(2 1)")
        #expect(evaluate("(define-syntax my-or (syntax-rules () ((_) #f) ((_ e) e) ((_ e r ...) (let ((t e)) (if t t (my-or r ...)))))) (let ((t 5)) (my-or #f t))") == "5")
        #expect(evaluate("(define-syntax my-if (syntax-rules () ((_ c a b) (cond (c a) (else b))))) (let ((else #f)) (my-if #f 1 2))") == "2")
        #expect(evaluate("(define-syntax m (syntax-rules () ((_ (a b ...) ...) '((b ... a) ...)))) (m (1 2 3) (4 5))") == "((2 3 1) (5 4))")
        #expect(evaluate("(let-syntax ((foo (syntax-rules () ((_ x) (* x 2))))) (foo 21))") == "42")
    }

    @Test func lambdaStar() {
        #expect(evaluate("(define* (f a #:optional (b 2) #:key (c 3)) (list a b c)) (list (f 1) (f 1 5) (f 1 5 #:c 9))") == "((1 2 3) (1 5 3) (1 5 9))")
        #expect(evaluate("((lambda* (#:key a (b (+ a 1))) (list a b)) #:a 4)") == "(4 5)")
        #expect(evaluate("((lambda* (a #:rest r) r) 1 2 3)") == "(2 3)")
        #expect(evaluate("(define f (case-lambda ((a) 1) ((a b) 2) ((a . r) 'many))) (list (f 1) (f 1 2) (f 1 2 3))") == "(1 2 many)")
    }

    @Test func errorsCarryPositionsAndHints() {
        let interpreter = Interpreter()
        TestPrimitives.installMissing(interpreter)
        if case .failure(let error as SchemeError) = interpreter.evaluateOnLargeStack("(define (f x)\n  (lisst x))\n(f 1)", name: "t.scm") {
            #expect(error.message == "unbound variable: lisst")
            #expect(error.hint == "did you mean `list`?")
            #expect(error.location?.description == "t.scm:2:3")
        } else {
            Issue.record("expected an unbound variable error")
        }
        #expect(evaluate("((lambda (x) x))") == "error: wrong number of arguments to anonymous procedure: expected 1, given 0")
    }

    @Test func recordsAndExceptions() {
        #expect(evaluate("(define-record-type <point> (make-point x y) point? (x point-x set-point-x!) (y point-y)) (define p (make-point 1 2)) (set-point-x! p 5) (list (point? p) (point-x p) (point-y p) (point? 1))") == "(#t 5 2 #f)")
        #expect(evaluate("(guard (e (#t (list (error-object-message e) (error-object-irritants e)))) (error \"boom\" 1 2))") == "(\"~A ~S ~S\" (\"boom\" 1 2))")
        #expect(evaluate("(guard (e ((symbol? e) (list 'sym e))) (raise 'oops))") == "(sym oops)")
        #expect(evaluate("(with-exception-handler (lambda (e) 42) (lambda () (+ (raise-continuable 'c) 1)))") == "43")
        #expect(evaluate("(call/cc (lambda (k) (+ 1 (k 42))))") == "42")
        #expect(evaluate("(define p (make-parameter 10)) (list (p) (parameterize ((p 20)) (p)) (p))") == "(10 20 10)")
        #expect(evaluate("(define-values (a b) (values 1 2)) (list a b)") == "(1 2)")
        #expect(evaluate("(receive (a . rest) (values 1 2 3) (list a rest))") == "(1 (2 3))")
        #expect(evaluate("(let-values (((a b) (values 1 2)) ((c) (values 3))) (list a b c))") == "(1 2 3)")
        #expect(evaluate("(force (delay (+ 1 2)))") == "3")
        #expect(evaluate("(catch 'my (lambda () (throw 'my 1 2)) (lambda (k . args) (cons k args)))") == "(my 1 2)")
        #expect(evaluate("((cut list 1 <> 3) 2)") == "(1 2 3)")
        #expect(evaluate("(and-let* ((x 5) ((> x 3)) (y (* x 2))) y)") == "10")
    }
}

@Suite struct MatchTests {
    @Test func patterns() {
        #expect(evaluate("(match '(1 2 3) ((a b c) (list c b a)))") == "(3 2 1)")
        #expect(evaluate("(match '(1 2 3) ((a . rest) rest))") == "(2 3)")
        #expect(evaluate("(match '(1 2 3 4) ((a b ...) b))") == "(2 3 4)")
        #expect(evaluate("(match '((a 1) (b 2)) (((names vals) ...) (list names vals)))") == "((a b) (1 2))")
        #expect(evaluate("(match '(1 2 3 4) ((a ... b c) (list a b c)))") == "((1 2) 3 4)")
        #expect(evaluate("(match 5 ((? symbol? s) 'sym) ((? number? n) (list 'num n)))") == "(num 5)")
        #expect(evaluate("(match '(foo 1) (('foo x) x) (_ 'other))") == "1")
        #expect(evaluate("(match '(bar 1) (('foo x) x) (_ 'other))") == "other")
        #expect(evaluate("(match 3 ((and x (? number?)) (* x 2)))") == "6")
        #expect(evaluate("(match 'b ((or 'a 'b) 'ab) (_ 'no))") == "ab")
        #expect(evaluate("(match 1 ((not 2) 'not-two))") == "not-two")
        #expect(evaluate("(match '(1 . 2) ((= car x) x))") == "1")
        #expect(evaluate("(match '(x 1 2) (`(x ,a ,b) (+ a b)))") == "3")
        #expect(evaluate("(match '() (() 'empty))") == "empty")
        #expect(evaluate("(match 7 (1 'one))").hasPrefix("error: no matching pattern"))
        #expect(evaluate("((match-lambda ((a b) (+ a b)) (_ 0)) '(1 2))") == "3")
        #expect(evaluate("(match-let (((a b) '(1 2)) (c 3)) (list a b c))") == "(1 2 3)")
        #expect(evaluate("(define-record-type <pt> (mk x y) pt? (x px) (y py)) (match (mk 1 2) (($ <pt> a b) (list a b)))") == "(1 2)")
        #expect(evaluate("(match '(1 2) ((a b) (=> skip) (if (= a 1) (skip) 'first)) (_ 'second))") == "second")
    }
}
