#!/usr/bin/env bash
# Adding 10,000 small files and collecting 10,000 dead paths, Cairn against Nix
# (nix-store --add and nix-store --gc on a private store), hyperfine in one run.
# Usage: bench/store-ops.sh [COUNT]
source "$(dirname "$0")/common.sh"
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
cat > "$work/cairn-add.sh" <<SH
#!/bin/sh
export CAIRN_STORE_DIR=$work/cs/store CAIRN_STATE_DIR=$work/cs/var
chmod -R u+w $work/cs 2>/dev/null; rm -rf $work/cs
exec "$CAIRN" store add $work/files/* >/dev/null
SH
cat > "$work/nix-add.sh" <<SH
#!/bin/sh
export NIX_STORE_DIR=$work/ns/store NIX_STATE_DIR=$work/ns/var NIX_LOG_DIR=$work/ns/log NIX_CONF_DIR=$work/ns/etc
chmod -R u+w $work/ns 2>/dev/null; rm -rf $work/ns
exec nix-store --add $work/files/* >/dev/null
SH
# The gc runs start from a store holding $count dead items, made in --prepare.
cat > "$work/cairn-gc.sh" <<SH
#!/bin/sh
export CAIRN_STORE_DIR=$work/cs/store CAIRN_STATE_DIR=$work/cs/var
exec "$CAIRN" gc 2>/dev/null
SH
cat > "$work/nix-gc.sh" <<SH
#!/bin/sh
export NIX_STORE_DIR=$work/ns/store NIX_STATE_DIR=$work/ns/var NIX_LOG_DIR=$work/ns/log NIX_CONF_DIR=$work/ns/etc
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
