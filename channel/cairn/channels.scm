;;; Channels, as Guix's (guix channels) writes them: what `channels.scm`
;;; files say and what `cairn describe -f channels` prints.
(define-module (cairn channels)
  #:use-module (cairn records)
  #:export (channel channel? channel-name channel-url channel-branch channel-commit
            channel-introduction channel-location
            make-channel-introduction channel-introduction?
            channel-introduction-first-signed-commit channel-introduction-first-commit-signer
            openpgp-fingerprint openpgp-fingerprint? openpgp-fingerprint->string))

(define-record-type <openpgp-fingerprint>
  (%openpgp-fingerprint text)
  openpgp-fingerprint?
  (text openpgp-fingerprint->string))

;; "9B6A 0A2E …": spaces are for people; kept as given, compared without them.
(define (openpgp-fingerprint text)
  (unless (string? text)
    (error "openpgp-fingerprint: a string of hexadecimal digits is expected" text))
  (%openpgp-fingerprint text))

(define-record-type <channel-introduction>
  (make-channel-introduction first-signed-commit first-commit-signer)
  channel-introduction?
  (first-signed-commit channel-introduction-first-signed-commit)
  (first-commit-signer channel-introduction-first-commit-signer))

(define-record-type* <channel> channel make-channel
  channel?
  (name         channel-name)
  (url          channel-url)
  (branch       channel-branch (default "main"))
  (commit       channel-commit (default #f))
  (introduction channel-introduction (default #f))
  (location     channel-location (default #f)))
