(display "placeholder")
