;;; The GNU build system, build side: the standard phases, run in order
;;; inside the sandbox, as Guix's (guix build gnu-build-system).
(define-module (cairn build gnu-build-system)
  #:use-module (cairn build utils)
  #:use-module (srfi srfi-1)
  #:export (%standard-phases gnu-build
            set-paths unpack patch-source-shebangs configure build check install
            patch-shebangs strip validate-runpath))

(define (output-directories outputs) (map cdr outputs))

(define* (set-paths #:key inputs (search-paths '()) #:allow-other-keys)
  ;; Store inputs first, then the seed's FHS directories the sandbox provides.
  (let ((directories (map cdr inputs)))
    (for-each (lambda (spec)
                (let ((variable (car spec)) (files (cadr spec)) (separator (caddr spec))
                      (type (cadddr spec)))
                  (set-path-environment-variable variable files directories
                                                 #:separator separator #:type type)))
              search-paths)
    (setenv "PATH" (string-append (or (getenv "PATH") "") (if (getenv "PATH") ":" "")
                                  "/usr/bin:/bin"))
    (setenv "SOURCE_DATE_EPOCH" "1")
    (setenv "LC_ALL" "C")
    (setenv "CONFIG_SHELL" "/bin/sh")
    (setenv "SHELL" "/bin/sh")))

(define* (unpack #:key source #:allow-other-keys)
  (if (file-is-directory? source)
      (begin
        (mkdir "source")
        (copy-recursively source "source" #:keep-mtime? #t)
        (chdir "source")
        (for-each make-file-writable (find-files "." ".*")))
      (begin
        (if (string-suffix? ".zip" source)
            (invoke "unzip" source)
            (invoke "tar" "xf" source))
        (let ((entries (scandir "." (lambda (name) (not (member name '("." ".." "environment-variables")))))))
          (if (= 1 (length entries))
              (chdir (car entries))
              (error "unpack: the source does not hold one top-level directory" entries))))))

(define* (patch-source-shebangs #:key inputs #:allow-other-keys)
  (let ((path (append (map (lambda (input) (string-append (cdr input) "/bin")) inputs)
                      '("/usr/bin" "/bin"))))
    (for-each (lambda (file) (patch-shebang file path))
              (find-files "." (lambda (file stat)
                                (and (eq? 'regular (stat:type stat))
                                     (not (zero? (logand #o100 (stat:perms stat))))))))))

(define* (configure #:key outputs (configure-flags '()) (out-of-source? #f) #:allow-other-keys)
  (let* ((prefix (cdr (assoc "out" outputs)))
         (source (getcwd))
         (script (if out-of-source? (string-append source "/configure") "./configure"))
         (flags (append (list (string-append "--prefix=" prefix)
                              "--enable-fast-install"
                              "--build=x86_64-linux-gnu")
                        (filter-map (lambda (output)
                                      (and (not (string=? (car output) "out"))
                                           (string-append "--" (car output) "dir=" (cdr output)
                                                          (if (member (car output) '("doc")) "/share/doc" ""))))
                                    outputs)
                        configure-flags)))
    (when out-of-source?
      (mkdir "../build")
      (chdir "../build"))
    (format #t "configure flags: ~s~%" flags)
    (apply invoke "/bin/sh" script flags)))

(define (cores) (or (getenv "CAIRN_BUILD_CORES") "1"))

(define* (build #:key (make-flags '()) (parallel-build? #t) #:allow-other-keys)
  (apply invoke "make"
         (append (if parallel-build? (list "-j" (cores)) '()) make-flags)))

(define* (check #:key (tests? #t) (test-target "check") (make-flags '()) (parallel-tests? #t)
                #:allow-other-keys)
  (if tests?
      (apply invoke "make" test-target
             (append (if parallel-tests? (list "-j" (cores)) '()) make-flags))
      (format #t "test suite not run~%")))

(define* (install #:key (make-flags '()) #:allow-other-keys)
  (apply invoke "make" "install" make-flags))

(define* (patch-shebangs #:key inputs outputs (patch-shebangs? #t) #:allow-other-keys)
  (when patch-shebangs?
    (let ((path (append (map (lambda (output) (string-append (cdr output) "/bin")) outputs)
                        (map (lambda (input) (string-append (cdr input) "/bin")) inputs))))
      (for-each (lambda (directory)
                  (for-each (lambda (file) (patch-shebang file path))
                            (find-files directory (lambda (file stat) (eq? 'regular (stat:type stat))))))
                (filter file-exists?
                        (append-map (lambda (output)
                                      (map (lambda (sub) (string-append (cdr output) "/" sub))
                                           '("bin" "sbin" "libexec")))
                                    outputs))))))

(define* (strip #:key outputs (strip-binaries? #t) (strip-flags '("--strip-unneeded"))
                (strip-directories '("lib" "lib64" "libexec" "bin" "sbin")) #:allow-other-keys)
  (when strip-binaries?
    (for-each (lambda (directory)
                (for-each (lambda (file)
                            (when (elf-file? file)
                              (make-file-writable file)
                              (apply invoke "strip" (append strip-flags (list file)))))
                          (find-files directory (lambda (file stat) (eq? 'regular (stat:type stat))))))
              (filter file-exists?
                      (append-map (lambda (output)
                                    (map (lambda (sub) (string-append (cdr output) "/" sub)) strip-directories))
                                  outputs)))))

;;; validate-runpath: every library an ELF file needs must be found through
;;; its RUNPATH (what makes it run with the host's /lib hidden).

(define (read-dynamic-section file)
  ;; (NEEDED-LIST . RUNPATH-LIST), from readelf, or #f for a file with none.
  (let ((listing (string-append (getenv "TMPDIR") "/readelf.out")))
    (and (zero? (status:exit-val (system* "/bin/sh" "-c" (string-append "readelf -d '" file "' > " listing " 2>/dev/null"))))
         (let ((lines (call-with-input-file listing
                        (lambda (port)
                          (let loop ((acc '()))
                            (let ((line (read-line port)))
                              (if (eof-object? line) (reverse acc) (loop (cons line acc)))))))))
           (define (bracketed line)
             (let ((open (string-index line #\[)) (close (string-rindex line #\])))
               (and open close (substring line (+ open 1) close))))
           (cons (filter-map (lambda (line) (and (string-contains line "(NEEDED)") (bracketed line))) lines)
                 (append-map (lambda (line)
                               (if (or (string-contains line "(RUNPATH)") (string-contains line "(RPATH)"))
                                   (string-split (or (bracketed line) "") #\:)
                                   '()))
                             lines))))))

(define* (validate-runpath #:key outputs (validate-runpath? #t) #:allow-other-keys)
  (when validate-runpath?
    (let ((problems '()))
      (for-each
       (lambda (output)
         (for-each
          (lambda (file)
            (when (elf-file? file)
              (let ((section (read-dynamic-section file)))
                (when section
                  (for-each (lambda (needed)
                              (unless (any (lambda (directory)
                                             (file-exists? (string-append directory "/" needed)))
                                           (cdr section))
                                (set! problems (cons (string-append file ": " needed " is not found in its RUNPATH "
                                                                    (object->string (cdr section)))
                                                     problems))))
                            (car section))))))
          (find-files (cdr output) (lambda (file stat) (eq? 'regular (stat:type stat))))))
       outputs)
      (unless (null? problems)
        (for-each (lambda (problem) (format (current-error-port) "error: ~a~%" problem)) (reverse problems))
        (error "validate-runpath: some ELF files need libraries their RUNPATH does not provide")))))

(define %standard-phases
  (list (cons 'set-paths set-paths)
        (cons 'unpack unpack)
        (cons 'patch-source-shebangs patch-source-shebangs)
        (cons 'configure configure)
        (cons 'build build)
        (cons 'check check)
        (cons 'install install)
        (cons 'patch-shebangs patch-shebangs)
        (cons 'strip strip)
        (cons 'validate-runpath validate-runpath)))

(define* (gnu-build #:key (phases %standard-phases) #:allow-other-keys #:rest arguments)
  "Run PHASES in order, each with ARGUMENTS; report the failing phase."
  (for-each
   (lambda (phase)
     (let ((name (car phase)) (proc (cdr phase)))
       (format #t "starting phase `~a'~%" name)
       (force-output)
       (let ((ok (catch #t
                   (lambda () (apply proc arguments) #t)
                   (lambda (key . args)
                     (format (current-error-port) "error: in phase '~a': ~a ~s~%" name key args)
                     #f))))
         (unless ok
           (format (current-error-port) "phase `~a' failed~%" name)
           (force-output (current-error-port))
           (exit 1))
         (format #t "phase `~a' succeeded~%" name))))
   phases))
