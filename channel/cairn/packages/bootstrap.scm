;;; The bootstrap (ARCHITECTURE.md §1.6): Debian binary packages pinned in
;;; (cairn bootstrap debian-seed), downloaded through mirror://debian and
;;; unpacked into the FHS tree builds run in; the C library programs load at
;;; run time; and the compiler wrapper that makes programs load it from the
;;; store, never from /lib.
(define-module (cairn packages bootstrap)
  #:use-module (cairn bootstrap debian-seed)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn gexp)
  #:use-module (cairn core store)
  #:use-module (cairn build-system)
  #:use-module (cairn build-system trivial)
  #:use-module (cairn search-paths)
  #:use-module ((cairn licenses) #:prefix license:)
  #:use-module (srfi srfi-1)
  #:export (debian-seed glibc gcc-toolchain seed-deb %seed-links unpack-debs-build-system
            %glibc-dynamic-linker))

(define (seed-entry name)
  (or (find (lambda (entry) (string=? (car entry) name)) %debian-seed)
      (error (string-append "no Debian package \"" name "\" in the seed list; regenerate it with 'cairn import debian-seed'"))))

;; The download of one seed package: (name version pool-file sha256 size).
(define (seed-deb name)
  (let* ((entry (seed-entry name))
         (file (caddr entry)))
    (url-fetch (string-append "mirror://debian/" file) 'sha256 (cadddr entry)
               (let ((slash (string-rindex file #\/))) (substring file (+ slash 1))))))

;; The links maintainer scripts (and update-alternatives) would have made.
(define %seed-links
  (string-append "bin/sh bash\n"
                 "usr/bin/cc gcc\n"
                 "usr/bin/awk mawk\n"
                 ;; Debian's tar runs lbzip2 for .bz2; bzip2 takes the same options.
                 "usr/bin/lbzip2 ../../bin/bzip2\n"))

;; #:debs names seed packages, unpacked in order into one tree.
(define* (unpack-debs-lower name #:key system debs (links "") #:allow-other-keys)
  (bag
   (name name)
   (system system)
   (arguments (list #:debs debs #:links links))
   (build (lambda* (name inputs #:key debs links #:allow-other-keys)
            (let ((downloads (map seed-deb debs)))
              (derivation name "builtin:unpack-debs" '()
                          #:system "builtin"
                          #:inputs downloads
                          #:env-vars `(("debs" . ,(string-join (map derivation->output-path downloads) " "))
                                       ("links" . ,links))))))))

(define unpack-debs-build-system
  (build-system
   (name 'unpack-debs)
   (description "Unpack pinned Debian binary packages into one tree")
   (lower unpack-debs-lower)))

(define (seed-version name) (cadr (seed-entry name)))

(define debian-seed
  (package
    (name "debian-seed")
    (version (seed-version "libc6"))
    (source #f)
    (build-system unpack-debs-build-system)
    (arguments (list #:debs (map car %debian-seed) #:links %seed-links))
    (home-page #f)
    (synopsis "FHS tree of pinned Debian binaries that builds run in")
    (description "The compiler, C library headers, shell and utilities of
the bootstrap seed: Debian binary packages pinned by SHA-256, unpacked without
running maintainer scripts.  Builds see it at / in their sandbox.")
    (license license:gpl3+)
    (properties '((origin . debian-binaries)))))

(define glibc
  (package
    (name "glibc")
    (version (seed-version "libc6"))
    (source #f)
    (build-system unpack-debs-build-system)
    (arguments (list #:debs '("libc6")))
    (home-page "https://www.gnu.org/software/libc/")
    (synopsis "The GNU C library, as programs load it at run time")
    (description "The GNU C library from the same Debian package as the
seed's headers, in the store, so that programs linked by gcc-toolchain load it
and its dynamic linker from there.  Repackaged from a pinned Debian binary.")
    (license license:lgpl2.1+)
    (properties '((origin . debian-binaries)))))

(define %glibc-dynamic-linker "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")

;; The wrapper passes the store's dynamic linker and a RUNPATH for the C
;; library and for every library directory in the store the link may use:
;; -L arguments and LIBRARY_PATH (where set-paths puts the inputs' lib), as
;; Guix's ld-wrapper does for the libraries it links.
(define (wrapper-script compiler)
  #~(string-append
     "#!/bin/sh\n"
     "extra=\n"
     "for arg in \"$@\"; do\n"
     "  case \"$arg\" in\n"
     "    -L" #$%store-directory "/*) extra=\"$extra -Wl,-rpath=${arg#-L}\" ;;\n"
     "  esac\n"
     "done\n"
     "saved_ifs=$IFS; IFS=:\n"
     "for dir in $LIBRARY_PATH; do\n"
     "  case \"$dir\" in\n"
     "    " #$%store-directory "/*) [ -d \"$dir\" ] && extra=\"$extra -Wl,-rpath=$dir\" ;;\n"
     "  esac\n"
     "done\n"
     "IFS=$saved_ifs\n"
     "exec " #$compiler " -Wl,--dynamic-linker=" #$glibc #$%glibc-dynamic-linker
     " -Wl,-rpath=" #$glibc "/lib/x86_64-linux-gnu $extra \"$@\"\n"))

(define gcc-toolchain
  (package
    (name "gcc-toolchain")
    (version (seed-version "gcc-12"))
    (source #f)
    (build-system trivial-build-system)
    (arguments
     (list #:builder
           #~(begin
               (mkdir #$output)
               (mkdir (string-append #$output "/bin"))
               (for-each (lambda (name)
                           (let ((file (string-append #$output "/bin/" name)))
                             (call-with-output-file file
                               (lambda (port) (display #$(wrapper-script "/usr/bin/gcc") port)))
                             (chmod file #o555)))
                         '("gcc" "cc" "x86_64-linux-gnu-gcc")))))
    (inputs (list glibc))
    ;; What the compiler reads: headers and libraries of the profile's packages.
    (native-search-paths (list $CPATH $LIBRARY_PATH))
    (home-page "https://gcc.gnu.org/")
    (synopsis "C compiler that links programs against the store's C library")
    (description "Wrappers around the seed's GCC that give every program it
links the store's dynamic linker and a RUNPATH into the store, so that it runs
on any Linux with the host's /lib hidden.")
    (license license:gpl3+)))
