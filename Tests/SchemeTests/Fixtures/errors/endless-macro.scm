;; Found by the fuzzer: a template that always expands into another use.
(define-syntax my-or
  (syntax-rules ()
    ((_) #f)
    ((_ e) e)
    ((_ e rest ...) (let ((t e)) (if t t (my-or r. set..))))))
(my-or #f 1)
