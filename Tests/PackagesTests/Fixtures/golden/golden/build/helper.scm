;;; Build-side module of the golden fixture (shipped with add-modules-to-store).
(define-module (golden build helper)
  #:use-module (golden build words)
  #:export (greeting))

(define (greeting) (string-append (word) "!"))
