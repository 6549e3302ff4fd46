#!/usr/bin/env bash
# Time travel (issue 7), Cairn against Nix's pinned fetchGit, in one run:
#   `cairn time-machine -C channels.scm -- build -d hello` with the channel a
#   local git repository (this checkout's channel/ at one commit):
#   1. cold: no channel cache and no Scheme cache (target < 2 s);
#   2. warm: the commit's tree already checked out (target < 150 ms);
#   against `nix-instantiate` of hello.nix taken from `builtins.fetchGit` of
#   the same repository at the same commit, cold (fresh Nix store and git
#   cache) and warm.
# Usage: bench/time-machine.sh   (RUNS=N for more hyperfine runs)
source "$(dirname "$0")/common.sh"
need nix-instantiate nix-bin
need git git
runs=${RUNS:-10}
work=$(mktemp -d /tmp/cairn-bench-tm-XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

export CAIRN_STORE_DIR=$work/cairn/store CAIRN_STATE_DIR=$work/cairn/var
export XDG_CACHE_HOME=$work/cache HOME=$work/home CAIRN_SCHEME_CACHE=$work/cache/scheme
nix_store="local?store=$work/nix/store&real=$work/nix/real&state=$work/nix/var&log=$work/nix/log"
export NIX_CONF_DIR=$work/nix/etc NIX_STATE_DIR=$work/nix/var NIX_STORE_DIR=$work/nix/store
mkdir -p "$NIX_CONF_DIR" "$HOME"

# The channel repository: channel/ as it is here, with hello.nix for Nix.
repo=$work/repo
mkdir -p "$repo"
cp -R channel "$repo/channel"
echo '(channel (version 0) (directory "channel"))' > "$repo/.cairn-channel"
cp bench/eval/hello.nix "$repo/hello.nix"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@example.org commit -q -m channel
commit=$(git -C "$repo" rev-parse HEAD)
cat > "$work/channels.scm" <<SCM
(use-modules (guix channels))
(list (channel (name 'cairn) (url "$repo") (branch "main") (commit "$commit")))
SCM
cat > "$work/pinned.nix" <<NIX
import "\${builtins.fetchGit { url = "file://$repo"; rev = "$commit"; }}/hello.nix"
NIX

tm="$CAIRN time-machine -C $work/channels.scm -- build -d hello"
nix_tm="nix-instantiate --store $nix_store $work/pinned.nix"
hyperfine -N --runs "$runs" --export-json "$work/cold.json" \
    --prepare "rm -rf $work/cache $work/cairn $work/nix/store $work/nix/real $work/nix/var $HOME/.cache" \
    -n "cairn time-machine (cold)" "$tm" \
    -n "nix fetchGit + instantiate (cold)" "$nix_tm" >&2
$tm >/dev/null
$nix_tm >/dev/null
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/warm.json" \
    -n "cairn time-machine (warm)" "$tm" \
    -n "nix fetchGit + instantiate (warm)" "$nix_tm" >&2

c_c=$(mean_of "$work/cold.json" 0); c_n=$(mean_of "$work/cold.json" 1)
w_c=$(mean_of "$work/warm.json" 0); w_n=$(mean_of "$work/warm.json" 1)
echo
echo "Ratios are Nix time / Cairn time (above 1: Cairn is faster)."
printf 'time-machine -- build -d hello (cold)  cairn %6.3fs (target < 2 s)      nix %6.3fs (%sx)\n' "$c_c" "$c_n" "$(ratio "$c_n" "$c_c")"
printf 'time-machine -- build -d hello (warm)  cairn %6.3fs (target < 0.150 s)  nix %6.3fs (%sx)\n' "$w_c" "$w_n" "$(ratio "$w_n" "$w_c")"
