;;; The hardware locality library, built from source with the seed's toolchain.
(define-module (cairn packages mpi)
  #:use-module (cairn packages)
  #:use-module (cairn download)
  #:use-module (cairn gexp)
  #:use-module (cairn search-paths)
  #:use-module (cairn build-system gnu)
  #:use-module ((cairn licenses) #:prefix license:)
  #:export (hwloc))

(define hwloc
  (package
    (name "hwloc")
    (version "2.9.0")
    (source (origin
              (method url-fetch)
              (uri (list "https://download.open-mpi.org/release/hwloc/v2.9/hwloc-2.9.0.tar.bz2"
                         "mirror://debian/pool/main/h/hwloc/hwloc_2.9.0.orig.tar.bz2"))
              (sha256
               (base32 "0w69il4szskw7jrsswyiirv1vkm75vg5xpknx7cbr3sdl51imyxk"))))
    (build-system gnu-build-system)
    (arguments
     ;; Test suites are not run yet: they take longer than the builds.
     (list #:tests? #f
           #:configure-flags
           #~(list "--disable-libxml2" "--disable-cairo" "--disable-opencl" "--disable-cuda" "--disable-nvml" "--disable-rsmi" "--disable-levelzero" "--disable-gl" "--disable-libudev" "--disable-pci" "--disable-plugins")))
    (native-search-paths
     (list (search-path-specification
            (variable "HWLOC_PLUGINS_PATH")
            (files '("lib/hwloc")))))
    (home-page "https://www.open-mpi.org/projects/hwloc/")
    (synopsis "Abstraction of hardware architectures")
    (description
     "hwloc provides a portable abstraction (across OS,
versions, architectures, ...) of the hierarchical topology of modern
architectures, including NUMA memory nodes, sockets, shared caches, cores and
simultaneous multithreading.")
    (license license:bsd-3)))
