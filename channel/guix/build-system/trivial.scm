;;; Guix's module name for Cairn's trivial build system.
(define-module (guix build-system trivial))
(re-export-public-interface (cairn build-system trivial))
