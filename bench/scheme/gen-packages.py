#!/usr/bin/env python3
"""Writes DIR/bench/packages.scm: N package-like records, each inheriting from
the previous one, built with keyword arguments and a quasiquoted argument
list, and a procedure that forces every one of them."""
import os, sys

directory, count = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(directory, "bench"), exist_ok=True)
with open(os.path.join(directory, "bench", "packages.scm"), "w") as out:
    out.write("""(define-module (bench packages)
  #:use-module (srfi srfi-9)
  #:export (all-packages force-all))

(define-record-type <package>
  (make-package name version inputs arguments properties)
  package?
  (name package-name)
  (version package-version)
  (inputs package-inputs)
  (arguments package-arguments-thunk)
  (properties package-properties))

(define* (package #:key (inherit #f)
                  (name (and inherit (package-name inherit)))
                  (version (and inherit (package-version inherit)))
                  (inputs (if inherit (package-inputs inherit) '()))
                  (arguments (if inherit (package-arguments-thunk inherit) (lambda () '())))
                  (properties '()))
  (make-package name version inputs arguments properties))

(define base (package #:name "base" #:version "1.0"))
""")
    previous = "base"
    for i in range(count):
        name = f"p{i}"
        out.write(f"""
(define {name}
  (package #:inherit {previous}
           #:name "{name}"
           #:version "{i % 7}.{i % 13}"
           #:inputs (list {previous})
           #:arguments (lambda ()
                         `(#:tests? {"#t" if i % 2 else "#f"}
                           #:configure-flags (list ,(string-append "--with-" "{name}") "--enable-shared")
                           #:phases (modify-phases %standard-phases (delete 'check))))
           #:properties `((upstream-name . ,(string-append "lib" "{name}")))))
""")
        previous = name
    names = " ".join(f"p{i}" for i in range(count))
    out.write(f"""
(define all-packages (list {names}))

(define (force-all)
  (let loop ((packages all-packages) (total 0))
    (if (null? packages)
        total
        (let ((arguments ((package-arguments-thunk (car packages)))))
          (loop (cdr packages) (+ total (length arguments) (string-length (package-name (car packages)))))))))
""")
