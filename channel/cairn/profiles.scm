;;; Manifests and profiles, with Guix's names ((guix profiles)).  A profile
;;; is the output of a derivation whose builder, builtin:profile, makes the
;;; union of the entries' items, the `manifest' file and `etc/profile'; so
;;; what decides a profile's store path lives here, in the channel.
(define-module (cairn profiles)
  #:use-module (cairn records)
  #:use-module (cairn packages)
  #:use-module (cairn search-paths)
  #:use-module (cairn core store)
  #:use-module (srfi srfi-1)
  #:export (manifest manifest? manifest-entries make-manifest
            manifest-entry manifest-entry? manifest-entry-name manifest-entry-version
            manifest-entry-output manifest-entry-item manifest-entry-dependencies
            manifest-entry-search-paths manifest-entry-properties
            package->manifest-entry packages->manifest concatenate-manifests
            manifest-add manifest-remove manifest-lookup
            package->development-manifest
            manifest-entry-item-path manifest->sexp sexp->manifest
            profile-derivation
            specification->package specification->package+output specifications->manifest))

(define-record-type* <manifest-entry> manifest-entry make-manifest-entry
  manifest-entry?
  (name         manifest-entry-name)
  (version      manifest-entry-version)
  (output       manifest-entry-output (default "out"))
  ;; A package, or the file name of an item already in the store.
  (item         manifest-entry-item)
  ;; Entries for the item's propagated inputs.
  (dependencies manifest-entry-dependencies (default '()))
  (search-paths manifest-entry-search-paths (default '()))
  (properties   manifest-entry-properties (default '())))

(define-record-type <manifest>
  (make-manifest entries)
  manifest?
  (entries manifest-entries))

(define (manifest entries) (make-manifest entries))

;; The native search paths of PACKAGE and of what it propagates, as Guix's
;; package-transitive-native-search-paths.
(define (transitive-search-paths package)
  (delete-duplicates
   (append (package-native-search-paths package)
           (package-search-paths package)
           (append-map (lambda (input)
                         (let ((obj (cadr input)))
                           (if (package? obj)
                               (append (package-native-search-paths obj) (package-search-paths obj))
                               '())))
                       (package-transitive-propagated-inputs package)))
   (lambda (a b) (equal? (search-path-specification->sexp a) (search-path-specification->sexp b)))))

(define* (package->manifest-entry package #:optional (output "out") #:key (properties '()))
  ;; As Guix's package->manifest-entry*: the entry says which channels it
  ;; came from, so `cairn package --export-channels' can name them later.
  (let ((provenance (%channel-provenance)))
    (%package->manifest-entry package output
                              (if (or (null? provenance) (assq 'provenance properties))
                                  properties
                                  (append properties (list (cons 'provenance provenance)))))))

(define (%package->manifest-entry package output properties)
  (unless (package? package)
    (error "package->manifest-entry: not a package" package))
  (unless (member output (package-outputs package))
    (error (string-append "package " (package-full-name package) " has no output \"" output
                          "\"; its outputs are: " (string-join (package-outputs package) " "))))
  (manifest-entry
   (name (package-name package))
   (version (package-version package))
   (output output)
   (item package)
   (dependencies
    (filter-map (lambda (input)
                  (let ((obj (cadr input)))
                    (and (package? obj)
                         (%package->manifest-entry obj (if (pair? (cddr input)) (caddr input) "out") '()))))
                (package-propagated-inputs package)))
   (search-paths (transitive-search-paths package))
   (properties properties)))

;; PACKAGES are packages or (PACKAGE OUTPUT) lists.
(define (packages->manifest packages)
  (manifest
   (map (lambda (p)
          (if (pair? p)
              (package->manifest-entry (car p) (cadr p))
              (package->manifest-entry p)))
        packages)))

(define (concatenate-manifests manifests)
  (manifest (append-map manifest-entries manifests)))

;; Everything needed to develop PACKAGE: its inputs, as `guix shell -D'.
(define* (package->development-manifest package #:optional (system #f))
  (manifest
   (filter-map (lambda (input)
                 (let ((obj (cadr input)))
                   (and (package? obj)
                        (package->manifest-entry obj (if (pair? (cddr input)) (caddr input) "out")))))
               (package-transitive-inputs package))))

(define (same-entry? a b)
  (and (equal? (manifest-entry-name a) (manifest-entry-name b))
       (equal? (manifest-entry-output a) (manifest-entry-output b))))

;; ENTRIES first, then those of MANIFEST they do not replace (same name
;; and output), as `guix package -i' orders them.
(define (manifest-add manifest entries)
  (make-manifest
   (append entries
           (remove (lambda (old) (any (lambda (new) (same-entry? old new)) entries))
                   (manifest-entries manifest)))))

;; PATTERNS are (NAME OUTPUT-OR-#f) lists.
(define (manifest-remove manifest patterns)
  (make-manifest
   (remove (lambda (entry)
             (any (lambda (pattern)
                    (and (equal? (car pattern) (manifest-entry-name entry))
                         (or (not (cadr pattern)) (equal? (cadr pattern) (manifest-entry-output entry)))))
                  patterns))
           (manifest-entries manifest))))

(define (manifest-lookup manifest name)
  (find (lambda (entry) (equal? (manifest-entry-name entry) name)) (manifest-entries manifest)))

;;; Lowering.

(define (manifest-entry-item-path entry)
  (let ((item (manifest-entry-item entry)))
    (if (package? item)
        (package-output item (manifest-entry-output entry))
        item)))

;; What the derivation takes as input for ENTRY: a package's derivation
;; and output, or a store file name.
(define (entry-input entry)
  (let ((item (manifest-entry-item entry)))
    (if (package? item)
        (list (package->derivation item) (manifest-entry-output entry))
        item)))

(define (entry-closure entry)
  (cons entry (append-map entry-closure (manifest-entry-dependencies entry))))

(define (entry->sexp entry)
  (list (manifest-entry-name entry)
        (manifest-entry-version entry)
        (manifest-entry-output entry)
        (manifest-entry-item-path entry)
        (list 'propagated-inputs (map entry->sexp (manifest-entry-dependencies entry)))
        (list 'search-paths (map search-path-specification->sexp (manifest-entry-search-paths entry)))
        (list 'properties (manifest-entry-properties entry))))

;; The profile's `manifest' file, in the format of Guix's (version 4).
(define (manifest->sexp manifest)
  (list 'manifest '(version 4)
        (list 'packages (map entry->sexp (manifest-entries manifest)))))

(define (sexp->entry sexp)
  (define (field name)
    (let ((found (find (lambda (x) (and (pair? x) (eq? (car x) name))) (list-tail sexp 4))))
      (if found (cadr found) '())))
  (unless (and (list? sexp) (>= (length sexp) 4) (every string? (list-head sexp 4)))
    (error "sexp->manifest: bad entry in a profile's manifest" sexp))
  (manifest-entry
   (name (car sexp))
   (version (cadr sexp))
   (output (caddr sexp))
   (item (cadddr sexp))
   (dependencies (map sexp->entry (field 'propagated-inputs)))
   (search-paths (map (lambda (spec)
                        (search-path-specification
                         (variable (car spec)) (files (cadr spec)) (separator (caddr spec))
                         (file-type (cadddr spec)) (file-pattern (car (cddddr spec)))))
                      (field 'search-paths)))
   (properties (field 'properties))))

;; A manifest read back from a profile's `manifest' file.
(define (sexp->manifest sexp)
  (unless (and (pair? sexp) (eq? (car sexp) 'manifest))
    (error "sexp->manifest: not a profile manifest" sexp))
  (let ((packages (find (lambda (x) (and (pair? x) (eq? (car x) 'packages))) (cdr sexp))))
    (make-manifest (map sexp->entry (if packages (cadr packages) '())))))

;; Two entries with one name and output but different items cannot both be
;; in a profile: say which, unless collisions are allowed.  PAIRS are
;; (ENTRY . ITEM-PATH), so each item's path is computed once.
(define (check-for-collisions pairs)
  (let ((seen (make-hash-table)))
    (for-each
     (lambda (pair)
       (let* ((entry (car pair))
              (key (string-append (manifest-entry-name entry) ":" (manifest-entry-output entry)))
              (other (hash-ref seen key)))
         (cond ((not other) (hash-set! seen key pair))
               ((not (equal? (cdr other) (cdr pair)))
                (error (string-append "profile contains conflicting entries for " key
                                      ": " (manifest-entry-version (car other)) " (" (cdr other) ") and "
                                      (manifest-entry-version entry) " (" (cdr pair) ")"
                                      "; pass --allow-collisions to keep the first"))))))
     pairs)))

;; PAIRS without those whose item came before.
(define (unique-items pairs)
  (let ((seen (make-hash-table)))
    (filter (lambda (pair)
              (and (not (hash-ref seen (cdr pair)))
                   (begin (hash-set! seen (cdr pair) #t) #t)))
            pairs)))

; SPEC as search-path-specification->sexp gives it: (VARIABLE FILES SEPARATOR TYPE PATTERN).
(define (search-path-line spec)
  (string-join (append (list (car spec)
                             (or (caddr spec) "")
                             (symbol->string (cadddr spec))
                             (or (car (cddddr spec)) ""))
                       (cadr spec))
               "\t"))

(define* (profile-derivation manifest #:key (name "profile") (allow-collisions? #f)
                             (system (%current-system)))
  "The derivation of the profile holding MANIFEST's entries and what they propagate."
  (let* ((pairs (map (lambda (entry) (cons entry (manifest-entry-item-path entry)))
                     (append-map entry-closure (manifest-entries manifest))))
         (closure (unique-items pairs))
         ;; PATH always, as Guix's manifest-search-paths: a package with
         ;; programs need not declare it.
         (specs (delete-duplicates (map search-path-specification->sexp
                                        (cons $PATH
                                              (append-map (lambda (pair) (manifest-entry-search-paths (car pair))) closure))))))
    (unless allow-collisions? (check-for-collisions pairs))
    (derivation name "builtin:profile" '()
                #:system system
                #:inputs (map (lambda (pair) (entry-input (car pair))) closure)
                #:env-vars `(("manifest" . ,(object->string (manifest->sexp manifest)))
                             ("paths" . ,(string-join (map cdr closure) "\n"))
                             ("searchPaths" . ,(string-join (map search-path-line specs) "\n"))
                             ("allowCollisions" . ,(if allow-collisions? "1" ""))))))

;;; Packages by specification, as (gnu packages) has them in Guix.

(define (specification->package spec)
  (car (%resolve-specification spec)))

(define* (specification->package+output spec #:optional (output "out"))
  (let ((found (%resolve-specification spec)))
    (values (car found) (or (cdr found) output))))

(define (specifications->manifest specs)
  (manifest
   (map (lambda (spec)
          (call-with-values (lambda () (specification->package+output spec))
            package->manifest-entry))
        specs)))
