;;; Base packages built from source with the seed's toolchain.
(define-module (cairn packages base)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:use-module (cairn gexp)
  #:export (hello coreutils grep sed tar patch diffutils findutils))

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

(define grep
  (package
    (name "grep")
    (version "3.8")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/grep/grep-3.8.tar.xz"
                         "mirror://debian/pool/main/g/grep/grep_3.8.orig.tar.xz"))
              (sha256
               (base32 "10n3mc9n1xmg85hpxyr4wiqzfp27ffxzwhvkv021j27vnk0pr3a9"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-perl-regexp" "--disable-nls")))
    (home-page "https://www.gnu.org/software/grep/")
    (synopsis "Print lines matching a pattern")
    (description
     "grep is a tool for finding text inside files.  Text is found by
matching a pattern provided by the user in one or many files.")
    (license license:gpl3+)))

(define sed
  (package
    (name "sed")
    (version "4.9")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/sed/sed-4.9.tar.xz"
                         "mirror://debian/pool/main/s/sed/sed_4.9.orig.tar.xz"))
              (sha256
               (base32 "10aijwj1sqqr6njsfbcjh9wjv95bl78jp1nn9933kmqw5rrnn8kf"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-nls" "--without-selinux" "--disable-acl")))
    (home-page "https://www.gnu.org/software/sed/")
    (synopsis "Stream editor")
    (description
     "Sed is a non-interactive, text stream editor.  It receives a text
input from a file or from standard input and it then edits that text.")
    (license license:gpl3+)))

(define tar
  (package
    (name "tar")
    (version "1.34")
    (source (origin
              (method url-fetch)
              ;; Debian's tarball, repacked without the non-free manual ("dfsg"):
              ;; the archive has no copy of GNU's bytes, so the hash is of these.
              (uri "mirror://debian/pool/main/t/tar/tar_1.34+dfsg.orig.tar.xz")
              (file-name "tar-1.34+dfsg.tar.xz")
              (sha256
               (base32 "0i281sxcbh6aiam52nvrgsa7q8ri6mxkffzvvsa874nb82ah4mvx"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-nls" "--without-selinux" "--disable-acl" "--without-xattrs")))
    (home-page "https://www.gnu.org/software/tar/")
    (synopsis "Managing tar archives")
    (description
     "Tar provides the ability to create tar archives, as well as the
ability to extract, update or list files in an existing archive.")
    (license license:gpl3+)))

(define patch
  (package
    (name "patch")
    (version "2.7.6")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/patch/patch-2.7.6.tar.xz"
                         "mirror://debian/pool/main/p/patch/patch_2.7.6.orig.tar.xz"))
              (sha256
               (base32 "1zfqy4rdcy279vwn2z1kbv19dcfw25d2aqy9nzvdkq5bjzd0nqdc"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-xattr")))
    (home-page "https://savannah.gnu.org/projects/patch/")
    (synopsis "Apply differences to originals, with optional backups")
    (description
     "Patch is a program that applies changes to files based on differences
laid out as by the program \"diff\".")
    (license license:gpl3+)))

(define diffutils
  (package
    (name "diffutils")
    (version "3.8")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/diffutils/diffutils-3.8.tar.xz"
                         "mirror://debian/pool/main/d/diffutils/diffutils_3.8.orig.tar.xz"))
              (sha256
               (base32 "1v4g8gi0lgakqa7iix8s4fq7lq6l92vw3rjd9wfd2rhjng8xggd6"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-nls")))
    (home-page "https://www.gnu.org/software/diffutils/")
    (synopsis "Comparing and merging files")
    (description
     "GNU Diffutils is a package containing tools for finding the
differences between files.")
    (license license:gpl3+)))

(define findutils
  (package
    (name "findutils")
    (version "4.9.0")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/findutils/findutils-4.9.0.tar.xz"
                         "mirror://debian/pool/main/f/findutils/findutils_4.9.0.orig.tar.xz"))
              (sha256
               (base32 "1zk2sighc26bfdsm97bv7cd1cnvq7r4gll4zqpnp0rs3kp0bigx2"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-nls" "--without-selinux")))
    (home-page "https://www.gnu.org/software/findutils/")
    (synopsis "Operating on files matching given criteria")
    (description
     "Findutils supplies the basic file directory searching utilities of the
GNU system.  It consists of two primary searching utilities: \"find\"
recursively searches for files in a directory according to given criteria and
\"locate\" lists files in a database that match a query.")
    (license license:gpl3+)))
