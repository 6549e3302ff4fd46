;;; The GNU build system (./configure && make && make install), host side:
;;; lowering adds the implicit inputs (the seed as the FHS root, the C
;;; library and the compiler wrapper) and the build runs
;;; (cairn build gnu-build-system) in the sandbox.
(define-module (cairn build-system gnu)
  #:use-module (cairn gexp)
  #:use-module (cairn core store)
  #:use-module (cairn build-system)
  #:use-module (cairn search-paths)
  #:use-module (cairn packages)
  #:use-module (cairn packages bootstrap)
  #:use-module (srfi srfi-1)
  #:export (gnu-build-system %gnu-build-system-modules standard-packages))

(define %gnu-build-system-modules
  '((cairn build gnu-build-system) (cairn build utils)))

;; What every GNU package builds with besides its own inputs.
(define (standard-packages)
  `(("gcc-toolchain" ,gcc-toolchain) ("glibc" ,glibc)))

(define* (gnu-lower name #:key source inputs native-inputs outputs system
                    (implicit-inputs? #t) (search-paths '()) (native-search-paths '())
                    #:allow-other-keys #:rest arguments)
  (bag
   (name name)
   (system system)
   (build-inputs (append (if source `(("source" ,source)) '())
                         native-inputs
                         (if implicit-inputs? (standard-packages) '())))
   (host-inputs inputs)
   (outputs outputs)
   (arguments (append (list #:search-paths (input-search-paths
                                            (transitive-inputs
                                             (append native-inputs inputs (if implicit-inputs? (standard-packages) '()))))
                            #:source source)
                      (strip-keyword-arguments
                       '(#:source #:inputs #:native-inputs #:outputs #:system #:search-paths
                         #:native-search-paths #:implicit-inputs?)
                       arguments)))
   (build gnu-build)))

;; The search paths a build sets, as Guix does: those its input packages
;; declare (a compiler declares CPATH), and PATH; one per variable.
(define (input-search-paths inputs)
  (let loop ((specs (append (list $PATH)
                            (append-map (lambda (input)
                                          (let ((obj (cadr input)))
                                            (if (package? obj)
                                                (append (package-native-search-paths obj) (package-search-paths obj))
                                                '())))
                                        inputs)))
             (seen '()) (result '()))
    (cond ((null? specs) (reverse result))
          ((member (search-path-specification-variable (car specs)) seen) (loop (cdr specs) seen result))
          (else (loop (cdr specs) (cons (search-path-specification-variable (car specs)) seen)
                      (cons (car specs) result))))))

;; Phases are code: %standard-phases, a (modify-phases …) form or a gexp.
(define (phases->code phases)
  (if (or (symbol? phases) (gexp? phases) (pair? phases)) phases '%standard-phases))

(define* (gnu-build name inputs
                    #:key source (outputs '("out")) (system (%current-system))
                    (search-paths '())
                    (phases '%standard-phases)
                    (configure-flags '()) (make-flags '())
                    (out-of-source? #f) (tests? #t) (test-target "check")
                    (parallel-build? #t) (parallel-tests? #t)
                    (patch-shebangs? #t) (strip-binaries? #t)
                    (strip-flags '("--strip-unneeded"))
                    (strip-directories '("lib" "lib64" "libexec" "bin" "sbin"))
                    (validate-runpath? #t)
                    (allowed-fhs-references? #f)
                    (modules %gnu-build-system-modules)
                    (imported-modules %gnu-build-system-modules)
                    #:allow-other-keys)
  (gexp->derivation
   name
   (with-imported-modules imported-modules
     #~(begin
         (use-modules #$@modules)
         ;; What builders written the older way refer to, as Guix defines them.
         (define %build-inputs #$(inputs->gexp-list inputs))
         (define %outputs (list #$@(map (lambda (o) #~(cons #$o #$(gexp-output o))) outputs)))
         (define %output (assoc-ref %outputs "out"))
         (gnu-build #:name #$name
                    #:source #+source
                    #:system #$system
                    #:outputs %outputs
                    #:inputs %build-inputs
                    #:search-paths '#$(map search-path-specification->sexp search-paths)
                    #:phases #$(phases->code phases)
                    #:configure-flags #$(arguments->code configure-flags)
                    #:make-flags #$(arguments->code make-flags)
                    #:out-of-source? #$out-of-source?
                    #:tests? #$tests?
                    #:test-target #$test-target
                    #:parallel-build? #$parallel-build?
                    #:parallel-tests? #$parallel-tests?
                    #:patch-shebangs? #$patch-shebangs?
                    #:strip-binaries? #$strip-binaries?
                    #:strip-flags #$(arguments->code strip-flags)
                    #:strip-directories #$(arguments->code strip-directories)
                    #:validate-runpath? #$validate-runpath?
                    #:allowed-fhs-references? #$allowed-fhs-references?
                    #:store-directory #$%store-directory)))
   #:system system
   #:fhs-root debian-seed))

(define gnu-build-system
  (build-system
   (name 'gnu)
   (description "The GNU build system: ./configure && make && make check && make install")
   (lower gnu-lower)))
