;;; Guix's module name for the store primitives of Cairn's core.
(define-module (guix store))
(re-export-public-interface (cairn core store))
