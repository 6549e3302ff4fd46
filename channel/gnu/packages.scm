;;; Guix's (gnu packages): looking packages up by specification.
(define-module (gnu packages))
(re-export-public-interface (cairn profiles))
