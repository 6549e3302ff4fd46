;;; Guix's module name for Cairn's search paths.
(define-module (guix search-paths))
(re-export-public-interface (cairn search-paths))
