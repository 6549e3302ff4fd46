;;; Guix's module name for Cairn's (cairn packages bash).
(define-module (gnu packages bash))
(re-export-public-interface (cairn packages bash))
