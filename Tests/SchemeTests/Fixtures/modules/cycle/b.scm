(define-module (cycle b) #:use-module (cycle a))
