#!/usr/bin/env bash
# Evaluation speed (issue 5), Cairn against nix-instantiate, in one run:
#  1. `cairn build -d hello` warm (target < 100 ms) against nix-instantiate of an
#     equivalent derivation (a fixed-output download and a build using it);
#  2. `cairn package -A` over the whole collection (target < 300 ms) against
#     `nix-env -qa` over an expression listing the same packages;
#  3. 10,000 generated packages lowered to derivations with `-d` (target < 2 s)
#     against nix-instantiate of the same 10,000 derivations, each on a store
#     that already holds them (warm) and, once, on a fresh one (cold).
# Usage: bench/eval.sh   (RUNS=N for more hyperfine runs)
source "$(dirname "$0")/common.sh"
need nix-instantiate nix-bin
runs=${RUNS:-5}
work=$(mktemp -d /tmp/cairn-bench-eval-XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

export CAIRN_STORE_DIR=$work/cairn/store CAIRN_STATE_DIR=$work/cairn/var CAIRN_SCHEME_CACHE=$work/scheme-cache
nix_store="local?store=$work/nix/store&real=$work/nix/real&state=$work/nix/var&log=$work/nix/log"
export NIX_CONF_DIR=$work/nix/etc NIX_STATE_DIR=$work/nix/var NIX_STORE_DIR=$work/nix/store HOME=$work/home
mkdir -p "$NIX_CONF_DIR" "$HOME"
nix_inst() { nix-instantiate --store "$nix_store" "$@"; }

cp bench/eval/hello.nix "$work/hello.nix"
cat > "$work/collection.nix" <<'NIX'
let mk = name: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "true" ]; };
in { debian-seed = mk "debian-seed-2.36"; glibc = mk "glibc-2.36"; gcc-toolchain = mk "gcc-toolchain-12.2.0";
     hello = mk "hello-2.10"; zlib = mk "zlib-1.2.13"; }
NIX

echo "warming up (writing the .drv files once)…" >&2
"$CAIRN" build -d hello >/dev/null
nix_inst "$work/hello.nix" >/dev/null

hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/hello.json" \
    -n "cairn build -d hello" "$CAIRN build -d hello" \
    -n "nix-instantiate hello.nix" "nix-instantiate --store $nix_store $work/hello.nix" >&2
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/list.json" \
    -n "cairn package -A" "$CAIRN package -A" \
    -n "nix-env -qa" "nix-env --store $nix_store -qa -f $work/collection.nix" >&2

python3 bench/eval/gen-collection.py "$work/gen" 10000
now() { date +%s.%N; }
t0=$(now); "$CAIRN" build -d -L "$work/gen" -f "$work/gen/all.scm" >/dev/null; t1=$(now)
nix_inst "$work/gen/all.nix" >/dev/null; t2=$(now)
cairn_cold=$(python3 -c "print($t1 - $t0)"); nix_cold=$(python3 -c "print($t2 - $t1)")
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/gen.json" \
    -n "cairn build -d 10,000 packages" "$CAIRN build -d -L $work/gen -f $work/gen/all.scm" \
    -n "nix-instantiate 10,000 derivations" "nix-instantiate --store $nix_store $work/gen/all.nix" >&2

h_c=$(mean_of "$work/hello.json" 0); h_n=$(mean_of "$work/hello.json" 1)
l_c=$(mean_of "$work/list.json" 0); l_n=$(mean_of "$work/list.json" 1)
g_c=$(mean_of "$work/gen.json" 0); g_n=$(mean_of "$work/gen.json" 1)
echo
echo "Ratios are Nix time / Cairn time (above 1: Cairn is faster)."
printf 'build -d hello (warm)        cairn %6.3fs (target < 0.100 s)  nix-instantiate %6.3fs (%sx)\n' "$h_c" "$h_n" "$(ratio "$h_n" "$h_c")"
printf 'package -A (whole channel)   cairn %6.3fs (target < 0.300 s)  nix-env -qa %6.3fs (%sx)\n' "$l_c" "$l_n" "$(ratio "$l_n" "$l_c")"
printf '10,000 packages -d (warm)    cairn %6.3fs (target < 2 s)      nix-instantiate %6.3fs (%sx)\n' "$g_c" "$g_n" "$(ratio "$g_n" "$g_c")"
printf '10,000 packages -d (cold)    cairn %6.3fs                     nix-instantiate %6.3fs (%sx)\n' "$cairn_cold" "$nix_cold" "$(ratio "$nix_cold" "$cairn_cold")"
