;;; Base packages built from source with the seed's toolchain.
(define-module (cairn packages base)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:export (hello))

(define hello
  (package
    (name "hello")
    (version "2.10")
    (source (origin
              (method url-fetch)
              ;; The Debian archive keeps the same bytes as its .orig tarball.
              (uri (list (string-append "mirror://gnu/hello/hello-" version ".tar.gz")
                         (string-append "mirror://debian/pool/main/h/hello/hello_" version ".orig.tar.gz")))
              (sha256
               (base32 "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i"))))
    (build-system gnu-build-system)
    (home-page "https://www.gnu.org/software/hello/")
    (synopsis "Hello, GNU world: An example GNU package")
    (description
     "GNU Hello prints the message \"Hello, world!\" and then exits.  It
serves as an example of standard GNU coding practices.  As such, it supports
command-line arguments, multiple languages, and so on.")
    (license license:gpl3+)))
