#!/bin/sh
# Regenerates the Guile-derived expected outputs of the Scheme test fixtures.
#
#   generate.sh [OUT-DIR]
#
# OUT-DIR defaults to the Fixtures directory (the parent of this script's
# directory).  Writes OUT-DIR/differential/NN-topic.expected for every
# differential/NN-topic.scm (one guile process for all of them, see
# generate.scm) and OUT-DIR/programs/NN-name.out, the stdout of
# `guile --no-auto-compile -s NN-name.scm`, for every programs/NN-name.scm.
# Exits non-zero if guile is missing, a case raises an error, or a program
# fails or writes to stderr.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(dirname "$here")
out=${1:-$fixtures}
mkdir -p "$out/differential" "$out/programs"
out=$(cd "$out" && pwd)

command -v guile >/dev/null 2>&1 || { echo "generate.sh: guile not found" >&2; exit 1; }

# Same results whoever runs it: no compiled-file cache (a stale or fresh .go
# would change how programs are loaded), no user init file, a UTF-8 locale.
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT INT TERM
export XDG_CACHE_HOME="$cache" GUILE_AUTO_COMPILE=0 LC_ALL=C.UTF-8
unset GUILE_LOAD_PATH GUILE_LOAD_COMPILED_PATH GUILE_SYSTEM_PATH 2>/dev/null || true

# Warnings (e.g. from the expander) would mean a case depends on something
# questionable: they fail the run like errors do.
if ! guile -q --no-auto-compile -s "$here/generate.scm" "$here" "$out/differential" 2>"$cache/stderr"; then
    cat "$cache/stderr" >&2
    echo "generate.sh: generating the differential expectations failed" >&2
    exit 1
fi
if [ -s "$cache/stderr" ]; then
    cat "$cache/stderr" >&2
    echo "generate.sh: guile wrote warnings while generating the differential expectations" >&2
    exit 1
fi

status=0
for program in "$fixtures"/programs/[0-9][0-9]-*.scm; do
    [ -e "$program" ] || continue
    name=$(basename "$program" .scm)
    if ! (cd "$fixtures/programs" && guile -q --no-auto-compile -s "$name.scm") \
            >"$out/programs/$name.out" 2>"$cache/stderr"; then
        echo "generate.sh: programs/$name.scm failed:" >&2
        cat "$cache/stderr" >&2
        status=1
    elif [ -s "$cache/stderr" ]; then
        echo "generate.sh: programs/$name.scm wrote to stderr:" >&2
        cat "$cache/stderr" >&2
        status=1
    fi
done
exit $status
