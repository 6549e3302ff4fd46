#!/usr/bin/env python3
"""Writes N small packages for bench/profile.sh and bench/shell.sh: the
module DIR/mods/bench/tools.scm (toolI: bin/toolI and share/toolI/data),
DIR/manifest.scm naming them, DIR/keep.scm naming them in reverse order
(another profile item), and DIR/tools.nix, the same for nix-env.
Usage: gen-tools.py DIR N"""
import os
import sys

work, count = sys.argv[1], int(sys.argv[2])
names = [f"tool{i}" for i in range(count)]
os.makedirs(f"{work}/mods/bench", exist_ok=True)
with open(f"{work}/mods/bench/tools.scm", "w") as f:
    f.write("""(define-module (bench tools)
  #:use-module (guix packages) #:use-module (guix gexp) #:use-module (guix search-paths)
  #:use-module (guix build-system trivial) #:use-module ((guix licenses) #:prefix license:))
(define (tool name)
  (package
    (name name) (version "1.0") (source #f) (build-system trivial-build-system)
    (arguments (list #:builder #~(begin (mkdir #$output) (mkdir (string-append #$output "/bin"))
                                        (mkdir (string-append #$output "/share"))
                                        (mkdir (string-append #$output "/share/" #$name))
                                        (call-with-output-file (string-append #$output "/bin/" #$name)
                                          (lambda (p) (display "#!/bin/sh\\necho hi\\n" p)))
                                        (call-with-output-file (string-append #$output "/share/" #$name "/data")
                                          (lambda (p) (display #$name p))))))
    (native-search-paths (list $PATH))
    (home-page "https://example.org") (synopsis "Tool") (description "Tool.") (license license:expat)))
""")
    for n in names:
        f.write(f'(define-public {n} (tool "{n}"))\n')
with open(f"{work}/manifest.scm", "w") as f:
    f.write("(specifications->manifest (list " + " ".join(f'"{n}"' for n in names) + "))\n")
with open(f"{work}/keep.scm", "w") as f:
    f.write("(specifications->manifest (list " + " ".join(f'"{n}"' for n in reversed(names)) + "))\n")
with open(f"{work}/tools.nix", "w") as f:
    f.write("let mk = name: derivation { inherit name; system = \"x86_64-linux\"; builder = \"/bin/sh\";\n"
            "  args = [ \"-c\" \"/bin/mkdir -p $out/bin $out/share/${name}; echo '#!/bin/sh' > $out/bin/${name}; echo ${name} > $out/share/${name}/data\" ]; };\n"
            "in [ " + " ".join(f'(mk "{n}-1.0")' for n in names) + " ]\n")
