;;; Base packages built from source with the seed's toolchain.
(define-module (cairn packages base)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:use-module (cairn gexp)
  #:export (hello coreutils))

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

(define coreutils
  (package
    (name "coreutils")
    (version "9.1")
    (source (origin
              (method url-fetch)
              ;; Debian's .orig tarball is GNU's release tarball.
              (uri (list (string-append "mirror://gnu/coreutils/coreutils-" version ".tar.xz")
                         (string-append "mirror://debian/pool/main/c/coreutils/coreutils_" version ".orig.tar.xz")))
              (sha256
               (base32 "08q4b0w7mwfxbqjs712l6wrwl2ijs7k50kssgbryg9wbsw8g98b1"))))
    (build-system gnu-build-system)
    (arguments
     ;; The test suite takes longer than the build and needs a real user
     ;; database and terminal; Guix runs it, a later change may too.
     (list #:tests? #f
           #:configure-flags
           ;; Nothing of the seed's optional libraries (ACLs, SELinux, GMP,
           ;; OpenSSL) may be picked up: the result must need only glibc.
           #~(list "--disable-acl" "--disable-xattr" "--disable-libsmack"
                   "--disable-libcap" "--without-selinux" "--without-gmp"
                   "--without-openssl" "--disable-nls")))
    (home-page "https://www.gnu.org/software/coreutils/")
    (synopsis "Core GNU utilities (file, text, shell)")
    (description
     "GNU Coreutils package includes all of the basic command-line tools that
are expected in a POSIX system, excluding shell.  This package is the union of
the GNU fileutils, sh-utils, and textutils packages.  Most of these tools offer
extended functionality beyond that which is outlined in the POSIX standard.")
    (license license:gpl3+)))
