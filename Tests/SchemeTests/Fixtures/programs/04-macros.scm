;;; Top-level syntax-rules macros, recursion in macros and hygiene.
(define-syntax while
  (syntax-rules ()
    ((_ condition body ...)
     (let lp ()
       (when condition
         body ...
         (lp))))))

(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))

(define-syntax my-or
  (syntax-rules ()
    ((_) #f)
    ((_ e) e)
    ((_ e rest ...) (let ((t e)) (if t t (my-or rest ...))))))

(define-syntax for
  (syntax-rules (in from to)
    ((_ x in lst body ...) (for-each (lambda (x) body ...) lst))
    ((_ x from a to b body ...)
     (let loop ((x a))
       (when (<= x b)
         body ...
         (loop (+ x 1)))))))

(define-syntax-rule (unless* c body ...)
  (if c #f (begin body ...)))

(define i 0)
(while (< i 3)
  (display "i=") (display i) (newline)
  (set! i (+ i 1)))

(define tmp 'first)
(define other 'second)
(swap! tmp other)
(display (list tmp other))
(newline)

(define t 'user-t)
(display (my-or #f t))
(newline)

(for x in '(a b c) (display x) (display " "))
(newline)
(for n from 1 to 5 (display (* n n)) (display " "))
(newline)

(define (if-shadow if) (unless* #f (list 'if-was if)))
(write (if-shadow 'rebound))
(newline)

(define-syntax my-let*
  (syntax-rules ()
    ((_ () body ...) (let () body ...))
    ((_ ((x v) rest ...) body ...) (let ((x v)) (my-let* (rest ...) body ...)))))
(display (my-let* ((a 1) (b (+ a 1)) (c (* b 3))) (list a b c)))
(newline)
