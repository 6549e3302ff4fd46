;;; Build systems and bags, as Guix's (guix build-system): a build system
;;; lowers a package to a bag (its inputs, implicit ones included, and the
;;; procedure that makes the derivation); the bag is then built.
(define-module (cairn build-system)
  #:use-module (cairn records)
  #:use-module (cairn gexp)
  #:export (build-system build-system? build-system-name build-system-description
            build-system-lower
            bag bag? bag-name bag-system bag-target bag-build-inputs bag-host-inputs
            bag-target-inputs bag-outputs bag-arguments bag-build
            bag-transitive-inputs
            keyword-argument strip-keyword-arguments substitute-keyword-arguments
            default-keyword-arguments
            inputs->gexp-list arguments->code))

(define-record-type* <build-system> build-system make-build-system
  build-system?
  (name        build-system-name)
  (description build-system-description (default ""))
  (lower       build-system-lower))

(define-record-type* <bag> bag %make-bag
  bag?
  (name          bag-name)
  (system        bag-system)
  (target        bag-target (default #f))
  (build-inputs  bag-build-inputs (default '()))
  (host-inputs   bag-host-inputs (default '()))
  (target-inputs bag-target-inputs (default '()))
  (outputs       bag-outputs (default '("out")))
  (arguments     bag-arguments (default '()))
  (build         bag-build))

(define (bag-transitive-inputs bag)
  (append (bag-build-inputs bag) (bag-host-inputs bag) (bag-target-inputs bag)))

;;; Keyword argument lists.

(define* (keyword-argument args keyword #:optional default)
  (let loop ((rest args))
    (cond ((or (null? rest) (null? (cdr rest))) default)
          ((eq? (car rest) keyword) (cadr rest))
          (else (loop (cddr rest))))))

(define (strip-keyword-arguments keywords args)
  (let loop ((rest args) (result '()))
    (cond ((null? rest) (reverse result))
          ((and (keyword? (car rest)) (pair? (cdr rest)))
           (if (memq (car rest) keywords)
               (loop (cddr rest) result)
               (loop (cddr rest) (cons* (cadr rest) (car rest) result))))
          (else (loop (cdr rest) (cons (car rest) result))))))

;; ARGS with KW DEFAULT added for each keyword of DEFAULTS it lacks.
(define (default-keyword-arguments args defaults)
  (let loop ((defaults defaults) (args args))
    (cond ((null? defaults) args)
          ((memq (car defaults) args) (loop (cddr defaults) args))
          (else (loop (cddr defaults) (append args (list (car defaults) (cadr defaults))))))))

(define-syntax %default-arguments
  (syntax-rules ()
    ((_) '())
    ((_ (kw var) rest ...) (%default-arguments rest ...))
    ((_ (kw var default) rest ...) (cons* kw default (%default-arguments rest ...)))))

;; (substitute-keyword-arguments ARGS ((#:kw var [default]) EXPR) ...), as
;; Guix's: EXPR sees the old value as VAR and replaces it; a keyword absent
;; from ARGS is left absent unless it has a DEFAULT.
(define-syntax substitute-keyword-arguments
  (syntax-rules ()
    ((_ original-args ((kw var default ...) exp) ...)
     (let loop ((args (default-keyword-arguments
                        original-args (%default-arguments (kw var default ...) ...)))
                (before '()))
       (cond ((null? args) (reverse before))
             ((and (eq? (car args) kw) (pair? (cdr args)))
              (let ((var (cadr args)))
                (loop (cddr args) (cons* exp kw before))))
             ...
             (else (loop (cdr args) (cons (car args) before))))))))

;;; Passing host-side values to build-side code.

;; An input list (("label" obj [output]) …) as code making the alist
;; (("label" . "/store/…") …) on the build side.
(define (inputs->gexp-list inputs)
  #~(list #$@(map (lambda (input)
                    (if (and (pair? (cdr input)) (pair? (cddr input)))
                        #~(cons #$(car input) (ungexp (cadr input) (caddr input)))
                        #~(cons #$(car input) #$(cadr input))))
                  inputs)))

;; A build-system argument as build-side code: a gexp is code already; a
;; list that starts with a symbol is code written as data ('(modify-phases
;; …)); another list (flags) becomes (list …) so its elements, strings,
;; file-like objects or gexps, are evaluated on the build side.
(define (arguments->code value)
  (cond ((gexp? value) value)
        ((null? value) #~'())
        ((and (pair? value) (symbol? (car value))) value)
        ((pair? value) #~(list #$@value))
        ((symbol? value) #~'#$value)
        (else value)))
