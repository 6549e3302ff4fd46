;;; Exceptions across procedure boundaries, with dynamic-wind cleanup.
(use-modules (srfi srfi-34))

(define log '())
(define (note! x) (set! log (cons x log)))

(define (risky n)
  (dynamic-wind
    (lambda () (note! (list 'enter n)))
    (lambda ()
      (cond ((= n 0) (raise 'zero))
            ((< n 0) (error "negative input:" n))
            (else (* n 10))))
    (lambda () (note! (list 'leave n)))))

(define (safe n)
  (guard (e ((symbol? e) (list 'symbol e))
            (else (list 'error n)))
    (risky n)))

(for-each (lambda (n) (write (safe n)) (newline)) '(3 0 -2))
(write (reverse log))
(newline)

(define result
  (catch 'custom
    (lambda () (throw 'custom "payload" 42) 'not-reached)
    (lambda (key . args) (cons key args))))
(write result)
(newline)

(define (with-default thunk default)
  (with-exception-handler
   (lambda (e) default)
   thunk
   #:unwind? #t))
(display (with-default (lambda () (car '())) 'fallback))
(newline)
(display (false-if-exception (vector-ref (vector) 0)))
(newline)
