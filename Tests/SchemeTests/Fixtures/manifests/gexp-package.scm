;; A package definition in Guix's style, with a gexp in its arguments.
(define-module (my packages hello)
  #:use-module (guix packages)
  #:use-module (guix gexp)
  #:use-module (guix build-system gnu)
  #:use-module ((guix licenses) #:prefix license:))

(define-public my-hello
  (package
    (name "my-hello")
    (version "2.12.1")
    (source (origin
              (method url-fetch)
              (uri (string-append "mirror://gnu/hello/hello-" version ".tar.gz"))
              (sha256 (base32 "086vqwk2wl8zfs47sq2xpjc9k066ilmb8z6dn0q6ymwjzlm196cd"))))
    (build-system gnu-build-system)
    (arguments
     (list #:configure-flags #~(list (string-append "--prefix=" #$output))
           #:phases #~(modify-phases %standard-phases
                        (add-after 'install 'wrap
                          (lambda* (#:key outputs #:allow-other-keys)
                            (wrap-program (string-append #$output "/bin/hello")
                              `("PATH" ":" prefix (,#$(this-package-input "coreutils")))))))))
    (inputs (list coreutils))
    (home-page "https://www.gnu.org/software/hello/")
    (synopsis "Hello, GNU world: An example GNU package")
    (description "GNU Hello prints the message \"Hello, world!\" and then exits.")
    (license license:gpl3+)))
