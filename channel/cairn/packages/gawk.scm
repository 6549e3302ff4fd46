;;; GNU Awk, built from source with the seed's toolchain.
(define-module (cairn packages gawk)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn gexp)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:export (gawk))

(define gawk
  (package
    (name "gawk")
    (version "5.2.1")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/gawk/gawk-5.2.1.tar.xz"
                         "mirror://debian/pool/main/g/gawk/gawk_5.2.1.orig.tar.xz"))
              (sha256
               (base32 "0rassxhrii2d1b5drjwvmsrphr0wg0s3m5r7qyww23hq7cla0dr3"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-nls" "--without-readline" "--without-mpfr")
           #:phases
           #~(modify-phases %standard-phases
               (add-after 'configure 'skip-manual
                 (lambda _
                   ;; Debian's tarball leaves the manual's sources out (its
                   ;; licence has invariant sections), and awklib's example
                   ;; programs are extracted from it: nothing to make there.
                   (for-each (lambda (directory)
                               (call-with-output-file (string-append directory "/Makefile")
                                 (lambda (port)
                                   (display "all install install-strip check clean:\n\t@:\n" port))))
                             '("doc" "awklib")))))))
    (home-page "https://www.gnu.org/software/gawk/")
    (synopsis "Text scanning and processing language")
    (description
     "Gawk is the GNU implementation of Awk, a specialized programming
language for the easy manipulation of formatted text, such as tables of data.")
    (license license:gpl3+)))
