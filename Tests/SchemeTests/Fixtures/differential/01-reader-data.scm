;;; Reader syntax and the printer: what `write` shows for literal data.
'(1 2 3)
'(1 . 2)
'(1 2 . 3)
'(a . (b . (c . ())))
'()
'#(1 #(2 3) "x")
'#()
''a
'`(a ,b ,@c)
'(quote a b)
"plain"
"tab\there\nnewline"
"quote \" and backslash \\"
"\x41;BC"
"λ and ü"
#\a
#\A
#\space
#\newline
#\tab
#\nul
#\x41
#\x3bb
#\delete
#\alarm
#\escape
(integer->char 1)
(integer->char 127)
(string (integer->char 1) (integer->char 31))
#t
#f
#true
#false
'#:key
'sym
'CamelCase
'a.b
'...
'->x
'(+ - * /)
(string->symbol "")
(string->symbol "with space")
(string->symbol "1+")
#x1F
#xff
#b1011
#o17
#e1.5
#i1/2
-17
+5
.5
1e3
'(1 #t #\a "s" sym #:k 2.5)
#vu8(1 2 255)
'(#(a b) . #(c))
'(a #| block comment |# b)
'(a #;(ignored datum) b)
'(a ; line comment
  b)
(list 'quote 'a)
(list 'quasiquote (list 'unquote 'x))
'(1 .5)
'(a .b)
