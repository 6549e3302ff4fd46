;;; Guix's module name for Cairn's gnu build system.
(define-module (guix build-system gnu))
(re-export-public-interface (cairn build-system gnu))
