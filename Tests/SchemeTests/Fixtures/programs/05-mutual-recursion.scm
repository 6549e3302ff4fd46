;;; Top-level mutual recursion, forward references, deep tail calls.
(define (my-even? n)
  (if (= n 0) #t (my-odd? (- n 1))))

(define (my-odd? n)
  (if (= n 0) #f (my-even? (- n 1))))

(display (list (my-even? 10) (my-odd? 10) (my-even? 1000001)))
(newline)

;; uses helper before it is defined
(define (collatz-steps n)
  (collatz-loop n 0))
(define (collatz-loop n steps)
  (cond ((= n 1) steps)
        ((even? n) (collatz-loop (quotient n 2) (+ steps 1)))
        (else (collatz-loop (+ (* 3 n) 1) (+ steps 1)))))

(for-each (lambda (n)
            (display n) (display " -> ") (display (collatz-steps n)) (newline))
          '(1 7 27 97))

(define (count-up n)
  (let loop ((i 0) (acc 0))
    (if (= i n) acc (loop (+ i 1) (+ acc 1)))))
(display (count-up 1000000))
(newline)

(define (build n)
  (if (= n 0) '() (cons n (build (- n 1)))))
(display (length (build 100000)))
(newline)

(define counter 0)
(define (bump!) (set! counter (+ counter 1)) counter)
(bump!) (bump!)
(display counter)
(newline)
