;;; Search paths: the environment variables a package's users need
;;; (PATH, CPATH, LIBRARY_PATH …), as Guix's (guix search-paths).
(define-module (cairn search-paths)
  #:use-module (cairn records)
  #:export (search-path-specification search-path-specification?
            search-path-specification-variable search-path-specification-files
            search-path-specification-separator search-path-specification-file-type
            search-path-specification-file-pattern
            search-path-specification->sexp
            $PATH $CPATH $C_INCLUDE_PATH $LIBRARY_PATH $PKG_CONFIG_PATH))

(define-record-type* <search-path-specification>
  search-path-specification make-search-path-specification
  search-path-specification?
  (variable     search-path-specification-variable)
  (files        search-path-specification-files)
  (separator    search-path-specification-separator (default ":"))
  (file-type    search-path-specification-file-type (default 'directory))
  (file-pattern search-path-specification-file-pattern (default #f)))

;; The form the build side and profiles read: (VARIABLE FILES SEPARATOR TYPE PATTERN).
(define (search-path-specification->sexp spec)
  (list (search-path-specification-variable spec)
        (search-path-specification-files spec)
        (search-path-specification-separator spec)
        (search-path-specification-file-type spec)
        (search-path-specification-file-pattern spec)))

(define $PATH (search-path-specification (variable "PATH") (files '("bin" "sbin"))))
(define $CPATH (search-path-specification (variable "CPATH") (files '("include"))))
(define $C_INCLUDE_PATH (search-path-specification (variable "C_INCLUDE_PATH") (files '("include"))))
(define $LIBRARY_PATH (search-path-specification (variable "LIBRARY_PATH") (files '("lib" "lib64"))))
(define $PKG_CONFIG_PATH
  (search-path-specification (variable "PKG_CONFIG_PATH") (files '("lib/pkgconfig" "share/pkgconfig"))))
