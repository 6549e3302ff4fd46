;;; Guix's module name for Cairn's packages.
(define-module (guix packages))
(re-export-public-interface (cairn packages))
