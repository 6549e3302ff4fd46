;; A typical HPC environment, as `guix shell -m` users write it.
(specifications->manifest
 '("gcc-toolchain" "coreutils" "grep" "sed" "openmpi" "openblas" "petsc"))
