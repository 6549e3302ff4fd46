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
        ;; Store files are read-only; the build edits its copy.
        (for-each make-file-writable (find-files "." ".*" #:directories? #t)))
      (begin
        (if (string-suffix? ".zip" source)
            (invoke "unzip" source)
            (invoke "tar" "xf" source))
        ;; Into the first directory the archive made, as Guix does; a
        ;; tarball of loose files is built where it was unpacked.
        (let ((directories (scandir "." (lambda (name)
                                          (and (not (member name '("." "..")))
                                               (file-is-directory? name))))))
          (unless (null? directories)
            (chdir (car directories)))))))

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
                        ;; Outputs named like directories get them, as in Guix;
                        ;; other names (static, debug …) are the package's business.
                        (filter-map (lambda (output)
                                      (let ((name (car output)) (directory (cdr output)))
                                        (cond ((member name '("bin" "lib" "include"))
                                               (string-append "--" name "dir=" directory "/" name))
                                              ((string=? name "doc")
                                               (string-append "--docdir=" directory "/share/doc/"
                                                              (strip-store-file-name prefix)))
                                              (else #f))))
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
;;; its RUNPATH, and its interpreter and RUNPATH must be in the store, not the
;;; seed's /lib or /usr/lib (what makes it run with the host's /lib hidden).

(define (read-elf-dynamic file)
  ;; (INTERPRETER NEEDED-LIST RUNPATH-LIST), from readelf, or #f when readelf
  ;; cannot read the file.
  (let ((listing (string-append (getenv "TMPDIR") "/readelf.out")))
    (and (zero? (status:exit-val (system* "/bin/sh" "-c" (string-append "readelf -d -l '" file "' > " listing " 2>/dev/null"))))
         (let ((lines (call-with-input-file listing
                        (lambda (port)
                          (let loop ((acc '()))
                            (let ((line (read-line port)))
                              (if (eof-object? line) (reverse acc) (loop (cons line acc)))))))))
           (define (bracketed line)
             (let ((open (string-index line #\[)) (close (string-rindex line #\])))
               (and open close (substring line (+ open 1) close))))
           (list (any (lambda (line)
                        (and (string-contains line "Requesting program interpreter:")
                             (let ((text (bracketed line)))
                               (substring text (+ 2 (string-index text #\:))))))
                      lines)
                 (filter-map (lambda (line) (and (string-contains line "(NEEDED)") (bracketed line))) lines)
                 (append-map (lambda (line)
                               (if (or (string-contains line "(RUNPATH)") (string-contains line "(RPATH)"))
                                   (string-split (or (bracketed line) "") #\:)
                                   '()))
                             lines))))))

;; $ORIGIN and ${ORIGIN} in a RUNPATH entry stand for the file's directory.
(define (expand-origin directory file)
  (let ((origin (dirname file)))
    (cond ((string-prefix? "$ORIGIN" directory) (string-append origin (substring directory 7)))
          ((string-prefix? "${ORIGIN}" directory) (string-append origin (substring directory 9)))
          (else directory))))

(define* (validate-runpath #:key outputs (validate-runpath? #t) (allowed-fhs-references? #f)
                           (store-directory (or (getenv "NIX_STORE") "/cairn/store"))
                           #:allow-other-keys)
  (when validate-runpath?
    (let ((problems '()))
      (define (problem! text) (set! problems (cons text problems)))
      (define (in-store? file) (string-prefix? (string-append store-directory "/") file))
      (for-each
       (lambda (output)
         (for-each
          (lambda (file)
            (when (elf-file? file)
              (let ((elf (read-elf-dynamic file)))
                (when elf
                  (let ((interpreter (car elf)) (needed (cadr elf)) (runpath (caddr elf)))
                    (unless allowed-fhs-references?
                      (when (and interpreter (not (in-store? interpreter)))
                        (problem! (string-append file ": its interpreter " interpreter " is outside the store")))
                      (for-each (lambda (directory)
                                  (unless (or (in-store? directory) (string-prefix? "$ORIGIN" directory)
                                              (string-prefix? "${ORIGIN}" directory))
                                    (problem! (string-append file ": its RUNPATH names " directory ", outside the store"))))
                                runpath))
                    (for-each (lambda (library)
                                (unless (any (lambda (directory)
                                               (file-exists? (string-append (expand-origin directory file) "/" library)))
                                             runpath)
                                  (problem! (string-append file ": " library " is not found in its RUNPATH "
                                                           (object->string runpath)))))
                              needed))))))
          (find-files (cdr output) (lambda (file stat) (eq? 'regular (stat:type stat))))))
       outputs)
      (unless (null? problems)
        (for-each (lambda (text) (format (current-error-port) "error: ~a~%" text)) (reverse problems))
        (error "validate-runpath: ELF files would load libraries from outside the store or not at all")))))

;; Phases Guix has that Cairn's builds do not need yet: present, so that
;; (add-after 'bootstrap …) in a Guix package finds its anchor.
(define (no-op . arguments) #t)

(define %standard-phases
  (list (cons 'set-paths set-paths)
        (cons 'install-locale no-op)
        (cons 'unpack unpack)
        (cons 'bootstrap no-op)
        (cons 'patch-usr-bin-file no-op)
        (cons 'patch-source-shebangs patch-source-shebangs)
        (cons 'configure configure)
        (cons 'patch-generated-file-shebangs no-op)
        (cons 'build build)
        (cons 'check check)
        (cons 'install install)
        (cons 'patch-shebangs patch-shebangs)
        (cons 'strip strip)
        (cons 'validate-runpath validate-runpath)
        (cons 'validate-documentation-location no-op)
        (cons 'delete-info-dir-file no-op)
        (cons 'patch-dot-desktop-files no-op)
        (cons 'make-dynamic-linker-cache no-op)
        (cons 'install-license-files no-op)
        (cons 'reset-gzip-timestamps no-op)
        (cons 'compress-documentation no-op)))

(define* (gnu-build #:key (phases %standard-phases) #:allow-other-keys #:rest arguments)
  "Run PHASES in order, each with ARGUMENTS; report the failing phase."
  (for-each
   (lambda (phase)
     (let ((name (car phase)) (proc (cdr phase)))
       (format #t "starting phase `~a'~%" name)
       (force-output)
       (let ((ok (guard (c ((invoke-error? c)
                            (format (current-error-port) "error: in phase '~a': command~{ ~s~} failed with status ~a~%"
                                    name (cons (invoke-error-program c) (invoke-error-arguments c))
                                    (or (invoke-error-exit-status c) (invoke-error-term-signal c)))
                            #f)
                           ((error-object? c)
                            ;; Guile's `error' gives the format "~A ~S …" and
                            ;; its arguments as message and irritants.
                            (format (current-error-port) "error: in phase '~a': ~a~%"
                                    name (let ((message (error-object-message c)) (irritants (error-object-irritants c)))
                                           (if (string-index message #\~)
                                               (apply format #f message irritants)
                                               message)))
                            #f)
                           (else
                            (format (current-error-port) "error: in phase '~a': ~s~%" name c)
                            #f))
                   (apply proc arguments)
                   #t)))
         (unless ok
           (format (current-error-port) "phase `~a' failed~%" name)
           (force-output (current-error-port))
           (exit 1))
         (format #t "phase `~a' succeeded~%" name))))
   phases))
