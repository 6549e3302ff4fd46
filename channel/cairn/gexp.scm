;;; Cairn's channel: file-like objects and derivations made from gexps, on
;;; top of the gexp core ((cairn core gexp)) and the store primitives
;;; ((cairn core store)).  Names and arguments follow Guix's (guix gexp), so a
;;; Guix file using them loads with (guix gexp) mapped here.
(define-module (cairn gexp)
  #:use-module (cairn core gexp)
  #:use-module (cairn core store)
  #:use-module (srfi srfi-1)
  #:re-export (gexp ungexp ungexp-splicing ungexp-native ungexp-native-splicing
               with-imported-modules with-extensions
               gexp? gexp-modules gexp-extensions lower-gexp register-gexp-compiler! gexp-output)
  #:export (gexp->derivation lower-object
            computed-file computed-file? computed-file-name computed-file-gexp
            plain-file plain-file? plain-file-name plain-file-content
            local-file local-file* local-file? local-file-file local-file-absolute-file-name local-file-name
            file-append file-append? file-append-base file-append-suffix
            mixed-text-file scheme-file program-file
            %fhs-root-variable))

;; The environment variable naming a build's FHS root: the store item whose
;; bin, lib, usr … the sandbox binds at / (ARCHITECTURE.md §4).
(define %fhs-root-variable "__cairnFHSRoot")

;; Lowering one object to a file name: the lowering of a gexp that holds
;; just that object, so every kind of lowerable value is handled in one place.
(define (lower-object obj)
  (let ((lowered (lower-gexp (gexp (ungexp obj)))))
    (values (car lowered) (cadr lowered) (caddr lowered))))

