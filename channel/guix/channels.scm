;;; Guix's module name for Cairn's (cairn channels), so channels.scm files load unchanged.
(define-module (guix channels))
(re-export-public-interface (cairn channels))
