;;; Formatted reports with (ice-9 format).
(use-modules (ice-9 format) (srfi srfi-1))

(define rows
  '(("hello" "2.12.1" 1234)
    ("coreutils" "9.1" 56789)
    ("sed" "4.8" 901)))

(format #t "~a~%" (make-string 30 #\-))
(for-each (lambda (row)
            (format #t "~12a ~8a ~7d~%" (first row) (second row) (third row)))
          rows)
(format #t "~a~%" (make-string 30 #\-))
(format #t "total: ~d bytes in ~d packages~%"
        (fold + 0 (map third rows)) (length rows))
(format #t "names: ~{~a~^, ~}~%" (map first rows))
(format #t "quoted: ~s and ~a~%" "with quotes" "without")
(format #t "hex ~x, octal ~o, binary ~b~%" 255 8 5)
(format #t "fixed ~,3f and grouped ~:d~%" 2.5 1234567)
(display (format #f "~a + ~a = ~a" 1 2 (+ 1 2)))
(newline)
