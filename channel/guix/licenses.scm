;;; Guix's module name for Cairn's licenses.
(define-module (guix licenses))
(re-export-public-interface (cairn licenses))
