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

;; (substitute-keyword-arguments ARGS ((#:kw value) EXPR) ...): EXPR sees the
;; old value bound to `value'; keywords not given keep theirs, as in Guix.
(define-syntax substitute-keyword-arguments
  (syntax-rules ()
    ((_ original-args ((kw var ...) exp) ...)
     (let loop ((args original-args) (before '()))
       (if (null? args)
           ;; Keywords not in ARGS are added with their expression over the default.
           (let add ((result (reverse before)) (pending (list (cons kw (lambda (var ...) exp)) ...)))
             (cond ((null? pending) result)
                   ((memq (caar pending) result) (add result (cdr pending)))
                   (else (add (append result (list (caar pending) ((cdar pending) #f)))
                              (cdr pending)))))
           (let ((key (car args)))
             (cond ((and (eq? key kw) (pair? (cdr args)))
                    (loop (cddr args)
                          (cons* (apply (lambda (var ...) exp) (list (cadr args)))
                                 key before)))
                   ...
                   ((pair? (cdr args)) (loop (cddr args) (cons* (cadr args) key before)))
                   (else (loop (cdr args) (cons key before))))))))))

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
