;;; A Guix-flavoured package DSL: records, define* with keywords,
;;; and a topological sort of the dependency graph.
(use-modules (srfi srfi-1) (srfi srfi-9) (ice-9 match))

(define-record-type <package>
  (%make-package name version inputs)
  package?
  (name package-name)
  (version package-version)
  (inputs package-inputs))

(define* (package #:key name (version "1.0") (inputs '()))
  (%make-package name version inputs))

(define glibc (package #:name "glibc" #:version "2.35"))
(define zlib (package #:name "zlib" #:version "1.2.13" #:inputs (list glibc)))
(define openssl (package #:name "openssl" #:version "3.0.8" #:inputs (list glibc zlib)))
(define curl (package #:name "curl" #:version "8.0" #:inputs (list openssl zlib glibc)))
(define git (package #:name "git" #:inputs (list curl openssl zlib)))

(define (package-full-name p)
  (string-append (package-name p) "-" (package-version p)))

(define (topological-order root)
  (let loop ((todo (list root)) (visited '()) (order '()))
    (match todo
      (() (reverse order))
      ((p . rest)
       (if (member (package-name p) visited)
           (loop rest visited order)
           (let ((pending (remove (lambda (i) (member (package-name i) visited))
                                  (package-inputs p))))
             (if (null? pending)
                 (loop rest (cons (package-name p) visited) (cons p order))
                 (loop (append pending todo) visited order))))))))

(for-each (lambda (p) (display (package-full-name p)) (newline))
          (topological-order git))

(define (closure-size p)
  (length (topological-order p)))
(display (map (lambda (p) (cons (package-name p) (closure-size p)))
              (list glibc zlib openssl curl git)))
(newline)
(write (map package-name (package-inputs curl)))
(newline)
