;;; Guix's module name for Cairn's build systems.
(define-module (guix build-system))
(re-export-public-interface (cairn build-system))
