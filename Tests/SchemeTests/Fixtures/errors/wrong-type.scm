(define lst (list 1 2))
(car (cdr (cdr lst)))
