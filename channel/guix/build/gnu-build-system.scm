;;; Guix's module name for the build-side (cairn build gnu-build-system); the
;;; #:use-module makes with-imported-modules ship it along.
(define-module (guix build gnu-build-system)
  #:use-module (cairn build gnu-build-system))
(re-export-public-interface (cairn build gnu-build-system))
