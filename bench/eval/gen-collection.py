#!/usr/bin/env python3
"""Writes N generated packages for bench/eval.sh, as Cairn modules and as the
equivalent Nix expression: each package depends on up to three earlier ones
and builds with a small script, so evaluation lowers N packages to N
derivations with inputs.
Usage: gen-collection.py DIR N"""
import os
import sys

directory, count = sys.argv[1], int(sys.argv[2])
per_module = 500
os.makedirs(os.path.join(directory, "gen"), exist_ok=True)

def deps(i):
    return [j for j in (i - 1, i // 2, i // 3) if 0 <= j < i]

for start in range(0, count, per_module):
    m = start // per_module
    lines = [f"(define-module (gen m{m})",
             "  #:use-module (guix packages) #:use-module (guix gexp)",
             "  #:use-module (guix build-system trivial) #:use-module ((guix licenses) #:prefix license:)"]
    for k in range(m):
        lines.append(f"  #:use-module (gen m{k})")
    lines.append(")")
    for i in range(start, min(start + per_module, count)):
        inputs = " ".join(f"p{j}" for j in deps(i))
        lines.append(f"""(define-public p{i}
  (package
    (name "p{i}") (version "1.{i % 7}") (source #f)
    (build-system trivial-build-system)
    (arguments (list #:builder #~(begin (mkdir #$output) (call-with-output-file (string-append #$output "/n") (lambda (p) (display {i} p))))))
    (inputs (list {inputs}))
    (home-page "https://example.org/p{i}") (synopsis "Generated package {i}")
    (description "A generated package for the evaluation benchmark.") (license license:expat)))""")
    with open(os.path.join(directory, "gen", f"m{m}.scm"), "w") as f:
        f.write("\n".join(lines) + "\n")

modules = " ".join(f"(gen m{m})" for m in range((count + per_module - 1) // per_module))
with open(os.path.join(directory, "all.scm"), "w") as f:
    f.write(f"(use-modules {modules})\n(list {' '.join(f'p{i}' for i in range(count))})\n")

with open(os.path.join(directory, "all.nix"), "w") as f:
    f.write("let\n  mk = name: deps: derivation { inherit name; system = \"x86_64-linux\"; builder = \"/bin/sh\";\n"
            "    args = [ \"-c\" \"mkdir $out; echo ${name} > $out/n\" ]; inputs = deps; };\n")
    for i in range(count):
        f.write(f"  p{i} = mk \"p{i}-1.{i % 7}\" [ {' '.join(f'p{j}' for j in deps(i))} ];\n")
    f.write(f"in [ {' '.join(f'p{i}' for i in range(count))} ]\n")
