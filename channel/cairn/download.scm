;;; Downloads as fixed-output derivations, as Guix's (guix download):
;;; `url-fetch' takes one URL or a list, mirror:// ones included (the
;;; machine's mirror table decides where mirror://NAME goes).
(define-module (cairn download)
  #:use-module (cairn core store)
  #:export (url-fetch url-fetch/executable))

;; Store names allow only [A-Za-z0-9+-._?=]; Debian file names hold '~'.
(define (store-name text)
  (list->string (map (lambda (c)
                       (if (or (char-alphabetic? c) (char-numeric? c) (memv c '(#\+ #\- #\. #\_ #\? #\=)))
                           c #\-))
                     (string->list text))))

(define (url-base-name url)
  (let ((slash (string-rindex url #\/)))
    (if slash (substring url (+ slash 1)) url)))

(define* (url-fetch url hash-algo hash #:optional name #:key (executable? #f))
  "A derivation downloading URL (a string or a list tried in order) whose
content must have HASH."
  (let ((urls (if (string? url) (list url) url)))
    (unless (and (pair? urls) (every-string? urls))
      (error "url-fetch: the URI must be a string or a non-empty list of strings" url))
    (derivation (store-name (or name (url-base-name (car urls))))
                "builtin:fetchurl" '()
                #:system "builtin"
                #:hash hash #:hash-algo hash-algo
                #:recursive? executable?
                #:env-vars `(("url" . ,(string-join urls " "))
                             ,@(if executable? '(("executable" . "1")) '())))))

(define (every-string? items)
  (or (null? items) (and (string? (car items)) (every-string? (cdr items)))))

(define* (url-fetch/executable url hash-algo hash #:optional name)
  (url-fetch url hash-algo hash name #:executable? #t))
