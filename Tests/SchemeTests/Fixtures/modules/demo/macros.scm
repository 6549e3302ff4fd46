(define-module (demo macros)
  #:export (my-unless swap!))

;; The helper is private to this module; the macro must still find it.
(define (negate-value x) (not x))
(define-syntax my-unless
  (syntax-rules ()
    ((_ test body ...) (if (negate-value test) (begin body ...) #f))))
(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
