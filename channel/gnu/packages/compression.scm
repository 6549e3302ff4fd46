;;; Guix's module name for Cairn's (cairn packages compression).
(define-module (gnu packages compression))
(re-export-public-interface (cairn packages compression))
