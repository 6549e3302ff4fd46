;;; Guix's module name for Cairn's downloads.
(define-module (guix download))
(re-export-public-interface (cairn download))
