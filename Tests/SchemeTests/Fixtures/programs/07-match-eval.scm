;;; A tiny expression evaluator written with (ice-9 match).
(use-modules (ice-9 match) (srfi srfi-1))

(define (lookup env name)
  (match (assq name env)
    ((_ . value) value)
    (#f (error "unbound" name))))

(define (evaluate expr env)
  (match expr
    ((? number? n) n)
    ((? symbol? s) (lookup env s))
    (('+ args ...) (apply + (map (lambda (a) (evaluate a env)) args)))
    (('* args ...) (apply * (map (lambda (a) (evaluate a env)) args)))
    (('- a b) (- (evaluate a env) (evaluate b env)))
    (('if c t e) (if (zero? (evaluate c env)) (evaluate e env) (evaluate t env)))
    (('let ((names vals) ...) body)
     (evaluate body (append (map cons names (map (lambda (v) (evaluate v env)) vals)) env)))
    (('lambda (params ...) body) (list 'closure params body env))
    ((f args ...)
     (match (evaluate f env)
       (('closure params body cenv)
        (evaluate body (append (map cons params (map (lambda (a) (evaluate a env)) args)) cenv)))))))

(define programs
  '((+ 1 2 3)
    (* 2 (+ 3 4))
    (let ((x 5) (y 6)) (* x y))
    (if (- 3 3) 10 20)
    ((lambda (x y) (+ x y)) 10 32)
    (let ((sq (lambda (n) (* n n)))) (sq (sq 3)))))

(for-each (lambda (p)
            (write p)
            (display " => ")
            (write (evaluate p '()))
            (newline))
          programs)

(define (show-shape x)
  (match x
    (() "empty")
    ((_) "one")
    ((_ _) "two")
    ((_ _ _ ..1) "many")
    (#(elems ...) (string-append "vector of " (number->string (length elems))))
    (_ "other")))
(for-each (lambda (x) (display (show-shape x)) (newline))
          (list '() '(a) '(a b) '(a b c d) #(1 2 3) 'sym))
