;;; FizzBuzz with a named let and cond.
(define (fizzbuzz n)
  (cond ((= 0 (modulo n 15)) "FizzBuzz")
        ((= 0 (modulo n 3)) "Fizz")
        ((= 0 (modulo n 5)) "Buzz")
        (else (number->string n))))

(let loop ((i 1))
  (when (<= i 30)
    (display (fizzbuzz i))
    (newline)
    (loop (+ i 1))))
