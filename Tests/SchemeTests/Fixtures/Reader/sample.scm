#!/usr/bin/env guile
-s
!#
;;; A package module in the style of Guix, used by ReaderTests.
;;; Copyright © 2024 Nobody <nobody@example.org>

(define-module (gnu packages sample)
  #:use-module (guix packages)
  #:use-module (guix gexp)
  #:use-module ((guix licenses) #:prefix license:)
  #:export (hello hello/static))

#|
  A block comment #| with a nested one |# that ends here.
|#

(define-public hello
  (package
    (name "hello")
    (version "2.12.1")
    (source (origin
              (method url-fetch)
              (uri (string-append "mirror://gnu/hello/hello-" version
                                  ".tar.gz"))
              (sha256
               (base32
                "086vqwk2wl8zfs47sq2xpjc9k066ilmb8z6dn0q6ymwjzlm196cd"))))
    (build-system gnu-build-system)
    (arguments
     (list #:configure-flags #~(list (string-append "--prefix=" #$output)
                                     #$@(if #t '("--enable-nls") '()))
           #:phases
           #~(modify-phases %standard-phases
               (add-after 'install 'check-more
                 (lambda* (#:key inputs #:allow-other-keys)
                   (invoke #+(file-append coreutils "/bin/true")
                           #+@(list "a" "b")))))))
    #;(inputs (list gettext))
    (synopsis "Hello, GNU world: An example GNU package")
    (description
     "GNU Hello prints the message \"Hello, world!\" and then exits.  It
serves as an example of standard GNU coding practices.\tTab\\Backslash")
    (home-page "https://www.gnu.org/software/hello/")
    (license license:gpl3+)))

(define hello/static
  `(static ,hello ,@(list 1 2) [square brackets] . tail))

(define characters '(#\a #\space #\newline #\x41 #\nul #\λ #\( #\)))
(define vectors '#(1 "two" #(3) #vu8(4 5 255)))
(define syntaxes (list #'x #`(y #,z #,@w)))
(define symbols '(|hello world| #{odd symbol}# λ->μ ... + - 1+ a.b))
(define numbers '(0 -17 42 3.5 .5))
