;;; N-queens by backtracking.
(use-modules (srfi srfi-1))

(define (safe? col placed)
  (let loop ((rest placed) (distance 1))
    (or (null? rest)
        (and (not (= (car rest) col))
             (not (= (abs (- (car rest) col)) distance))
             (loop (cdr rest) (+ distance 1))))))

(define (queens n)
  (let place ((row 0) (placed '()))
    (if (= row n)
        (list (reverse placed))
        (append-map (lambda (col)
                      (if (safe? col placed)
                          (place (+ row 1) (cons col placed))
                          '()))
                    (iota n)))))

(for-each (lambda (n)
            (display n) (display " queens: ")
            (display (length (queens n)))
            (newline))
          '(1 2 3 4 5 6 7 8))

(define (show-board solution)
  (for-each (lambda (col)
              (display (list->string
                        (map (lambda (c) (if (= c col) #\Q #\.))
                             (iota (length solution)))))
              (newline))
            solution))
(show-board (car (queens 6)))
