(define-module (demo lazy)
  #:export (lazy-value))
(define (lazy-value) 'loaded-on-demand)
