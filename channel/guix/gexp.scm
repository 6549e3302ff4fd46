;;; Guix's module name for Cairn's gexp library, so Guix files load unchanged.
(define-module (guix gexp))
(re-export-public-interface (cairn gexp))
