;;; Lazy streams with delay and force.
(define-syntax stream-cons
  (syntax-rules ()
    ((_ a b) (cons a (delay b)))))
(define (stream-car s) (car s))
(define (stream-cdr s) (force (cdr s)))

(define (integers-from n)
  (stream-cons n (integers-from (+ n 1))))

(define (stream-filter pred s)
  (if (pred (stream-car s))
      (stream-cons (stream-car s) (stream-filter pred (stream-cdr s)))
      (stream-filter pred (stream-cdr s))))

(define (stream-map f s)
  (stream-cons (f (stream-car s)) (stream-map f (stream-cdr s))))

(define (stream-take s n)
  (if (= n 0)
      '()
      (cons (stream-car s) (stream-take (stream-cdr s) (- n 1)))))

(define (sieve s)
  (stream-cons (stream-car s)
               (sieve (stream-filter
                       (lambda (x) (not (= 0 (modulo x (stream-car s)))))
                       (stream-cdr s)))))

(display (stream-take (integers-from 1) 10))
(newline)
(display (stream-take (stream-map (lambda (x) (* x x)) (integers-from 1)) 8))
(newline)
(display (stream-take (sieve (integers-from 2)) 15))
(newline)

(define evaluations 0)
(define p (delay (begin (set! evaluations (+ evaluations 1)) 'computed)))
(display (list (force p) (force p)))
(display " evaluated ")
(display evaluations)
(display " time(s)")
(newline)
