;;; Build-side utilities: Cairn's counterpart of Guix's (guix build utils).
;;;
;;; Build scripts and build systems run these inside the sandbox under
;;; cairn-builder (ARCHITECTURE.md §1.5), so this module may use only the
;;; language and the runner's POSIX procedures.  Names, argument orders and
;;; results follow Guix so that phases written for Guix work unchanged.
;;; Where the runner still lacks a primitive (MISSING-PRIMITIVES.txt), the
;;; code looks it up when called and otherwise falls back to what text
;;; ports can do, so the same channel commit picks it up once it exists.

(define-module (cairn build utils)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (ice-9 regex)
  #:use-module (ice-9 rdelim)
  #:use-module (ice-9 format)
  ;; modify-phases matches `delete' as a literal; in Guile srfi-1's delete
  ;; is not the core one, so user code must see the binding we see.
  #:re-export (delete alist-delete alist-cons)
  ;; Guile's boot-9 defines it; the runner does not yet.
  #:replace (file-is-directory?)
  #:export (%store-directory %store-hash-string-length store-file-name?
            strip-store-file-name package-name->name+version parallel-job-count
            directory-exists? executable-file? symbolic-link?
            call-with-ascii-input-file file-header-match
            elf-file? ar-file? gzip-file? png-file?
            with-directory-excursion mkdir-p mkdir-p/perms install-file
            make-file-writable set-file-time copy-recursively
            delete-file-recursively file-name-predicate find-files
            false-if-file-not-found
            search-path-as-list set-path-environment-variable
            search-path-as-string->list list->search-path-as-string which
            alist-cons-before alist-cons-after alist-replace modify-phases
            invoke invoke-error? invoke-error-program invoke-error-arguments
            invoke-error-exit-status invoke-error-term-signal
            invoke-error-stop-signal report-invoke-error
            with-atomic-file-replacement substitute substitute* dump-port
            patch-shebang patch-directory-shebangs wrapped-program? wrap-program))

;;; Missing primitives and errno.

;; Looked up when called, not when this module loads, so that one channel
;; commit runs on runners older and newer than it.
(define (%primitive name)
  (and (defined? name) (module-ref (resolve-module '(guile)) name)))

;; Linux's numbers (the build side is Linux only); the runner binds none.
(define %ENOENT 2)
(define %EACCES 13)

;; Guile gives a 'system-error handler (KEY WHO FORMAT ARGS (ERRNO)); the
;; runner currently gives (KEY WHO MESSAGE (ERRNO) #f).
(define (%errno args)
  (match args
    ((_ _ _ _ ((? integer? n) . _)) n)
    ((_ _ _ ((? integer? n)) . _) n)
    (_ #f)))

;; The errno of a condition caught with guard, which (unlike catch) lets
;; the conditions it does not handle go on unchanged.
(define (%condition-errno c)
  (and (condition? c) (file-error? c)
       (find integer? (condition-irritants c))))

(define (%strerror errno)
  (case errno
    ((2) "No such file or directory") ((13) "Permission denied")
    ((20) "Not a directory") ((21) "Is a directory")
    (else (format #f "error ~a" errno))))

;; The value of THUNK, or the errno it failed with.
(define (%errno-or thunk)
  (catch 'system-error thunk (lambda args (or (%errno args) %EACCES))))

(define (%stat-or-false file follow?)
  (let ((st (%errno-or (lambda () (if follow? (stat file) (lstat file))))))
    (and (not (integer? st)) st)))

;;; Store file names.

(define (%store-directory)
  (or (getenv "NIX_STORE_DIR") (getenv "NIX_STORE") "/cairn/store"))

(define %store-hash-string-length 32)

(define (store-file-name? file)
  (string-prefix? (%store-directory) file))

(define (strip-store-file-name file)
  ;; Also drops the slash before the hash and the dash after it.
  (string-drop file (+ 2 (string-length (%store-directory)) %store-hash-string-length)))

(define (package-name->name+version name)
  ;; Nix's rule: the version starts after the first dash followed by a digit.
  (let loop ((i 0))
    (cond ((>= (+ i 1) (string-length name)) (values name #f))
          ((and (char=? #\- (string-ref name i)) (char-numeric? (string-ref name (+ i 1))))
           (values (substring name 0 i) (substring name (+ i 1))))
          (else (loop (+ i 1))))))

(define parallel-job-count
  (make-parameter
   (match (or (getenv "NIX_BUILD_CORES") (getenv "CAIRN_BUILD_CORES"))
     (#f 1)
     ("0" (let ((count (%primitive 'current-processor-count))) (if count (count) 1)))
     (cores (or (string->number cores) 1)))))

;;; Files.

(define (directory-exists? dir)
  (let ((st (%stat-or-false dir #t)))
    (and st (eq? 'directory (stat:type st)))))

(define (file-is-directory? file)
  (eq? 'directory (stat:type (stat file))))

(define (executable-file? file)
  (let ((st (%stat-or-false file #t)))
    (and st (not (zero? (logand (stat:mode st) #o100))))))

(define (symbolic-link? file)
  (eq? 'symlink (stat:type (lstat file))))

(define (%file-name-components file)
  (remove (lambda (c) (member c '("" "."))) (string-split file #\/)))

(define (%absolute-file-name file)
  ;; Lexical until the runner has canonicalize-path: symlinks stay.
  (let ((realpath (%primitive 'canonicalize-path)))
    (if (and realpath (file-exists? file))
        (realpath file)
        (let loop ((parts (%file-name-components
                           (if (string-prefix? "/" file) file (string-append (getcwd) "/" file))))
                   (kept '()))
          (match parts
            (() (string-append "/" (string-join (reverse kept) "/")))
            ((".." . rest) (loop rest (if (pair? kept) (cdr kept) kept)))
            ((part . rest) (loop rest (cons part kept))))))))

(define (call-with-ascii-input-file file proc)
  (call-with-input-file file proc))

;; The first N bytes of FILE.  Without binary ports the runner decodes the
;; file as UTF-8: ASCII bytes come back exact, and an invalid byte (read as
;; U+FFFD) comes back as 'high, which matches any byte from #x80.
(define (%file-header file n)
  (let ((get (%primitive 'get-bytevector-n)))
    (if get
        (let ((bv (call-with-input-file file (lambda (p) (get p n)) #:binary #t)))
          (if (eof-object? bv) '() (bytevector->u8-list bv)))
        (call-with-input-file file
          (lambda (port)
            (let loop ((bytes '()))
              (let ((c (and (< (length bytes) n) (read-char port))))
                (cond ((or (not c) (eof-object? c)) (list-head (reverse bytes) (min n (length bytes))))
                      ((char=? c #\xFFFD) (loop (cons 'high bytes)))
                      (else (loop (append (reverse (bytevector->u8-list (string->utf8 (string c))))
                                          bytes)))))))))))

(define (file-header-match header)
  (let ((expected (if (bytevector? header) (bytevector->u8-list header) header)))
    (lambda (file)
      (and (not (directory-exists? file))
           (let ((actual (%file-header file (length expected))))
             (and (= (length actual) (length expected))
                  (every (lambda (a e) (if (eq? a 'high) (>= e #x80) (= a e))) actual expected)))))))

(define elf-file? (file-header-match '(#x7f #x45 #x4c #x46)))
(define ar-file? (file-header-match (bytevector->u8-list (string->utf8 "!<arch>\n"))))
(define gzip-file? (file-header-match '(#x1f #x8b)))
(define png-file? (file-header-match '(137 80 78 71 13 10 26 10)))

(define-syntax with-directory-excursion
  (syntax-rules ()
    ((_ dir body ...)
     (let ((previous (getcwd)))
       (dynamic-wind (lambda () (chdir dir))
                     (lambda () body ...)
                     (lambda () (chdir previous)))))))

(define (mkdir-p dir)
  ;; Like Guix, an existing file where a directory is wanted passes here
  ;; and fails at the next component.
  (let loop ((parts (%file-name-components dir))
             (prefix (if (string-prefix? "/" dir) "" ".")))
    (match parts
      (() #t)
      ((part . rest)
       (let ((path (string-append prefix "/" part)))
         (unless (%stat-or-false path #f) (mkdir path))
         (loop rest path))))))

(define (mkdir-p/perms directory owner bits)
  ;; Guix's OWNER is a passwd entry; here #f (keep), a uid or (uid . gid).
  (mkdir-p directory)
  (unless (eq? 'directory (stat:type (lstat directory)))
    (error "mkdir-p/perms: not a directory:" directory))
  (let ((uid (match owner ((u . _) u) (u u)))
        (gid (match owner ((_ . g) g) (_ #f)))
        (chown (%primitive 'chown)))
    (when (and uid (not (and (= uid (getuid)) (or (not gid) (= gid (getgid))))))
      (unless chown (error "mkdir-p/perms: the runner has no chown:" directory))
      (chown directory uid (or gid -1))))
  (chmod directory bits))

(define (install-file file directory)
  (mkdir-p directory)
  (copy-file file (string-append directory "/" (basename file))))

(define (make-file-writable file)
  (chmod file (logior #o600 (stat:perms (lstat file)))))

(define (set-file-time file st)
  ;; Whole seconds, and a symlink itself: what the runner's utime does.
  (utime file (stat:atime st) (stat:mtime st)))

;; Guile's file-system-fold from (ice-9 ftw), which the runner lacks.  Names
;; are DIR "/" ENTRY ("d/" gives "d//x", as in Guile), entries come in byte
;; order, and a directory met again through a followed symlink is skipped.
(define (%fold-tree enter? leaf down up skip error init file-name stat-proc)
  (define visited (make-hash-table))
  (define (walk name result)
    (let ((st (%errno-or (lambda () (stat-proc name)))))
      (cond ((integer? st) (error name #f st result))
            ((not (eq? 'directory (stat:type st))) (leaf name st result))
            ((or (hash-ref visited (cons (stat:dev st) (stat:ino st)))
                 (not (enter? name st result)))
             (skip name st result))
            (else
             (hash-set! visited (cons (stat:dev st) (stat:ino st)) #t)
             (let ((entries (scandir name (lambda (e) (not (member e '("." "..")))))))
               (if entries
                   (up name st (fold (lambda (entry acc) (walk (string-append name "/" entry) acc))
                                     (down name st result) entries))
                   (error name st %EACCES result)))))))
  (walk file-name init))

(define* (copy-recursively source destination
                           #:key (log (current-output-port)) (follow-symlinks? #f)
                           (copy-file copy-file) keep-mtime? (keep-permissions? #t)
                           (select? (const #t)))
  (define (target file) (string-append destination (substring file (string-length source))))
  (%fold-tree (lambda (dir st result) (select? dir st))
              (lambda (file st result)
                (when (select? file st)
                  (let ((dest (target file)))
                    (format log "`~a' -> `~a'~%" file dest)
                    (if (eq? 'symlink (stat:type st))
                        (symlink (readlink file) dest)
                        (begin (copy-file file dest)
                               (when keep-permissions? (chmod dest (stat:perms st)))))
                    (when keep-mtime? (set-file-time dest st)))))
              (lambda (dir st result) (mkdir-p (target dir)))
              ;; Directories keep the modes mkdir-p gave them, as in Guix: a
              ;; copy of a read-only store tree must stay writable.
              (lambda (dir st result)
                (when keep-mtime? (set-file-time (target dir) st)))
              (const #t)
              (lambda (file st errno result)
                (format (current-error-port) "i/o error: ~a: ~a~%" file (%strerror errno))
                #f)
              #t source (if follow-symlinks? stat lstat)))

(define* (delete-file-recursively dir #:key follow-mounts?)
  ;; rm -rf without following symlinks or (unless asked) mount points;
  ;; failures inside are reported and skipped, a missing DIR raises.
  (define (warn file errno)
    (format (current-error-port) "warning: failed to delete ~a: ~a~%" file (%strerror errno)))
  (define (attempt file thunk)
    (let ((errno (%errno-or (lambda () (thunk) #t))))
      (when (integer? errno) (warn file errno))))
  (let ((device (stat:dev (lstat dir))))
    (%fold-tree (lambda (d st result) (or follow-mounts? (= device (stat:dev st))))
                (lambda (file st result) (attempt file (lambda () (delete-file file))))
                (const #t)
                (lambda (d st result) (attempt d (lambda () (rmdir d))))
                (const #t)
                (lambda (file st errno result) (warn file errno))
                #t dir lstat)))

(define (file-name-predicate regexp)
  (let ((rx (if (regexp? regexp) regexp (make-regexp regexp))))
    (lambda (file st) (regexp-exec rx (basename file)))))

(define* (find-files dir #:optional (pred (const #t))
                     #:key (stat lstat) directories? fail-on-error?)
  ;; Sorted, so that what a build does with the list does not depend on
  ;; the order of directory entries.
  (let ((pred (if (procedure? pred) pred (file-name-predicate pred))))
    (sort (%fold-tree (const #t)
                      (lambda (file st result) (if (pred file st) (cons file result) result))
                      (lambda (d st result) (if (and directories? (pred d st)) (cons d result) result))
                      (lambda (d st result) result)
                      (lambda (file st result) result)
                      (lambda (file st errno result)
                        (format (current-error-port) "find-files: ~a: ~a~%" file (%strerror errno))
                        (when fail-on-error? (error "find-files failed"))
                        result)
                      '() dir stat)
          string<?)))

(define-syntax false-if-file-not-found
  (syntax-rules ()
    ((_ exp) (guard (c ((eqv? %ENOENT (%condition-errno c)) #f)) exp))))

;;; Search paths.

(define* (search-path-as-list files input-dirs #:key (type 'directory) pattern)
  (define (matches file)
    (if pattern
        (find-files file (lambda (f st)
                           (and (eq? type (stat:type st)) ((file-name-predicate pattern) f st)))
                    #:stat stat #:directories? #t)
        (let ((st (%stat-or-false file #t)))
          (if (and st (eq? type (stat:type st))) (list file) '()))))
  (append-map (lambda (input)
                (append-map (lambda (file) (matches (string-append input "/" file))) files))
              (delete-duplicates input-dirs)))

(define (list->search-path-as-string lst separator)
  (cond (separator (string-join lst separator))
        ((pair? lst) (car lst))
        (else "")))

(define* (search-path-as-string->list path #:optional (separator #\:))
  (if separator
      (string-tokenize path (char-set-complement (char-set separator)))
      (list path)))

(define* (set-path-environment-variable env-var files input-dirs
                                        #:key (separator ":") (type 'directory) pattern)
  (let ((value (list->search-path-as-string
                (search-path-as-list files input-dirs #:type type #:pattern pattern)
                separator)))
    ;; Never empty: programs often read an empty entry as ".".
    (if (string-null? value)
        (begin (unsetenv env-var)
               (format #t "environment variable `~a' unset~%" env-var))
        (begin (setenv env-var value)
               (format #t "environment variable `~a' set to `~a'~%" env-var value)))))

;; Guile's search-path: an absolute NAME stands for itself, a directory
;; never matches, and whether the file is executable is not checked.
(define (%search-path dirs name)
  (define (candidate file)
    (let ((st (%stat-or-false file #t)))
      (and st (not (eq? 'directory (stat:type st))) file)))
  (if (string-prefix? "/" name)
      (candidate name)
      (any (lambda (dir)
             (candidate (string-append dir (if (string-suffix? "/" dir) "" "/") name)))
           dirs)))

(define (%path-directories)
  (search-path-as-string->list (or (getenv "PATH") "")))

(define (which program)
  (%search-path (%path-directories) program))

;;; Phases.

(define (%split-at-key key alist key=? who)
  (let-values (((before after) (break (lambda (entry) (key=? (car entry) key)) alist)))
    (when (null? after) (error (format #f "~a: no entry named ~s" who key)))
    (values before after)))

(define* (alist-cons-before reference key value alist #:optional (key=? equal?))
  (let-values (((before after) (%split-at-key reference alist key=? 'alist-cons-before)))
    (append before (acons key value after))))

(define* (alist-cons-after reference key value alist #:optional (key=? equal?))
  (let-values (((before after) (%split-at-key reference alist key=? 'alist-cons-after)))
    (append before (list (car after)) (acons key value (cdr after)))))

(define* (alist-replace key value alist #:optional (key=? equal?))
  (let-values (((before after) (%split-at-key key alist key=? 'alist-replace)))
    (append before (acons key value (cdr after)))))

;; Clauses apply in order, so a phase one clause adds can anchor the next.
(define-syntax modify-phases
  (syntax-rules (delete replace add-before add-after)
    ((_ phases) phases)
    ((_ phases (delete name) spec ...)
     (modify-phases (alist-delete name phases) spec ...))
    ((_ phases (replace name proc) spec ...)
     (modify-phases (alist-replace name proc phases) spec ...))
    ((_ phases (add-before anchor name proc) spec ...)
     (modify-phases (alist-cons-before anchor name proc phases) spec ...))
    ((_ phases (add-after anchor name proc) spec ...)
     (modify-phases (alist-cons-after anchor name proc phases) spec ...))))

;;; Running programs.

;; Guix raises an &invoke-error condition, a type the language cannot
;; define yet; here the data is a record among the irritants of an
;; ordinary error whose message reads well when nothing catches it.  The
;; predicate and accessors also take the bare record.
(define (%carried type? c)
  (cond ((type? c) c)
        ((condition? c) (find type? (condition-irritants c)))
        (else #f)))

(define-record-type &invoke-error
  (%make-invoke-error program arguments exit-status term-signal stop-signal)
  %invoke-error?
  (program %invoke-error-program)
  (arguments %invoke-error-arguments)
  (exit-status %invoke-error-exit-status)
  (term-signal %invoke-error-term-signal)
  (stop-signal %invoke-error-stop-signal))

(define (invoke-error? c) (and (%carried %invoke-error? c) #t))
(define (invoke-error-program c) (%invoke-error-program (%carried %invoke-error? c)))
(define (invoke-error-arguments c) (%invoke-error-arguments (%carried %invoke-error? c)))
(define (invoke-error-exit-status c) (%invoke-error-exit-status (%carried %invoke-error? c)))
(define (invoke-error-term-signal c) (%invoke-error-term-signal (%carried %invoke-error? c)))
(define (invoke-error-stop-signal c) (%invoke-error-stop-signal (%carried %invoke-error? c)))

(define (invoke program . args)
  ;; Guile's system* reports a program it cannot start as status 127, as
  ;; a shell does; the runner raises instead.
  (let ((status (catch 'system-error
                  (lambda () (apply system* program args))
                  (lambda err
                    (format (current-error-port) "invoke: cannot run ~a: ~a~%"
                            program (%strerror (%errno err)))
                    (* 127 256)))))
    (unless (zero? status)
      (let* ((exit-status (status:exit-val status))
             (term-signal (status:term-sig status))
             (stop-sig (%primitive 'status:stop-sig))
             (stop-signal (and stop-sig (stop-sig status))))
        (error
         (if exit-status
             (format #f "program ~s exited with status ~a" program exit-status)
             (format #f "program ~s was terminated by signal ~a" program (or term-signal stop-signal)))
         (%make-invoke-error program args exit-status term-signal stop-signal))))
    #t))

(define* (report-invoke-error c #:optional (port (current-error-port)))
  (format port "command~{ ~s~} failed with ~a ~a~%"
          (cons (invoke-error-program c) (invoke-error-arguments c))
          (if (invoke-error-exit-status c) "status" "signal")
          (or (invoke-error-exit-status c) (invoke-error-term-signal c) (invoke-error-stop-signal c))))

;;; Editing files.

(define %temporary-counter 0)

(define (%temporary-name file)
  ;; Beside FILE, so that the final rename stays on one file system.
  (let loop ()
    (set! %temporary-counter (+ 1 %temporary-counter))
    (let ((name (format #f "~a.~a-~a" file (getpid) %temporary-counter)))
      (if (%stat-or-false name #f) (loop) name))))

(define (with-atomic-file-replacement file proc)
  (let ((template (%temporary-name file))
        (perms (stat:perms (stat file)))
        (out #f)
        (done? #f))
    (dynamic-wind
      (const #t)
      (lambda ()
        (set! out (open-output-file template))
        (let ((result (call-with-input-file file (lambda (in) (proc in out)))))
          (close-port out)
          (chmod template perms)
          (rename-file template file)
          (set! done? #t)
          result))
      (lambda ()
        (unless done?
          (when out (false-if-exception (close-port out)))
          (false-if-exception (delete-file template)))))))

(define (substitute file pattern+procs)
  ;; Each line, newline included, goes through every pattern in turn; a
  ;; PROC gets the line and all the matches in it and returns the new line.
  (let ((rx+procs (map (match-lambda
                         (((? regexp? rx) . proc) (cons rx proc))
                         ((pattern . proc) (cons (make-regexp pattern regexp/extended) proc)))
                       pattern+procs)))
    (with-atomic-file-replacement file
      (lambda (in out)
        (let loop ((line (read-line in 'concat)))
          (unless (eof-object? line)
            ;; Guix code picks an 8-bit encoding for such files; text ports
            ;; cannot, and writing U+FFFD back would corrupt FILE.
            (when (string-index line #\xFFFD)
              (error "substitute: not valid UTF-8, cannot edit without binary ports:" file))
            (display (fold (lambda (rx+proc line)
                             (match (list-matches (car rx+proc) line)
                               (() line)
                               (matches ((cdr rx+proc) line matches))))
                           line rx+procs)
                     out)
            (loop (read-line in 'concat))))
        #t))))

;; LINE with every match M replaced by (REPLACE M).
(define (%replace-matches line matches replace)
  (let loop ((matches matches) (offset 0) (pieces '()))
    (match matches
      (() (string-concatenate-reverse (cons (substring line offset) pieces)))
      ((m . rest)
       (loop rest (match:end m)
             (cons* (replace m) (substring line offset (match:start m)) pieces))))))

;; Binds each name to its group of M.  `_' gets bound like any name rather
;; than skipped: cairn's syntax-rules treats a literal `_' as a wildcard,
;; so a clause meant for `_' alone would take every name.
(define-syntax %let-groups
  (syntax-rules ()
    ((_ m index () body ...) (let () body ...))
    ((_ m index (var vars ...) body ...)
     (let ((var (match:substring m index)))
       (%let-groups m (+ 1 index) (vars ...) body ...)))))

(define (%substitute-files file rx+procs)
  (for-each (lambda (f) (substitute f rx+procs)) (if (string? file) (list file) file)))

(define-syntax substitute*
  (syntax-rules ()
    ((_ file ((regexp var ...) body ...) ...)
     (%substitute-files
      file
      (list (cons regexp
                  (lambda (line matches)
                    (%replace-matches line matches
                                      (lambda (m) (%let-groups m 0 (var ...) body ...)))))
            ...)))))

(define* (dump-port in out #:optional len #:key (buffer-size 16384) (progress (lambda (t k) (k))))
  ;; Bytes once the runner has bytevector ports; until then text, exact
  ;; for UTF-8 contents only.
  (let ((get! (%primitive 'get-bytevector-n!))
        (put (%primitive 'put-bytevector)))
    (if (and get! put)
        (let ((buffer (make-bytevector buffer-size)))
          (let loop ((total 0))
            (progress total
                      (lambda ()
                        (let* ((want (if len (min buffer-size (- len total)) buffer-size))
                               (n (if (zero? want) 0 (get! in buffer 0 want))))
                          (unless (or (eof-object? n) (zero? n))
                            (put out buffer 0 n)
                            (loop (+ total n))))))))
        (let ((text (if len (read-string in len) (read-string in))))
          (progress 0 (lambda () #t))
          (unless (eof-object? text) (display text out))
          (progress (if (string? text) (string-length text) 0) (lambda () #t))))))

(define %shebang-rx
  (make-regexp "^[[:blank:]]*(/[[:graph:]]+)[[:blank:]]*([[:graph:]]*)(.*)$"))

(define* (patch-shebang file #:optional (path (%path-directories)) #:key (keep-mtime? #t))
  ;; #t when FILE's interpreter was replaced by the one of that name in PATH.
  (define (warn fmt . args)
    (apply format (current-error-port) (string-append "patch-shebang: ~a: " fmt "~%") file args))
  (define (rewrite interpreter rest-of-line body)
    (let ((st (stat file)))
      (with-atomic-file-replacement file
        (lambda (in out) (format out "#!~a~a~%~a" interpreter rest-of-line body)))
      (when keep-mtime? (set-file-time file st))
      #t))
  (let-values (((line body)
                (call-with-input-file file
                  (lambda (port)
                    (if (and (eqv? #\# (read-char port)) (eqv? #\! (read-char port)))
                        (let ((line (read-line port)))
                          (values line (if (eof-object? line) "" (read-string port))))
                        (values #f #f))))))
    (let ((m (and (string? line) (regexp-exec %shebang-rx line))))
      (cond
       ((not m) #f)
       ((string-index body #\xFFFD)
        ;; Invalid bytes read as U+FFFD: writing the body back would
        ;; corrupt it.
        (warn "warning: not UTF-8 text, left unchanged") #f)
       (else
        (let* ((interp (match:substring m 1))
               (arg1 (match:substring m 2))
               (env? (string-suffix? "/env" interp))
               (command (if env? arg1 (basename interp)))
               (found (and (not (string-null? command)) (%search-path path command))))
          (cond ((not found)
                 (warn "warning: no binary for interpreter `~a' found in $PATH" command) #f)
                ((string=? found interp) #f)
                (env?
                 (warn "changing `~a ~a' to `~a'" interp arg1 found)
                 (rewrite found (match:substring m 3) body))
                (else
                 (warn "changing `~a' to `~a'" interp found)
                 (rewrite found (if (string-null? arg1) "" (string-append " " arg1 (match:substring m 3)))
                          body)))))))))

;; Guix's patch-shebangs phase for any directories: patch each regular
;; file directly in DIRECTORIES (or anywhere below, if RECURSIVE?) with
;; interpreters from PATH, and return the files patched.  Not named
;; patch-shebangs, the name of that phase in the build systems.
(define* (patch-directory-shebangs directories #:optional (path (%path-directories))
                                   #:key recursive? (keep-mtime? #t))
  (define (regular? file st) (eq? 'regular (stat:type st)))
  (define (regular-files dir)
    (if recursive?
        (find-files dir regular?)
        (filter (lambda (f) (let ((st (%stat-or-false f #f))) (and st (regular? f st))))
                (map (lambda (e) (string-append dir "/" e))
                     (or (scandir dir (lambda (e) (not (member e '("." ".."))))) '())))))
  (filter (lambda (file) (patch-shebang file path #:keep-mtime? keep-mtime?))
          (append-map regular-files (filter directory-exists? directories))))

;;; Wrappers.

(define (wrapped-program? prog)
  (and (file-exists? prog)
       (let ((base (basename prog)))
         (and (string-prefix? "." base) (string-suffix? "-real" base)))))

(define (%wrapper-export spec)
  (define (export var sep position values)
    (let ((joined (string-join values sep)))
      (case position
        ((=) (format #f "export ~a=\"~a\"" var joined))
        ((prefix) (format #f "export ~a=\"~a${~a:+~a}$~a\"" var joined var sep var))
        ((suffix) (format #f "export ~a=\"$~a${~a:+~a}~a\"" var var var sep joined))
        (else (error "wrap-program: position is not =, prefix or suffix:" position)))))
  (match spec
    ((var (? string? sep) position values) (export var sep position values))
    ((var position values) (export var ":" position values))
    (_ (error "wrap-program: bad variable specification:" spec))))

(define* (wrap-program prog #:key (sh (or (which "bash") (which "sh") "/bin/sh")) #:rest vars)
  ;; PROG is hard-linked to .PROG-real and the wrapper renamed over PROG,
  ;; so PROG never goes missing; wrapping again adds to the wrapper.
  (define exports
    (map %wrapper-export
         (let strip ((vars vars))
           (match vars
             (((? keyword?) _ . rest) (strip rest))
             ((spec . rest) (cons spec (strip rest)))
             (() '())))))
  (define real (string-append (dirname prog) "/." (basename prog) "-real"))
  (when (wrapped-program? prog)
    (error (string-append prog " is a wrapper. Refusing to wrap.")))
  (if (file-exists? real)
      (let ((lines (call-with-input-file prog
                     (lambda (port)
                       (let loop ((acc '()))
                         (match (read-line port)
                           ((? eof-object?) (reverse acc))
                           (l (loop (cons l acc)))))))))
        ;; The new exports go just before the final exec line.
        (with-atomic-file-replacement prog
          (lambda (in out)
            (format out "~{~a~%~}" (append (drop-right lines 1) exports (take-right lines 1))))))
      (let ((tmp (string-append real "-tmp")))
        (link prog real)
        (call-with-output-file tmp
          (lambda (port)
            ;; exec -a keeps argv[0] for the program; only bash has it.
            (format port "#!~a~%~{~a~%~}exec~a \"~a\" \"$@\"~%"
                    sh exports
                    (if (string=? (basename sh) "bash") " -a \"$0\"" "")
                    (%absolute-file-name real))))
        (chmod tmp #o755)
        (rename-file tmp prog)))
  #t)
