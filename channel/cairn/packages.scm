;;; Packages and origins, with Guix's field names and semantics
;;; ((guix packages)), and how they lower to derivations.
(define-module (cairn packages)
  #:use-module (cairn records)
  #:use-module (cairn gexp)
  #:use-module (cairn core store)
  #:use-module (cairn build-system)
  #:use-module (cairn search-paths)
  #:use-module (srfi srfi-1)
  #:export (package package? this-package
            package-name package-upstream-name package-version package-source package-build-system
            package-arguments package-inputs package-native-inputs package-propagated-inputs
            package-outputs package-native-search-paths package-search-paths
            package-replacement package-home-page package-synopsis package-description
            package-license package-properties package-supported-systems package-location
            package-full-name package-direct-inputs package-transitive-inputs
            package-transitive-propagated-inputs package-input transitive-inputs
            this-package-input this-package-native-input this-package-propagated-input
            lookup-package-input modify-inputs prepend
            package->bag package->derivation package-derivation package-output package-sources
            origin origin? this-origin origin-method origin-uri origin-hash origin-sha256
            origin-file-name origin-patches origin-snippet origin-modules origin-actual-file-name
            content-hash content-hash? content-hash-algorithm content-hash-value
            origin->derivation %supported-systems)
  #:re-export (base32 substitute-keyword-arguments))

