(define (loop n) (+ 1 (loop n)))
(loop 0)
