(define (check size)
  (when (> size 40)
    (error "disk full:" "/tmp" size)))
(check 42)
