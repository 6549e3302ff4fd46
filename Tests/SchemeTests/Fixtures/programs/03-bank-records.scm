;;; Records with mutable fields, errors turned into output.
(use-modules (srfi srfi-9) (srfi srfi-34) (srfi srfi-1))

(define-record-type <account>
  (make-account owner balance history)
  account?
  (owner account-owner)
  (balance account-balance set-account-balance!)
  (history account-history set-account-history!))

(define (open-account owner)
  (make-account owner 0 '()))

(define (record! account entry)
  (set-account-history! account (cons entry (account-history account))))

(define (deposit! account amount)
  (when (<= amount 0)
    (error "deposit must be positive" amount))
  (set-account-balance! account (+ (account-balance account) amount))
  (record! account (list 'deposit amount)))

(define (withdraw! account amount)
  (if (> amount (account-balance account))
      (raise (list 'insufficient-funds (account-owner account) amount))
      (begin
        (set-account-balance! account (- (account-balance account) amount))
        (record! account (list 'withdraw amount)))))

(define alice (open-account "alice"))
(define bob (open-account "bob"))

(deposit! alice 100)
(deposit! bob 20)
(withdraw! alice 30)

(define (try thunk)
  (guard (e ((pair? e) (display "refused: ") (write e) (newline))
            (#t (display "error") (newline)))
    (thunk)
    (display "ok")
    (newline)))

(try (lambda () (withdraw! bob 50)))
(try (lambda () (withdraw! bob 5)))
(try (lambda () (deposit! bob -1)))

(for-each (lambda (acct)
            (display (account-owner acct))
            (display ": ")
            (display (account-balance acct))
            (display " ")
            (write (reverse (account-history acct)))
            (newline))
          (list alice bob))

(display (fold + 0 (map account-balance (list alice bob))))
(newline)
(display (account? alice))
(display (account? 'alice))
(newline)
