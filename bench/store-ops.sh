#!/usr/bin/env bash
# Adding 10,000 small files and collecting 10,000 dead paths, Cairn against Nix
# (nix-store --add and nix-store --gc on a private store), hyperfine in one run.
# Both tools get the files in batches of 1,000 arguments through xargs, as a
# shell script adding many files would (argument lists are bounded anyway).
# Usage: bench/store-ops.sh [COUNT]
source "$(dirname "$0")/common.sh"
need nix-hash nix-bin
count="${1:-10000}"
work=$(mktemp -d /tmp/cairn-bench-XXXXXX)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
mkdir -p "$work/files"
python3 - "$work/files" "$count" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, f"f{i}"), "w") as f:
        f.write(f"small file number {i}\n" * (1 + i % 7))
PY
# Every run gets a new store and nothing is deleted until the end: ext4 slows
# down creating inodes right after deleting many (it skips recently freed
# ones), which would make each run pay for the clean-up of the previous one.
cat > "$work/cairn-add.sh" <<SH
#!/bin/sh
dir=$work/cs.\$(date +%s%N); echo \$dir > $work/cairn-last
export CAIRN_STORE_DIR=\$dir/store CAIRN_STATE_DIR=\$dir/var
cd $work/files && ls | xargs -n 1000 "$CAIRN" store add >/dev/null
SH
cat > "$work/nix-add.sh" <<SH
#!/bin/sh
dir=$work/ns.\$(date +%s%N); echo \$dir > $work/nix-last
export NIX_STORE_DIR=\$dir/store NIX_STATE_DIR=\$dir/var NIX_LOG_DIR=\$dir/log NIX_CONF_DIR=\$dir/etc
cd $work/files && ls | xargs -n 1000 nix-store --add >/dev/null
SH
# The gc runs start from a store holding $count dead items, made in --prepare.
cat > "$work/cairn-gc.sh" <<SH
#!/bin/sh
dir=\$(cat $work/cairn-last)
export CAIRN_STORE_DIR=\$dir/store CAIRN_STATE_DIR=\$dir/var
exec "$CAIRN" gc 2>/dev/null
SH
cat > "$work/nix-gc.sh" <<SH
#!/bin/sh
dir=\$(cat $work/nix-last)
export NIX_STORE_DIR=\$dir/store NIX_STATE_DIR=\$dir/var NIX_LOG_DIR=\$dir/log NIX_CONF_DIR=\$dir/etc
exec nix-store --gc >/dev/null 2>&1
SH
chmod +x "$work"/*.sh
json=$(mktemp)
hyperfine --runs "${RUNS:-3}" --export-json "$json" -n "cairn add $count" "$work/cairn-add.sh" -n "nix add $count" "$work/nix-add.sh" >&2
add_cairn=$(mean_of "$json" 0); add_nix=$(mean_of "$json" 1)
hyperfine --runs "${RUNS:-3}" --export-json "$json" \
    --prepare "$work/cairn-add.sh" -n "cairn gc $count" "$work/cairn-gc.sh" \
    --prepare "$work/nix-add.sh" -n "nix gc $count" "$work/nix-gc.sh" >&2
gc_cairn=$(mean_of "$json" 0); gc_nix=$(mean_of "$json" 1)
echo "add $count small files: cairn ${add_cairn}s, nix ${add_nix}s, nix/cairn $(ratio "$add_nix" "$add_cairn")x"
echo "collect $count dead paths: cairn ${gc_cairn}s, nix ${gc_nix}s, nix/cairn $(ratio "$gc_nix" "$gc_cairn")x"
rm -f "$json"
