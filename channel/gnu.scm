;;; Guix's (gnu): what manifests and configurations start with.  Here it
;;; gathers packages, gexps and profiles, and `use-package-modules'.
(define-module (gnu)
  #:export-syntax (use-package-modules))
(re-export-public-interface (cairn packages) (cairn gexp) (cairn profiles))

;; (use-package-modules base compression) => (use-modules (gnu packages base) …)
(define-syntax use-package-modules
  (syntax-rules ()
    ((_ name ...) (use-modules (gnu packages name) ...))))
