;;; Regenerates the expected outputs of the differential corpus with Guile 3.0.
;;; Usage: guile --no-auto-compile -s generate.scm CASE-DIR OUT-DIR
;;; (normally run through generate.sh).  For every NN-topic.scm in CASE-DIR it
;;; reads each top-level datum (one case), evaluates (write CASE) in a fresh
;;; module that sees the libraries listed in %case-imports, and writes
;;; OUT-DIR/NN-topic.expected: one JSON object per line,
;;;   {"source":"<case text exactly as in the file>","expected":"<what write printed>"}
;;; Any error escaping a case means the case is bad: it is reported and the
;;; script exits with status 1.

(use-modules (ice-9 rdelim)
             (ice-9 ftw)
             (ice-9 format)
             (rnrs bytevectors)
             (rnrs io ports)
             (srfi srfi-1))

;; The libraries a case may use.  Cairn's user module has all of them without
;; imports; in Guile they are imported into every fresh case module.  Only R7RS
;; names that core Guile lacks are taken from (scheme …), so that everything
;; else keeps its Guile (not R7RS) definition.
(define %case-imports
  '(use-modules (srfi srfi-1)
                (srfi srfi-2)
                (srfi srfi-9)
                (srfi srfi-11)
                (srfi srfi-26)
                ;; SRFI-69's constructor and predicate would shadow Guile's
                ;; native hash tables; cases build SRFI-69 tables with
                ;; alist->hash-table.
                ((srfi srfi-69) #:hide (make-hash-table hash-table? hash
                                        string-hash string-ci-hash))
                (ice-9 match)
                (ice-9 format)
                (ice-9 regex)
                (ice-9 rdelim)
                (ice-9 receive)
                (rnrs bytevectors)
                ;; Core Guile's `raise' sends a POSIX signal; cases mean the
                ;; R7RS / SRFI-34 one.
                ((srfi srfi-34) #:select (guard raise))
                ((ice-9 exceptions) #:select (raise-continuable))
                ((scheme base) #:select (error-object? error-object-message
                                         error-object-irritants
                                         vector-map vector-for-each
                                         vector-append string->vector
                                         vector->string bytevector
                                         bytevector-append square exact
                                         inexact boolean=? symbol=?
                                         write-string eof-object))
                ((scheme char) #:select (char-foldcase string-foldcase
                                         digit-value))))

;; Bindings that must replace core Guile ones, added to each case module as
;; its own bindings (so no duplicate-import warning): R7RS promises (SRFI-45
;; underneath), since core `force' rejects them and core `make-promise' wants
;; a thunk.
(define %case-overrides
  '(((scheme lazy) delay delay-force force make-promise promise?)))

(define (fail fmt . args)
  (apply format (current-error-port) fmt args)
  (newline (current-error-port))
  (exit 1))

(define (json-string str)
  (call-with-output-string
    (lambda (port)
      (write-char #\" port)
      (string-for-each
       (lambda (c)
         (case c
           ((#\") (display "\\\"" port))
           ((#\\) (display "\\\\" port))
           ((#\newline) (display "\\n" port))
           ((#\return) (display "\\r" port))
           ((#\tab) (display "\\t" port))
           (else
            (let ((n (char->integer c)))
              (if (or (< n #x20) (= n #x7f))
                  (format port "\\u~4,'0x" n)
                  (write-char c port))))))
       str)
      (write-char #\" port))))

(define (skip-atmosphere port)
  ;; Whitespace and ; comments between cases (block and datum comments are not
  ;; used between cases).
  (let ((c (peek-char port)))
    (cond ((eof-object? c) c)
          ((char-whitespace? c) (read-char port) (skip-atmosphere port))
          ((char=? c #\;) (read-line port) (skip-atmosphere port))
          (else c))))

(define (read-cases path)
  ;; Returns a list of (source-text . datum).  Source text is cut from the
  ;; file's bytes between the port's byte positions before and after `read`.
  (let ((bytes (call-with-input-file path get-bytevector-all #:binary #t))
        (port (open-input-file path #:encoding "UTF-8")))
    (let loop ((acc '()))
      (if (eof-object? (skip-atmosphere port))
          (begin (close-port port) (reverse acc))
          (let* ((start (ftell port))
                 (datum (read port))
                 (end (ftell port))
                 (slice (make-bytevector (- end start))))
            (bytevector-copy! bytes start slice 0 (- end start))
            (loop (cons (cons (utf8->string slice) datum) acc)))))))

(define (run-case datum)
  ;; => (ok . output) or (error . description)
  (let ((module (make-fresh-user-module)))
    (eval %case-imports module)
    (for-each (lambda (spec)
                (let ((interface (resolve-interface (car spec))))
                  (for-each (lambda (name)
                              (module-add! module name
                                           (module-variable interface name)))
                            (cdr spec))))
              %case-overrides)
    (catch #t
      (lambda ()
        (cons 'ok (with-output-to-string
                    (lambda () (eval `(write ,datum) module)))))
      (lambda (key . args)
        (cons 'error (format #f "~s ~s" key args))))))

(define (topic-files dir)
  (sort (filter (lambda (name)
                  (and (string-suffix? ".scm" name)
                       (> (string-length name) 3)
                       (char-numeric? (string-ref name 0))
                       (char-numeric? (string-ref name 1))
                       (char=? (string-ref name 2) #\-)))
                (scandir dir))
        string<?))

(define (main args)
  (unless (= (length args) 3)
    (fail "usage: generate.scm CASE-DIR OUT-DIR"))
  (let ((case-dir (cadr args))
        (out-dir (caddr args))
        (bad 0)
        (total 0))
    (for-each
     (lambda (name)
       (let* ((cases (read-cases (string-append case-dir "/" name)))
              (results (map (lambda (c) (run-case (cdr c))) cases))
              (base (substring name 0 (- (string-length name) 4)))
              (out (string-append out-dir "/" base ".expected")))
         (for-each
          (lambda (c r)
            (when (eq? (car r) 'error)
              (set! bad (1+ bad))
              (format (current-error-port) "~a: bad case ~a~%  ~a~%"
                      name (car c) (cdr r))))
          cases results)
         (set! total (+ total (length cases)))
         (format #t "~a ~a~%" base (length cases))
         (call-with-output-file out
           (lambda (port)
             (for-each
              (lambda (c r)
                (format port "{\"source\":~a,\"expected\":~a}~%"
                        (json-string (car c)) (json-string (cdr r))))
              cases results))
           #:encoding "UTF-8")))
     (topic-files case-dir))
    (format #t "total ~a~%" total)
    (unless (zero? bad)
      (fail "~a bad case(s)" bad))))

(main (command-line))
