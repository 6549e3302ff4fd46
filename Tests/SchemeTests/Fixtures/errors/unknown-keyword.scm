(define (f . args) (length args))
(f #:key 1 #:other)
(define* (g #:key (jobs 1)) jobs)
(g #:job 4)
