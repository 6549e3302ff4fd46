#!/usr/bin/env bash
# Realising 500 trivial derivations (each writes a small file): a chain of 250,
# a fan of 249 independent ones and one on top of both. Cairn with -M 2 against
# nix-build with -j 2, both sandboxed, each on a fresh store, in the same run.
# The same Nix expression instantiates the graph for both stores (Nix writes
# the .drv files; Cairn imports them with `archive --import`); only the build
# is timed. Cairn's sandboxes get /bin/sh from an FHS store item (dash, its
# libraries and the loader, as the Debian seed will give them); Nix gets the
# same files through sandbox-paths.
# Usage: bench/builder.sh [ROUNDS]   (each round: one Cairn and one Nix run)
source "$(dirname "$0")/common.sh"
need nix-build nix-bin
rounds="${1:-${RUNS:-1}}"
work=$(mktemp -d /tmp/cairn-bench-builder-XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# The shell tree: dash with what ldd lists and the dynamic loader.
tree="$work/shell-tree"
mkdir -p "$tree/bin"
cp -L /bin/sh "$tree/bin/sh"
libs=$(ldd /bin/sh | grep -o '/[^ ]*')
for lib in $libs; do mkdir -p "$tree$(dirname "$lib")"; cp -L "$lib" "$tree$lib"; done
sandbox_paths="/bin/sh=$(readlink -f /bin/sh)"
for lib in $libs; do sandbox_paths="$sandbox_paths $lib=$(readlink -f "$lib")"; done

cat > "$work/graph.nix" <<'NIX'
{ tree }:
let
  shell = builtins.path { path = tree; name = "shell-tree"; };
  mk = name: deps: derivation {
    inherit name;
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${name} ${toString deps} > $out" ];
    __cairnFHSRoot = shell;
  };
  chain = builtins.foldl' (done: i: done ++ [ (mk "chain-${toString i}"
    (if done == [] then [] else [ (builtins.elemAt done (builtins.length done - 1)) ])) ]) [] (builtins.genList (i: i) 250);
  fan = builtins.genList (i: mk "fan-${toString i}" []) 249;
in mk "top" (fan ++ [ (builtins.elemAt chain 249) ])
NIX

# nix_env DIR: a private Nix store rooted at DIR (sandboxed, no build users).
nix_env() {
    export NIX_STORE_DIR=$1/store NIX_STATE_DIR=$1/var NIX_LOG_DIR=$1/log NIX_CONF_DIR=$1/etc
    mkdir -p "$1/etc"
    cat > "$1/etc/nix.conf" <<CONF
build-users-group =
sandbox = true
sandbox-paths = $sandbox_paths
substituters =
max-jobs = 2
cores = 1
CONF
}

now() { date +%s.%N; }
cairn_total=0; nix_total=0
for round in $(seq "$rounds"); do
    # Cairn: Nix instantiates into Cairn's store directory, Cairn imports and builds.
    c="$work/cairn.$round"
    ( nix_env "$c/instantiate"; export NIX_STORE_DIR=$c/store
      drv=$(nix-instantiate "$work/graph.nix" --arg tree "$tree" 2>/dev/null)
      nix-store --export $(nix-store -qR "$drv") > "$c/graph.bundle"; echo "$drv" > "$c/drv" )
    export CAIRN_STORE_DIR=$c/store CAIRN_STATE_DIR=$c/var
    "$CAIRN" archive --import < "$c/graph.bundle" > /dev/null
    start=$(now)
    "$CAIRN" build -q -M 2 -c 1 "$(cat "$c/drv")" > /dev/null
    cairn_time=$(python3 -c "print($(now) - $start)")
    built=$(ls "$c/var/log/drvs"/*/ | grep -c bz2 || true)

    # Nix: the same graph in its own store, realised by nix-build.
    n="$work/nix.$round"
    ( nix_env "$n"
      drv=$(nix-instantiate "$work/graph.nix" --arg tree "$tree" 2>/dev/null)
      start=$(now)
      nix-build --no-out-link -j 2 "$drv" > /dev/null 2> "$n/stderr" || { cat "$n/stderr" >&2; exit 1; }
      python3 -c "print($(now) - $start)" > "$n/time" )
    nix_time=$(cat "$n/time")
    echo "round $round: cairn ${cairn_time}s ($built builds), nix ${nix_time}s" >&2
    cairn_total=$(python3 -c "print($cairn_total + $cairn_time)")
    nix_total=$(python3 -c "print($nix_total + $nix_time)")
done
cairn_mean=$(python3 -c "print(f'{$cairn_total / $rounds:.2f}')")
nix_mean=$(python3 -c "print(f'{$nix_total / $rounds:.2f}')")
echo "realise 500 derivations (-M 2, sandboxed): cairn ${cairn_mean}s, nix ${nix_mean}s, nix/cairn $(ratio "$nix_mean" "$cairn_mean")x"
echo "per derivation: cairn $(python3 -c "print(f'{$cairn_mean / 500 * 1000:.1f}')") ms, nix $(python3 -c "print(f'{$nix_mean / 500 * 1000:.1f}')") ms"
