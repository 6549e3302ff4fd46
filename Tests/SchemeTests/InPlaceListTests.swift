import Testing
@testable import Scheme

/// The in-place lookups behind `assq`/`assv`/`memq`/`memv` with immediate
/// keys, and the argument-array-free calls that `fold`, `map` and `sort`
/// make: the same answers and errors as the checked paths.
@Suite struct InPlaceListTests {
    @Test("the Value layout the in-place walk relies on is recognised")
    func layoutRecognised() {
        // A compiler that lays Value out differently makes this nil: lookups
        // stay correct (the checked walk) but lose their speed, so say so here.
        #expect(InPlaceList.layout != nil)
    }

    @Test func immediateKeysOnLongLists() {
        let program = """
            (define alist (map (lambda (i) (cons i (* i i))) (iota 5000)))
            (define chars (map (lambda (i) (cons (integer->char (+ 65 i)) i)) (iota 20)))
            (list (assv 4999 alist) (assq 17 alist) (assv 5000 alist) (assv -1 alist)
                  (assv #\\C chars) (assv #\\a chars)
                  (assq 'c '((a . 1) (b . 2) (c . 3))) (assq 'd '((a . 1)))
                  (assv #t '((#f . no) (#t . yes))) (assq #f '((#t . yes) (#f . no)))
                  (length (memv 4990 (iota 5000))) (memq 'x '(a b c)) (memv #\\b (string->list "abc"))
                  (assv 2.0 '((2 . exact) (2.0 . inexact))) (assv 2 '((2.0 . inexact) (2 . exact)))
                  (memv 1 '(1.0 1)) (assq 'k '()) (memq 'k '()))
            """
        #expect(evaluate(program) == "((4999 . 24990001) (17 . 289) #f #f (#\\C . 2) #f (c . 3) #f (#t . yes) (#f . no) 10 #f (#\\b #\\c) (2.0 . inexact) (2 . exact) (1) #f #f)")
    }

    @Test func malformedListsStillReportErrors() {
        #expect(evaluate("(assv 3 '((1 . a) (2 . b) . 7))").hasPrefix("error: "))
        #expect(evaluate("(assq 'x '((a . 1) b (x . 2)))").hasPrefix("error: "))
        #expect(evaluate("(assq 'a '((a . 1) b))") == "(a . 1)")
        #expect(evaluate("(memq 'z '(a b . c))").hasPrefix("error: "))
        #expect(evaluate("(memq 'a '(a b . c))") == "(a b . c)")
        // A circular list without the key is handed to the checked walk.
        #expect(evaluate("(define l (list 1 2 3)) (set-cdr! (cddr l) l) (car (memv 3 l))") == "3")
        #expect(evaluate("(define l (list '(1 . a) '(2 . b))) (set-cdr! (cdr l) l) (assv 2 l)") == "(2 . b)")
    }

    @Test func foldMapAndSortWithoutArgumentArrays() {
        let program = """
            (use-modules (srfi srfi-1))
            (list (fold + 0 (iota 101)) (fold cons* '() '(a b c) '(1 2 3)) (fold - 0 '(1 2 3))
                  (map cons '(1 2 3) '(a b c)) (map + '(1 2 3) '(10 20))
                  (filter-map (lambda (x) (and (even? x) (* x x))) (iota 7))
                  (append-map (lambda (x) (list x x)) '(1 2))
                  (sort '(3 1 2) <) (sort '(3 1 2) >=) (reduce max 0 '(4 9 2))
                  (fold (lambda (x acc) (+ acc x)) 0 '(1 2 3)))
            """
        #expect(evaluate(program) == "(5050 (c 3 b 2 a 1) 2 ((1 . a) (2 . b) (3 . c)) (11 22) (0 4 16 36) (1 1 2 2) (1 2 3) (3 2 1) 9 6)")
        #expect(evaluate("(use-modules (srfi srfi-1)) (fold + 0 '(1 x))").hasPrefix("error: "))
        #expect(evaluate("(use-modules (srfi srfi-1)) (fold + 0 '(1 2 . 3))").hasPrefix("error: "))
        #expect(evaluate("(map (lambda (x y) x) '(1 2) '(1 . 2))").hasPrefix("error: "))
        #expect(evaluate("(< 1 'a)").hasPrefix("error: "))
    }
}

extension InPlaceListTests {
    @Test func spinesAndLengths() {
        #expect(evaluate("(list (length '(1 2 3)) (length '()) (length (iota 100001)))") == "(3 0 100001)")
        #expect(evaluate("(length '(1 2 . 3))").hasPrefix("error: "))
        #expect(evaluate("(define l (list 1 2 3)) (set-cdr! (cddr l) l) (length l)").hasPrefix("error: "))
        #expect(evaluate("(use-modules (srfi srfi-1)) (define l (list 1 2 3)) (set-cdr! (cddr l) l) (list (length+ l) (length+ '(a b)))") == "(#f 2)")
        #expect(evaluate("(use-modules (srfi srfi-1)) (define l (list 1 2)) (set-cdr! (cdr l) l) (map + '(1 2 3) l)") == "(2 4 4)")
        #expect(evaluate("(list (list? '(1 2)) (list? '(1 . 2)) (map (lambda (x) (* 2 x)) '(1 2 3)))") == "(#t #f (2 4 6))")
    }
}
