;;; Guix's module name for the build-side (cairn build utils); the
;;; #:use-module makes with-imported-modules ship it along.
(define-module (guix build utils)
  #:use-module (cairn build utils))
(re-export-public-interface (cairn build utils))
