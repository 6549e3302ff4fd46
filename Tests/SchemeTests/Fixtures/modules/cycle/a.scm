(define-module (cycle a) #:use-module (cycle b))
