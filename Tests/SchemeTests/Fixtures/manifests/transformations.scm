;; Package transformations applied to a list of specifications.
(use-modules (guix transformations)
             (gnu packages)
             (srfi srfi-1))

(define transform
  (options->transformation
   '((with-c-toolchain . "petsc=gcc-toolchain@12")
     (without-tests . "openblas")
     (with-input . "openmpi=mpich")
     (tune . "znver3"))))

(packages->manifest
 (map (compose transform specification->package)
      '("petsc" "openblas" "hdf5" "fftw@3.3.10")))