(define* (gexp->derivation name exp
                           #:key (system (%current-system))
                           (modules '()) (env-vars '())
                           (fhs-root #f)
                           hash (hash-algo 'sha256) (recursive? #f)
                           (script-name (string-append name "-builder"))
                           (local-build? #f) (substitutable? #t)
                           (properties '()))
  "The derivation NAME that runs EXP with the build-side runner.  MODULES
(and those EXP was made with under with-imported-modules) are shipped into
the build; FHS-ROOT, a package or derivation, is bound at / in the sandbox."
  (let* ((lowered (lower-gexp exp))
         (sexp (car lowered))
         (inputs (cadr lowered))
         (sources (caddr lowered))
         (outputs (let ((named (cadddr lowered)))
                    (if (null? named) '("out") named)))
         (modules (let ((all (append modules (gexp-modules exp))))
                    (if (or (null? all) (null? (cdr all))) all (delete-duplicates all))))
         (module-directory (and (pair? modules)
                                (add-modules-to-store (string-append name "-modules") modules)))
         (script (add-text-to-store script-name (object->string sexp) sources)))
    ;; Most builds (a package collection's) have no FHS root and no
    ;; modules: those take the short way, without the extra lists.
    (call-with-values (lambda () (if fhs-root (lower-object fhs-root) (values #f '() '())))
      (lambda (root root-inputs root-sources)
        (derivation name "builtin:scheme"
                    (if module-directory (list "-L" module-directory script) (list script))
                    #:system system
                    #:outputs outputs
                    #:hash hash #:hash-algo hash-algo #:recursive? recursive?
                    #:inputs (append inputs root-inputs sources root-sources
                                     (if module-directory (list module-directory script) (list script)))
                    #:env-vars (if root (cons (cons %fhs-root-variable root) env-vars) env-vars))))))

;; Lowering is memoised per object: a package collection lowers the same
;; file-like objects many times, and each lowering may add to the store.
(define %lowered (make-hash-table))
(define (memoised-lowering proc)
  (lambda (obj)
    (let* ((system (%current-system))
           (known (hashq-ref %lowered obj '())))
      (cond ((assoc system known) => cdr)
            (else (let ((value (proc obj)))
                    (hashq-set! %lowered obj (acons system value known))
                    value))))))

;;; plain-file: a file in the store with the given text.
(define-record-type <plain-file>
  (%plain-file name content)
  plain-file?
  (name plain-file-name)
  (content plain-file-content))

(define (plain-file name content)
  (unless (string? content)
    (error "plain-file: the content must be a string" name content))
  (%plain-file name content))

(register-gexp-compiler! <plain-file>
  (lambda (file) (add-text-to-store (plain-file-name file) (plain-file-content file))))

;;; local-file: a file or directory next to the code that names it.
(define-record-type <local-file>
  (%local-file file absolute name recursive?)
  local-file?
  (file local-file-file)
  (absolute local-file-absolute-file-name)
  (name local-file-name)
  (recursive? local-file-recursive?))

(define (file-name-base file)
  (let ((slash (string-rindex file #\/)))
    (if slash (substring file (+ slash 1)) file)))

(define* (%make-local-file file directory #:optional (name (file-name-base file))
                           #:key (recursive? #f) (select? #f))
  ;; Relative names are resolved against the directory of the file the
  ;; local-file form is in, as Guix does, not against the working directory.
  (let ((absolute (cond ((string-prefix? "/" file) file)
                        (directory (string-append directory "/" file))
                        (else (string-append (getcwd) "/" file)))))
    (when select?
      (error "local-file: #:select? is not supported yet; copy the wanted files into a directory of their own" file))
    (unless (file-exists? absolute)
      (error (string-append "local-file: " absolute ": no such file or directory")))
    (%local-file file absolute name recursive?)))

;; The procedure behind local-file, for names computed at run time
;; (relative ones are taken from the working directory).
(define* (local-file* file #:optional (name (file-name-base file)) #:key (recursive? #f))
  (%make-local-file file #f name #:recursive? recursive?))

(define-syntax local-file
  (syntax-rules ()
    ((_ file rest ...)
     (%make-local-file file (current-source-directory) rest ...))))

(register-gexp-compiler! <local-file>
  (memoised-lowering
   (lambda (file)
     (add-to-store (local-file-name file) (local-file-absolute-file-name file)
                   (or (local-file-recursive? file)
                       (file-is-directory? (local-file-absolute-file-name file)))))))

;;; computed-file: the output of a gexp run at build time.
(define-record-type <computed-file>
  (%computed-file name gexp options)
  computed-file?
  (name computed-file-name)
  (gexp computed-file-gexp)
  (options computed-file-options))

(define* (computed-file name gexp #:key (local-build? #t) (options '()))
  (%computed-file name gexp options))

(register-gexp-compiler! <computed-file>
  (memoised-lowering
   (lambda (file)
     (apply gexp->derivation (computed-file-name file) (computed-file-gexp file)
            (computed-file-options file)))))

;;; file-append: a file name inside a lowered object ("/bin/sh" of bash).
(define-record-type <file-append>
  (%file-append base suffix)
  file-append?
  (base file-append-base)
  (suffix file-append-suffix))

(define (file-append base . suffix)
  (%file-append base suffix))

(register-gexp-compiler! <file-append>
  file-append-base
  (lambda (obj base output)
    (apply string-append base (file-append-suffix obj))))

;;; Text files whose content names other store items, made at build time.
(define (mixed-text-file name . text)
  (computed-file name
                 (gexp (call-with-output-file (ungexp output)
                         (lambda (port)
                           (for-each (lambda (part) (display part port))
                                     (list (ungexp-splicing text))))))))

(define* (scheme-file name exp #:key (splice? #f))
  (computed-file name
                 (gexp (call-with-output-file (ungexp output)
                         (lambda (port)
                           (for-each (lambda (form) (write form port) (newline port))
                                     (quote (ungexp (if splice? exp (list exp))))))))))

(define* (program-file name exp #:key (interpreter #f) (module-path '()))
  "A build-side Scheme program: an executable script run by INTERPRETER,
a file-like object or file name of a Scheme interpreter."
  (unless interpreter
    (error "program-file: give #:interpreter, the Scheme interpreter to run the program with" name))
  (computed-file name
                 (gexp (begin
                         (call-with-output-file (ungexp output)
                           (lambda (port)
                             (display "#!" port)
                             (display (ungexp interpreter) port)
                             (newline port)
                             (write (quote (ungexp exp)) port)
                             (newline port)))
                         (chmod (ungexp output) #o555)))))
