#!/usr/bin/env bash
# The language against Guile 3's interpreter (--no-auto-compile) and its
# compiler (auto-compiled, cached after the warm-up run), in one hyperfine run
# per workload. Targets (issue 3): each micro benchmark at least as fast as
# guile --no-auto-compile; the 10,000-package module loaded and forced in
# under 1 s cold and under 0.3 s from Cairn's on-disk cache.
source "$(dirname "$0")/common.sh"
need guile guile-3.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/xdg-cache"   # Guile's compiled-file cache, fresh per run
runs=${RUNS:-5}

compare() {  # NAME CAIRN-COMMAND GUILE-ARGS…
    local name=$1 cairn_command=$2
    shift 2
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/$name.json" \
        -n cairn "$cairn_command" \
        -n "guile --no-auto-compile" "guile --no-auto-compile $*" \
        -n guile "guile $*" >&2
    local c g gc
    c=$(mean_of "$work/$name.json" 0); g=$(mean_of "$work/$name.json" 1); gc=$(mean_of "$work/$name.json" 2)
    printf '%-10s cairn %6.3fs  guile-interp %6.3fs (%sx)  guile-compiled %6.3fs (%sx)\n' \
        "$name" "$c" "$g" "$(ratio "$g" "$c")" "$gc" "$(ratio "$gc" "$c")"
}

summary=()
for program in fib tak lists strings; do
    summary+=("$(compare "$program" "$CAIRN repl bench/scheme/$program.scm" "bench/scheme/$program.scm")")
done

python3 bench/scheme/gen-packages.py "$work/modules" 10000
mkdir -p "$work/cairn-cache"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/packages.json" \
    -n "cairn cold" "env CAIRN_SCHEME_CACHE=off $CAIRN repl -L $work/modules bench/scheme/force-packages.scm" \
    -n "cairn cached" "env CAIRN_SCHEME_CACHE=$work/cairn-cache $CAIRN repl -L $work/modules bench/scheme/force-packages.scm" \
    -n "guile --no-auto-compile" "guile --no-auto-compile -L $work/modules bench/scheme/force-packages.scm" >&2
# Guile's compiler is left out here: auto-compiling the 10,000-definition
# module took longer than 15 minutes on the 2-core reference machine.
cold=$(mean_of "$work/packages.json" 0); cached=$(mean_of "$work/packages.json" 1)
gi=$(mean_of "$work/packages.json" 2)

echo
echo "Ratios are guile time / cairn time (above 1: Cairn is faster)."
printf '%s\n' "${summary[@]}"
printf '%-10s cairn cold %6.3fs (target < 1 s)  cached %6.3fs (target < 0.3 s)  guile-interp %6.3fs (%sx)\n' \
    packages "$cold" "$cached" "$gi" "$(ratio "$gi" "$cold")"
