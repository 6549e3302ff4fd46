;;; Word frequencies with a hash table, sorted output, string utilities.
(use-modules (srfi srfi-1) (ice-9 format))

(define text
  "the quick brown fox jumps over the lazy dog
the dog barks and the fox runs
a quick end")

(define (words str)
  (filter (lambda (w) (not (string-null? w)))
          (append-map (lambda (line) (string-split line #\space))
                      (string-split str #\newline))))

(define counts (make-hash-table))
(for-each (lambda (w) (hash-set! counts w (+ 1 (hash-ref counts w 0))))
          (words text))

(define sorted
  (sort (hash-map->list cons counts)
        (lambda (a b)
          (or (> (cdr a) (cdr b))
              (and (= (cdr a) (cdr b)) (string<? (car a) (car b)))))))

(for-each (lambda (entry)
            (format #t "~8a ~d~%" (car entry) (cdr entry)))
          (take sorted 5))

(format #t "distinct words: ~a~%" (length sorted))
(format #t "total words: ~a~%" (fold + 0 (map cdr sorted)))
(format #t "longest: ~s~%"
        (fold (lambda (w best) (if (> (string-length w) (string-length best)) w best))
              "" (map car sorted)))
(display (string-join (map string-upcase (list-head (map car sorted) 3)) ", "))
(newline)
