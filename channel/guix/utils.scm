;;; The keyword-argument helpers of Guix's (guix utils) that package files use.
(define-module (guix utils)
  #:use-module (cairn build-system)
  #:re-export (substitute-keyword-arguments default-keyword-arguments
               strip-keyword-arguments keyword-argument))
