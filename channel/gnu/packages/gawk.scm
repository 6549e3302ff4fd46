;;; Guix's module name for Cairn's (cairn packages gawk).
(define-module (gnu packages gawk))
(re-export-public-interface (cairn packages gawk))
