#!/usr/bin/env bash
# `cairn shell` start-up (issue 6): `cairn shell -m manifest.scm -- true` on a
# cache hit against `true` alone and against `bash -c true`, in one hyperfine
# run; prints Cairn's overhead above `true` in ms (target < 15 ms). The
# manifest names 10 small packages of a module of the benchmark's own, built
# before timing. (Containers, -C, are not there yet: no figure for them.)
# Usage: bench/shell.sh   (RUNS=N for more hyperfine runs)
source "$(dirname "$0")/common.sh"
runs=${RUNS:-30}
work=$(mktemp -d /tmp/cairn-bench-shell-XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export CAIRN_STORE_DIR=$work/cairn/store CAIRN_STATE_DIR=$work/cairn/var HOME=$work/home
mkdir -p "$HOME" "$work/mods/bench"

python3 bench/profile/gen-tools.py "$work" 10

echo "building the environment once…" >&2
"$CAIRN" shell -L "$work/mods" -m "$work/manifest.scm" -- true
true_path=$(command -v true); bash_path=$(command -v bash)
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/shell.json" \
    -n "true" "$true_path" \
    -n "bash -c true" "$bash_path -c true" \
    -n "cairn shell -m manifest.scm -- true (cache hit)" "$CAIRN shell -L $work/mods -m $work/manifest.scm -- $true_path" >&2

t=$(mean_of "$work/shell.json" 0); b=$(mean_of "$work/shell.json" 1); c=$(mean_of "$work/shell.json" 2)
echo
python3 - "$t" "$b" "$c" <<'PY'
import sys
t, b, c = (float(x) for x in sys.argv[1:])
print(f"true                          {t*1000:7.2f} ms")
print(f"bash -c true                  {b*1000:7.2f} ms  ({(b-t)*1000:.2f} ms above true)")
print(f"cairn shell -- true (hit)     {c*1000:7.2f} ms  ({(c-t)*1000:.2f} ms above true; target < 15 ms)")
PY
