;; Loads the generated module and forces every package's arguments.
(use-modules (bench packages))
(display (force-all))
(newline)
