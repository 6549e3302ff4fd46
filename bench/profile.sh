#!/usr/bin/env bash
# Building a 50-package profile once the packages are in the store (issue 6:
# target under 200 ms): `cairn package -p P -m manifest.scm` (evaluation, the
# union of builtin:profile, a new generation) against `nix-env -p P -i` of the
# same 50 built derivations (evaluation, Nix's builtin:buildenv, a new
# generation), in one run. Before each run the profile and its item are
# removed (profile links deleted, then gc), so every run builds the union;
# "warm" runs keep the item, as a second `-m` of an unchanged manifest does.
# Usage: bench/profile.sh   (RUNS=N for more hyperfine runs)
source "$(dirname "$0")/common.sh"
need nix-env nix-bin
runs=${RUNS:-10}
work=$(mktemp -d /tmp/cairn-bench-profile-XXXXXX)
trap '[ -n "${KEEP:-}" ] || { chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; }' EXIT

export CAIRN_STORE_DIR=$work/cairn/store CAIRN_STATE_DIR=$work/cairn/var HOME=$work/home
nix_store="local?store=$work/nix/store&real=$work/nix/real&state=$work/nix/var&log=$work/nix/log"
export NIX_CONF_DIR=$work/nix/etc NIX_STATE_DIR=$work/nix/var NIX_STORE_DIR=$work/nix/store
mkdir -p "$NIX_CONF_DIR" "$HOME" "$work/mods/bench"
# Nix builds in a chroot here (its store is not at its logical path): it gets
# /bin/sh and mkdir, with their libraries, through sandbox-paths.
paths=""
for tool in /bin/sh /bin/mkdir; do
    paths="$paths $tool=$(readlink -f "$tool")"
    for lib in $(ldd "$tool" | grep -o '/[^ ]*'); do paths="$paths $lib=$(readlink -f "$lib")"; done
done
echo "sandbox-paths =$paths" > "$NIX_CONF_DIR/nix.conf"

# 50 packages, each with bin/NAME and share/NAME/data, as a Cairn module and a Nix file.
python3 bench/profile/gen-tools.py "$work" 50

echo "building the 50 packages for both…" >&2
# The packages stay alive through a profile of their own (another order, so another item).
"$CAIRN" package -L "$work/mods" -p "$work/keep" -m "$work/keep.scm" 2>"$work/keep.log" || { cat "$work/keep.log" >&2; exit 1; }
nix-env --store "$nix_store" -p "$work/nixkeep" -f "$work/tools.nix" -i >"$work/nixkeep.log" 2>&1 || { cat "$work/nixkeep.log" >&2; exit 1; }

cairn_cmd="$CAIRN package -L $work/mods -p $work/p -m $work/manifest.scm"
nix_cmd="nix-env --store $nix_store -p $work/np -f $work/tools.nix -i"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/cold.json" \
    --prepare "sh -c 'rm -f $work/p $work/p-*-link $work/np $work/np-*-link; $CAIRN gc >/dev/null 2>&1; nix-store --store \"$nix_store\" --gc >/dev/null 2>&1'" \
    -n "cairn package -m (50 packages, new profile item)" "$cairn_cmd" \
    -n "nix-env -i (50 packages, new user environment)" "$nix_cmd" >&2
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/warm.json" \
    -n "cairn package -m (50 packages, item exists)" "$cairn_cmd" \
    -n "nix-env -i (50 packages, environment exists)" "$nix_cmd" >&2

c=$(mean_of "$work/cold.json" 0); n=$(mean_of "$work/cold.json" 1)
cw=$(mean_of "$work/warm.json" 0); nw=$(mean_of "$work/warm.json" 1)
echo
echo "Ratios are Nix time / Cairn time (above 1: Cairn is faster)."
printf '50-package profile, built     cairn %6.3fs (target < 0.200 s)  nix-env %6.3fs (%sx)\n' "$c" "$n" "$(ratio "$n" "$c")"
printf '50-package profile, existing  cairn %6.3fs                     nix-env %6.3fs (%sx)\n' "$cw" "$nw" "$(ratio "$nw" "$cw")"
