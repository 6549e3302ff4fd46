;;; The trivial build system: the package's #:builder gexp is the whole
;;; build, as in Guix.  For code written the older way, %outputs and
;;; %build-inputs are defined as alists before it runs.
(define-module (cairn build-system trivial)
  #:use-module (cairn gexp)
  #:use-module (cairn build-system)
  #:use-module (cairn core store)
  #:export (trivial-build-system))

(define* (trivial-lower name #:key source inputs native-inputs outputs system
                        #:allow-other-keys #:rest arguments)
  (bag
   (name name)
   (system system)
   (build-inputs (append (if source `(("source" ,source)) '()) native-inputs))
   (host-inputs inputs)
   (outputs outputs)
   (arguments (strip-keyword-arguments
               '(#:source #:inputs #:native-inputs #:outputs #:system #:search-paths #:native-search-paths)
               arguments))
   (build trivial-build)))

(define* (trivial-build name inputs #:key (outputs '("out")) (system (%current-system))
                        builder (modules '()) (fhs-root #f) #:allow-other-keys)
  (unless builder
    (error (string-append "package " name ": the trivial build system needs #:builder, a gexp that makes the outputs")))
  (gexp->derivation name
                    #~(begin
                        (define %outputs (list #$@(map (lambda (o) #~(cons #$o #$(gexp-output o))) outputs)))
                        (define %build-inputs #$(inputs->gexp-list inputs))
                        (define %output (assoc-ref %outputs "out"))
                        #$builder)
                    #:system system
                    #:modules modules
                    #:fhs-root fhs-root))

(define trivial-build-system
  (build-system
   (name 'trivial)
   (description "Run a build script written as a gexp")
   (lower trivial-lower)))
