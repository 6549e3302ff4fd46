;;; Compression libraries built from source with the seed's toolchain.
(define-module (cairn packages compression)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn gexp)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:export (zlib gzip xz bzip2))

(define zlib
  (package
    (name "zlib")
    (version "1.2.13")
    (source (origin
              (method url-fetch)
              ;; Debian's repacked tarball (contrib/ removed, hence "dfsg"):
              ;; the archive has no copy of the upstream bytes, so it is the
              ;; only URL and the hash is of these bytes.
              (uri (string-append "mirror://debian/pool/main/z/zlib/zlib_" version ".dfsg.orig.tar.bz2"))
              (file-name (string-append "zlib-" version ".dfsg.tar.bz2"))
              (sha256
               (base32 "18dh3a6pa1hz765y9asv3qbk3plva979mdw3bw9fy01wgsabgzki"))))
    (build-system gnu-build-system)
    (outputs '("out" "static"))
    (arguments
     (list #:phases
           #~(modify-phases %standard-phases
               (replace 'configure
                 (lambda* (#:key outputs #:allow-other-keys)
                   ;; zlib's configure is not Autoconf's: it takes --prefix only.
                   (invoke "/bin/sh" "./configure"
                           (string-append "--prefix=" (assoc-ref outputs "out")))))
               (add-after 'install 'move-static-library
                 (lambda* (#:key outputs #:allow-other-keys)
                   (let ((out (assoc-ref outputs "out"))
                         (static (assoc-ref outputs "static")))
                     (mkdir-p (string-append static "/lib"))
                     (rename-file (string-append out "/lib/libz.a")
                                  (string-append static "/lib/libz.a"))))))))
    (home-page "https://zlib.net/")
    (synopsis "Compression library")
    (description
     "zlib is designed to be a free, general-purpose, legally unencumbered --
that is, not covered by any patents -- lossless data-compression library for
use on virtually any computer hardware and operating system.")
    (license license:zlib)))

(define gzip
  (package
    (name "gzip")
    (version "1.12")
    (source (origin
              (method url-fetch)
              (uri (list "mirror://gnu/gzip/gzip-1.12.tar.xz"
                         "mirror://debian/pool/main/g/gzip/gzip_1.12.orig.tar.xz"))
              (sha256
               (base32 "0mhrx5wk9gazmxdw7vmbpg036yzqqhsww6h12kwf2dzn37jh6pnf"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f))
    (home-page "https://www.gnu.org/software/gzip/")
    (synopsis "General file (de)compression (using lzw)")
    (description
     "GNU Gzip provides data compression and decompression utilities; the
typical extension is \".gz\".")
    (license license:gpl3+)))

(define xz
  (package
    (name "xz")
    (version "5.4.1")
    (source (origin
              (method url-fetch)
              ;; Debian's .orig is upstream's xz-compressed tarball; the hash is of these bytes.
              (uri "mirror://debian/pool/main/x/xz-utils/xz-utils_5.4.1.orig.tar.xz")
              (file-name "xz-5.4.1.tar.xz")
              (sha256
               (base32 "19d5crifn8a99qvasb4dx8vb8l16dnr4p1kqiwl1rckm32m2g62x"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-nls" "--disable-static")))
    (home-page "https://tukaani.org/xz/")
    (synopsis "General-purpose data compressor")
    (description
     "XZ Utils is free general-purpose data compression software with high
compression ratio.")
    (license license:public-domain)))

(define bzip2
  (package
    (name "bzip2")
    (version "1.0.8")
    (source (origin
              (method url-fetch)
              (uri (list "https://sourceware.org/pub/bzip2/bzip2-1.0.8.tar.gz"
                         "mirror://debian/pool/main/b/bzip2/bzip2_1.0.8.orig.tar.gz"))
              (sha256
               (base32 "0s92986cv0p692icqlw1j42y9nld8zd83qwhzbqd61p1dqbh6nmb"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:make-flags
           #~(list (string-append "PREFIX=" #$output) "CC=gcc")
           #:phases
           #~(modify-phases %standard-phases
               ;; A plain Makefile: no configure script.
               (delete 'configure))))
    (home-page "https://sourceware.org/bzip2/")
    (synopsis "High-quality data compression program")
    (description
     "bzip2 is a freely available, patent free, high-quality data
compressor.")
    (license (license:non-copyleft "file://LICENSE" "See LICENSE in the distribution."))))
