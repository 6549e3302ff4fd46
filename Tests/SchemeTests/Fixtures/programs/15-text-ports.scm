;;; String ports, read-line, char-level parsing.
(use-modules (ice-9 rdelim) (srfi srfi-1))

(define config "name = hello\nversion = 2.12\n# comment\n\nlicense = gpl3+\n")

(define (parse-line line)
  (let ((i (string-index line #\=)))
    (and i
         (not (string-prefix? "#" line))
         (cons (string-trim-both (substring line 0 i))
               (string-trim-both (substring line (+ i 1)))))))

(define (read-config str)
  (call-with-input-string str
    (lambda (port)
      (let loop ((acc '()))
        (let ((line (read-line port)))
          (if (eof-object? line)
              (reverse acc)
              (loop (let ((entry (parse-line line)))
                      (if entry (cons entry acc) acc)))))))))

(define entries (read-config config))
(write entries)
(newline)
(display (assoc-ref entries "version"))
(newline)

(define (tokenize str)
  (let ((port (open-input-string str)))
    (let loop ((tokens '()) (current '()))
      (let ((c (read-char port)))
        (cond ((eof-object? c)
               (reverse (if (null? current)
                            tokens
                            (cons (list->string (reverse current)) tokens))))
              ((char-whitespace? c)
               (loop (if (null? current)
                         tokens
                         (cons (list->string (reverse current)) tokens))
                     '()))
              ((memv c '(#\( #\)))
               (loop (cons (string c)
                           (if (null? current)
                               tokens
                               (cons (list->string (reverse current)) tokens)))
                     '()))
              (else (loop tokens (cons c current))))))))
(write (tokenize "(define (f x)  (* x 2))"))
(newline)

(define out (open-output-string))
(for-each (lambda (e) (display (car e) out) (display ":" out) (write (cdr e) out) (display ";" out))
          entries)
(display (get-output-string out))
(newline)
(display (with-output-to-string (lambda () (write 'sym) (display " ") (write "str"))))
(newline)
