(define (greet name)
  (string-apend "hello, " name))
(greet "you")
