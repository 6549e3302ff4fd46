;;; A frozen fixture channel for the golden derivation test: its own small
;;; package record and build system on the core primitives only (records,
;;; gexps, the store), so the .drv paths it gives change only when the
;;; Swift core changes how they are computed (ARCHITECTURE.md §1.1).
;;; Never edit this file to make the test pass: a change here is a change
;;; of the pinned paths.
(define-module (golden base)
  #:use-module (guix records)
  #:use-module (cairn core gexp)
  #:use-module (cairn core store)
  #:export (%golden widget widget-drv))

(define-record-type* <widget> widget make-widget widget? this-widget
  (name widget-name)
  (version widget-version (default "1.0"))
  (inputs widget-inputs (default '()) (thunked))
  (outputs widget-outputs (default '("out")))
  (script widget-script (default #f) (thunked))
  (label widget-label (default (string-append (widget-name this-widget) "-" (widget-version this-widget)))
         (thunked)))

(define %cache (make-hash-table))

(define (widget-drv w)
  (or (hashq-ref %cache w)
      (let* ((code (or (widget-script w)
                       #~(begin (mkdir #$output)
                                (call-with-output-file (string-append #$output "/inputs")
                                  (lambda (port) (write (list #$@(widget-inputs w)) port))))))
             (lowered (lower-gexp code))
             (modules (add-modules-to-store "golden-modules" '((golden build helper))))
             (script (add-text-to-store (string-append (widget-label w) "-builder")
                                        (object->string (car lowered)) (caddr lowered)))
             (drv (derivation (widget-label w) "builtin:scheme" (list "-L" modules script)
                              #:outputs (widget-outputs w)
                              #:inputs (append (cadr lowered) (caddr lowered) (list modules script))
                              #:env-vars '(("LC_ALL" . "C")))))
        (hashq-set! %cache w drv)
        drv)))

(register-gexp-compiler! <widget> widget-drv)

(define tarball
  (derivation "source.tar.gz" "builtin:fetchurl" '()
              #:system "builtin"
              #:hash (base32 "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i")
              #:env-vars '(("url" . "mirror://gnu/hello/hello-2.10.tar.gz"))))

(define tree
  (derivation "tree" "builtin:fetchurl" '()
              #:system "builtin" #:recursive? #t
              #:hash "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
              #:env-vars '(("url" . "https://example.org/tree.nar") ("executable" . "1"))))

(define notes (add-to-store "notes" (string-append (current-source-directory) "/../data") #t))
(define readme (add-text-to-store "readme.txt" "golden fixture\n"))

(define base (widget (name "base") (inputs (list readme notes))))
(define multi (widget (name "multi") (outputs '("out" "lib" "doc"))
                      (inputs (list base tarball tree))
                      (script #~(begin (mkdir #$output) (mkdir #$output:lib) (mkdir #$output:doc)
                                       (symlink #$base (string-append #$output:lib "/base"))))))
(define derived (widget (inherit base) (name "derived") (version "2.0")
                        (inputs (list multi #~(string-append #$multi:lib "/base") (plain-text)))))

(define (plain-text) "plain")

(define %golden (list base multi derived))
