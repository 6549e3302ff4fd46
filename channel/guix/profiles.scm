;;; Guix's module name for Cairn's manifests and profiles.
(define-module (guix profiles))
(re-export-public-interface (cairn profiles))
