;;; Guix's module name for Cairn's (cairn packages bootstrap).
(define-module (gnu packages bootstrap))
(re-export-public-interface (cairn packages bootstrap))
