#!/usr/bin/env bash
# `cairn shell` start-up (issue 6): `cairn shell -m manifest.scm -- true` on a
# cache hit against `true` alone and against `bash -c true`, in one hyperfine
# run; prints Cairn's overhead above `true` in ms (target < 15 ms). The
# manifest names 10 small packages of a module of the benchmark's own, built
# before timing. With Debian's static busybox at /bin/busybox, the same
# manifest plus a busybox package (for /bin/sh and `true` inside) is timed
# with -C too (target < 40 ms above `true`).
# Usage: bench/shell.sh   (RUNS=N for more hyperfine runs)
source "$(dirname "$0")/common.sh"
runs=${RUNS:-30}
work=$(mktemp -d /tmp/cairn-bench-shell-XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export CAIRN_STORE_DIR=$work/cairn/store CAIRN_STATE_DIR=$work/cairn/var HOME=$work/home
mkdir -p "$HOME" "$work/mods/bench"

python3 bench/profile/gen-tools.py "$work" 10

container=()
if [ -x /bin/busybox ]; then
    cat > "$work/mods/bench/box.scm" <<'SCM'
(define-module (bench box)
  #:use-module (guix packages) #:use-module (guix gexp) #:use-module (guix search-paths)
  #:use-module (guix build-system trivial) #:use-module ((guix licenses) #:prefix license:))
(define-public box
  (package
    (name "box") (version "1.35") (source #f) (build-system trivial-build-system)
    (arguments
     (list #:builder
           #~(let ((bin (string-append #$output "/bin")))
               (mkdir #$output) (mkdir bin)
               (copy-file #$(local-file "/bin/busybox") (string-append bin "/busybox"))
               (chmod (string-append bin "/busybox") #o555)
               (for-each (lambda (name) (symlink "busybox" (string-append bin "/" name))) '("sh" "true")))))
    (native-search-paths (list $PATH))
    (home-page "https://busybox.net") (synopsis "Tools") (description "Tools.") (license license:gpl2)))
SCM
    sed 's/(list /(list "box" /' "$work/manifest.scm" > "$work/container.scm"
    "$CAIRN" shell -L "$work/mods" -C -m "$work/container.scm" -- true
    container=(-n "cairn shell -C -m container.scm -- true (cache hit)" "$CAIRN shell -L $work/mods -C -m $work/container.scm -- true")
else
    echo "bench: no /bin/busybox (Debian busybox-static): no figure for -C" >&2
fi

echo "building the environment once…" >&2
"$CAIRN" shell -L "$work/mods" -m "$work/manifest.scm" -- true
true_path=$(command -v true); bash_path=$(command -v bash)
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/shell.json" \
    -n "true" "$true_path" \
    -n "bash -c true" "$bash_path -c true" \
    -n "cairn shell -m manifest.scm -- true (cache hit)" "$CAIRN shell -L $work/mods -m $work/manifest.scm -- $true_path" \
    "${container[@]}" >&2

t=$(mean_of "$work/shell.json" 0); b=$(mean_of "$work/shell.json" 1); c=$(mean_of "$work/shell.json" 2)
k=""; [ ${#container[@]} -gt 0 ] && k=$(mean_of "$work/shell.json" 3)
echo
python3 - "$t" "$b" "$c" "$k" <<'PY'
import sys
t, b, c = (float(x) for x in sys.argv[1:4])
print(f"true                          {t*1000:7.2f} ms")
print(f"bash -c true                  {b*1000:7.2f} ms  ({(b-t)*1000:.2f} ms above true)")
print(f"cairn shell -- true (hit)     {c*1000:7.2f} ms  ({(c-t)*1000:.2f} ms above true; target < 15 ms)")
if sys.argv[4]:
    k = float(sys.argv[4])
    print(f"cairn shell -C -- true (hit)  {k*1000:7.2f} ms  ({(k-t)*1000:.2f} ms above true; target < 40 ms)")
PY