(define %supported-systems '("x86_64-linux"))

;;; Origins.

(define-record-type* <content-hash> %content-hash make-content-hash
  content-hash?
  (algorithm content-hash-algorithm)
  (value     content-hash-value))

;; (content-hash VALUE [ALGORITHM]): ALGORITHM is written as an identifier
;; (sha256), as in Guix.
(define-syntax content-hash
  (syntax-rules ()
    ((_ value) (make-content-hash 'sha256 value))
    ((_ value algorithm) (make-content-hash 'algorithm value))))

(define-record-type* <origin> origin make-origin
  origin? this-origin
  (uri       origin-uri)
  (method    origin-method)
  (hash      origin-hash (default #f))
  (sha256    %origin-sha256 (default #f))
  (file-name origin-file-name (default #f))
  (patches   origin-patches (default '()) (delayed))
  (snippet   origin-snippet (default #f))
  (modules   origin-modules (default '()))
  (patch-flags origin-patch-flags (default '("-p1")))
  (location  origin-location (default (current-source-location)) (innate)))

;; Guix accepts (sha256 (base32 …)) and (hash (content-hash …)).
(define (origin-sha256 origin)
  (or (%origin-sha256 origin)
      (let ((hash (origin-hash origin)))
        (and hash (content-hash-value hash)))))

(define (uri-base-name uri)
  (let* ((text (if (pair? uri) (car uri) uri))
         (slash (string-rindex text #\/)))
    (if slash (substring text (+ slash 1)) text)))

(define (origin-actual-file-name origin)
  (or (origin-file-name origin)
      (let ((uri (origin-uri origin)))
        (if (string? uri) (uri-base-name uri)
            (if (and (pair? uri) (string? (car uri))) (uri-base-name uri) "source")))))

(define (origin->derivation origin)
  (let ((method (origin-method origin))
        (hash (origin-sha256 origin)))
    (unless hash
      (error (string-append "origin " (origin-actual-file-name origin)
                            ": no sha256; give (sha256 (base32 \"…\")) so the download can be checked")))
    (let ((fetched (method (origin-uri origin) 'sha256 hash (origin-actual-file-name origin))))
      (if (and (null? (force (origin-patches origin))) (not (origin-snippet origin)))
          fetched
          (patched-source origin fetched)))))

;; Patches and snippets are applied by a build that unpacks the source,
;; patches it and packs it again, deterministically, like Guix's
;; patch-and-repack; tar and patch come from the seed.
(define (patched-source origin fetched)
  (gexp->derivation
   (let ((name (origin-actual-file-name origin)))
     ;; The result is a gzipped tarball whatever the original was.
     (string-append (strip-archive-suffix name) ".tar.gz"))
   #~(begin
       (use-modules (cairn build utils))
       (setenv "PATH" "/usr/bin:/bin")
       (mkdir "source")
       (with-directory-excursion "source"
         (invoke "tar" "xf" #$fetched)
         (let ((top (scandir "." (lambda (f) (not (member f '("." "..")))))))
           (with-directory-excursion (if (= 1 (length top)) (car top) ".")
             (for-each (lambda (patch)
                         (format #t "applying '~a'...~%" patch)
                         (invoke "patch" "--force" "--no-backup-if-mismatch" #$@(origin-patch-flags origin) "--input" patch))
                       (list #$@(map (lambda (patch)
                                       ;; A file name (what search-patches gives) goes to the store.
                                       (if (string? patch) (local-file* patch) patch))
                                     (force (origin-patches origin)))))
             #$(or (origin-snippet origin) #t))))
       (invoke "tar" "--sort=name" "--mtime=@1" "--owner=0" "--group=0" "--numeric-owner"
               "-cf" "source.tar" "-C" "source" ".")
       (invoke "gzip" "-9n" "source.tar")
       (copy-file "source.tar.gz" #$output))
   #:modules '((cairn build utils))
   ;; Looked up when needed: (cairn packages bootstrap) uses this module.
   #:fhs-root (module-ref (resolve-interface '(cairn packages bootstrap)) 'debian-seed)))

(define (strip-archive-suffix name)
  (let loop ((suffixes '(".tar.gz" ".tar.xz" ".tar.bz2" ".tgz" ".tar" ".zip")))
    (cond ((null? suffixes) name)
          ((string-suffix? (car suffixes) name)
           (substring name 0 (- (string-length name) (string-length (car suffixes)))))
          (else (loop (cdr suffixes))))))

(register-gexp-compiler! <origin>
  (let ((cache (make-hash-table)))
    (lambda (origin)
      (or (hashq-ref cache origin)
          (let ((drv (origin->derivation origin)))
            (hashq-set! cache origin drv)
            drv)))))

;;; Packages.

;; Guix's input styles: plain packages (labels are their names), lists
;; (PACKAGE OUTPUT), and the older labelled ("label" PACKAGE [OUTPUT]).
;; Inputs are kept labelled.
(define (input-label obj)
  (cond ((package? obj) (package-name obj))
        ((origin? obj) (origin-actual-file-name obj))
        ((string? obj) obj)
        (else "_")))

(define (sanitize-inputs inputs)
  (if (not (list? inputs))
      inputs
      (map (lambda (input)
             (cond ((and (pair? input) (string? (car input))) input)
                   ;; (PACKAGE OUTPUT): labelled by the package's name, as Guix does.
                   ((and (pair? input) (pair? (cdr input)) (string? (cadr input)))
                    (list (input-label (car input)) (car input) (cadr input)))
                   (else (list (input-label input) input))))
           inputs)))


(define-record-type* <package> package make-package
  package? this-package
  (name             package-name)
  (version          package-version)
  (source           package-source)
  (build-system     package-build-system)
  (arguments        package-arguments (default '()) (thunked))
  (inputs           package-inputs (default '()) (thunked) (sanitize sanitize-inputs))
  (propagated-inputs package-propagated-inputs (default '()) (thunked) (sanitize sanitize-inputs))
  (native-inputs    package-native-inputs (default '()) (thunked) (sanitize sanitize-inputs))
  (outputs          package-outputs (default '("out")))
  (native-search-paths package-native-search-paths (default '()))
  (search-paths     package-search-paths (default '()))
  (replacement      package-replacement (default #f))
  (upstream-name    package-upstream-name* (default #f))
  (home-page        package-home-page)
  (synopsis         package-synopsis)
  (description      package-description)
  (license          package-license)
  (properties       package-properties (default '()))
  (supported-systems package-supported-systems (default %supported-systems))
  (location         package-location (default (current-source-location)) (innate)))

(define (package-upstream-name package)
  (or (package-upstream-name* package) (package-name package)))

(define* (package-full-name package #:optional (delimiter "@"))
  (string-append (package-name package) delimiter (package-version package)))

(define (package-direct-inputs package)
  (append (package-native-inputs package) (package-inputs package) (package-propagated-inputs package)))

;; The propagated inputs of INPUTS, recursively, after them, without duplicates.
(define (transitive-inputs inputs)
  (let loop ((pending inputs) (seen '()) (result '()))
    (if (null? pending)
        (reverse result)
        (let* ((input (car pending)) (obj (cadr input)))
          (if (member input seen)
              (loop (cdr pending) seen result)
              (loop (append (cdr pending)
                            (if (package? obj) (package-propagated-inputs obj) '()))
                    (cons input seen)
                    (cons input result)))))))

(define (package-transitive-inputs package)
  (transitive-inputs (package-direct-inputs package)))

(define (package-transitive-propagated-inputs package)
  (transitive-inputs (package-propagated-inputs package)))

(define (lookup-package-input-in inputs name)
  (let ((found (find (lambda (input) (equal? (car input) name)) inputs)))
    (and found (cadr found))))

(define (lookup-package-input package name)
  (lookup-package-input-in (append (package-inputs package) (package-propagated-inputs package)) name))

(define (package-input package name) (lookup-package-input package name))

(define-syntax this-package-input
  (syntax-rules ()
    ((_ name) (lookup-package-input this-package name))))

(define-syntax this-package-native-input
  (syntax-rules ()
    ((_ name) (lookup-package-input-in (package-native-inputs this-package) name))))

(define-syntax this-package-propagated-input
  (syntax-rules ()
    ((_ name) (lookup-package-input-in (package-propagated-inputs this-package) name))))

;;; modify-inputs, as in Guix: (modify-inputs INPUTS (delete "a" …)
;;; (prepend pkg …) (append pkg …) (replace "name" pkg) …).

(define (prepend . _)
  (error "prepend is a clause of modify-inputs, not a procedure"))

(define (replace-input name replacement inputs)
  (let ((found #f))
    (let ((result (map (lambda (input)
                         (if (equal? (car input) name)
                             (begin (set! found #t)
                                    ;; REPLACEMENT may name an output: (pkg "lib").
                                    (if (and (pair? replacement) (pair? (cdr replacement)) (string? (cadr replacement)))
                                        (cons (car input) replacement)
                                        (cons (car input) (cons replacement (cddr input)))))
                             input))
                       inputs)))
      (unless found
        (error (string-append "modify-inputs: no input named \"" name "\" to replace")))
      result)))

(define-syntax modify-inputs
  (syntax-rules (delete prepend append replace)
    ((_ inputs (delete name ...) clause ...)
     (modify-inputs (remove (lambda (input) (member (car input) (list name ...))) inputs)
                    clause ...))
    ((_ inputs (prepend pkg ...) clause ...)
     (modify-inputs (append (sanitize-inputs (list pkg ...)) inputs) clause ...))
    ((_ inputs (append pkg ...) clause ...)
     (modify-inputs (append inputs (sanitize-inputs (list pkg ...))) clause ...))
    ((_ inputs (replace name replacement) clause ...)
     (modify-inputs (replace-input name replacement inputs) clause ...))
    ((_ inputs) inputs)))

;;; Lowering.

(define (check-inputs package field inputs)
  (for-each (lambda (input)
              (let ((obj (and (pair? input) (pair? (cdr input)) (cadr input))))
                (unless (or (package? obj) (origin? obj) (string? obj) (file-like? obj))
                  (error (string-append "package " (package-full-name package) ": field " field
                                        ": " (object->string (if obj obj input))
                                        " is not a package, origin or file")))))
            inputs))

(define (file-like? obj)
  (or (gexp? obj) (derivation? obj) (computed-file? obj) (plain-file? obj)
      (local-file? obj) (file-append? obj)
      (and (record? obj) #t)))

(define* (package->bag package #:optional (system (%current-system)))
  (let ((build-system (package-build-system package))
        (inputs (package-inputs package))
        (propagated (package-propagated-inputs package))
        (native (package-native-inputs package)))
    (check-inputs package "inputs" inputs)
    (check-inputs package "propagated-inputs" propagated)
    (check-inputs package "native-inputs" native)
    (parameterize ((%current-system system))
      (apply (build-system-lower build-system)
             (package-full-name package "-")
             #:system system
             #:source (package-source package)
             #:inputs (append inputs propagated)
             #:native-inputs native
             #:outputs (package-outputs package)
             #:search-paths (package-search-paths package)
             #:native-search-paths (package-native-search-paths package)
             (package-arguments package)))))

(define (bag->derivation bag)
  (apply (bag-build bag)
         (bag-name bag)
         ;; With every input's propagated inputs, as Guix's bag-transitive-inputs.
         (transitive-inputs (append (bag-build-inputs bag) (bag-host-inputs bag)))
         #:system (bag-system bag)
         #:outputs (bag-outputs bag)
         (bag-arguments bag)))

(define %derivations (make-hash-table))

(define* (package->derivation package #:optional (system (%current-system)))
  (let ((known (hashq-ref %derivations package '())))
    (cond ((assoc system known) => cdr)
          (else
           (let ((drv (bag->derivation (package->bag package system))))
             (hashq-set! %derivations package (acons system drv known))
             drv)))))

(define package-derivation package->derivation)

(define* (package-output package #:optional (output "out") (system (%current-system)))
  (derivation->output-path (package->derivation package system) output))

(register-gexp-compiler! <package> (lambda (package) (package->derivation package)))

;; What `cairn build --sources=TYPE' fetches, as Guix's: the package's own
;; source (package), with those of its inputs, implicit ones included
;; (all), or of everything it is built from (transitive).
(define* (package-sources package #:optional (type 'package))
  (define (own p) (let ((source (package-source p))) (if source (list source) '())))
  (define (inputs p)
    (let ((bag (package->bag p)))
      (map cadr (append (bag-build-inputs bag) (bag-host-inputs bag)))))
  (define (sources-among objects)
    (append-map (lambda (obj) (cond ((package? obj) (own obj)) ((origin? obj) (list obj)) (else '()))) objects))
  (delete-duplicates
   (case type
     ((package) (own package))
     ((all) (append (own package) (sources-among (inputs package))))
     ((transitive)
      (let loop ((pending (list package)) (seen '()) (result '()))
        (cond ((null? pending) (reverse result))
              ((memq (car pending) seen) (loop (cdr pending) seen result))
              (else
               (let ((objects (inputs (car pending))))
                 (loop (append (cdr pending) (filter package? objects))
                       (cons (car pending) seen)
                       (append (reverse (sources-among (cons (car pending) objects))) result)))))))
     (else (error "package-sources: the type is package, all or transitive" type)))
   eq?))
