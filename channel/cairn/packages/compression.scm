;;; Compression libraries built from source with the seed's toolchain.
(define-module (cairn packages compression)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn gexp)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:export (zlib))

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
