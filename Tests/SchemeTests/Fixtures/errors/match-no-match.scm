(match (list 1 2 3)
  ((a b) a))
