;;; Guix's module name for the store primitives of Cairn's core.
(define-module (guix derivations))
(re-export-public-interface (cairn core store))
