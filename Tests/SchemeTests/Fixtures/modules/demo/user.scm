(define-module (demo user)
  #:use-module ((demo base) #:select (greet (square . sq)))
  #:use-module ((demo base) #:prefix base:)
  #:autoload (demo lazy) (lazy-value)
  #:export (run))

(define (run) (list (greet "world") (sq 3) (base:cube 2) (lazy-value)))
