(define x (list 1 2
(display x)
