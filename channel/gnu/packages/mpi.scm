;;; Guix's module name for Cairn's (cairn packages mpi).
(define-module (gnu packages mpi))
(re-export-public-interface (cairn packages mpi))
