;;; The GNU Bourne-Again Shell, built from source with the seed's toolchain.
(define-module (cairn packages bash)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn gexp)
  #:use-module (cairn search-paths)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:export (bash))

(define bash
  (package
    (name "bash")
    (version "5.2.15")
    (source (origin
              (method url-fetch)
              ;; Debian's tarball: Bash 5.2 with the upstream patches 1 to 15
              ;; applied. The hash is of these bytes.
              (uri (string-append "mirror://debian/pool/main/b/bash/bash_" version ".orig.tar.gz"))
              (file-name (string-append "bash-" version ".tar.gz"))
              (sha256
               (base32 "0l8gc1bavrd896kx3hwcrlrly7m4jq8fr423kqai61yrx705ncbs"))))
    (build-system gnu-build-system)
    (arguments
     (list #:tests? #f
           #:configure-flags
           ;; Bash's own malloc is not thread-safe with glibc's; its bundled
           ;; readline and termcap keep the closure to glibc alone.
           #~(list "--without-bash-malloc" "--disable-nls" "--without-curses")
           #:phases
           #~(modify-phases %standard-phases
               (add-after 'install 'install-sh-symlink
                 (lambda* (#:key outputs #:allow-other-keys)
                   ;; What /bin/sh of a container points to, as in Guix.
                   (with-directory-excursion (string-append (assoc-ref outputs "out") "/bin")
                     (symlink "bash" "sh")))))))
    (native-search-paths
     (list (search-path-specification
            (variable "BASH_LOADABLES_PATH")
            (files '("lib/bash")))))
    (home-page "https://www.gnu.org/software/bash/")
    (synopsis "The GNU Bourne-Again SHell")
    (description
     "Bash is the shell, or command-line interpreter, of the GNU system.  It
is compatible with the Bourne Shell, but it also integrates useful features
from the Korn Shell and the C Shell and new improvements of its own.  It
allows command-line editing, unlimited command history, shell functions and
aliases, and job control while still allowing most sh scripts to be run
without modification.")
    (license license:gpl3+)))
