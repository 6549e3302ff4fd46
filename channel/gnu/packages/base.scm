;;; Guix's module name for Cairn's (cairn packages base).
(define-module (gnu packages base))
(re-export-public-interface (cairn packages base))
