;; a comment
(use-modules (srfi srfi-1)
             (gnu packages nothing))
