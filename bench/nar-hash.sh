#!/usr/bin/env bash
# `cairn hash -S nar` against `nix-hash --type sha256 --base32` on a tree of at
# least 1 GB, with openssl's single-core SHA-256 speed as the limit no NAR
# hasher can pass (a NAR hash is one sequential SHA-256 stream).
# Usage: bench/nar-hash.sh [TREE]   (default: the Swift toolchain's usr/lib/swift)
source "$(dirname "$0")/common.sh"
need nix-hash nix-bin
tree="${1:-/opt/swift/usr/lib/swift}"
bytes=$(du -sb "$tree" | cut -f1)
echo "tree: $tree ($(python3 -c "print(f'{$bytes/1e9:.2f}')" ) GB)"

# Same answer first: a fast wrong hash is worth nothing.
ours=$("$CAIRN" hash -S nar "$tree")
theirs=$(nix-hash --type sha256 --base32 "$tree")
[ "$ours" = "$theirs" ] || { echo "hash mismatch: cairn $ours, nix $theirs" >&2; exit 1; }

json=$(mktemp)
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$json" \
    -n cairn "$CAIRN hash -S nar $tree" \
    -n nix "nix-hash --type sha256 --base32 $tree" >&2
cairn_s=$(mean_of "$json" 0)
nix_s=$(mean_of "$json" 1)
limit_kbs=$(openssl speed -evp sha256 -bytes 1048576 -seconds 3 2>/dev/null | awk '/^sha256/ {print $2}' | tr -d k)
python3 - "$bytes" "$cairn_s" "$nix_s" "$limit_kbs" <<'PY'
import sys
size, cairn, nix, limit_kbs = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
limit = limit_kbs * 1000
print(f"cairn: {cairn:.3f} s  {size / cairn / 1e9:.3f} GB/s")
print(f"nix:   {nix:.3f} s  {size / nix / 1e9:.3f} GB/s")
print(f"openssl sha256 (1 MiB blocks, one core): {limit / 1e9:.3f} GB/s")
print(f"ratio nix/cairn: {nix / cairn:.2f}x (above 1: cairn is faster)")
print(f"cairn at {size / cairn / limit * 100:.1f}% of the openssl limit (target: 90%)")
PY
rm -f "$json"

# hyperfine runs each command's rounds back to back, so drift on a shared
# machine lands on one side. Alternate the two, round by round, as well.
python3 - "$CAIRN" "$tree" "${RUNS:-5}" <<'PY'
import subprocess, sys, time
cairn, tree, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
commands = {"cairn": [cairn, "hash", "-S", "nar", tree], "nix": ["nix-hash", "--type", "sha256", "--base32", tree]}
times = {name: [] for name in commands}
for _ in range(runs):
    for name, argv in commands.items():
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times[name].append(time.perf_counter() - start)
median = {name: sorted(t)[len(t) // 2] for name, t in times.items()}
print(f"alternating rounds, median: cairn {median['cairn']:.3f} s, nix {median['nix']:.3f} s, "
      f"nix/cairn {median['nix'] / median['cairn']:.2f}x")
PY

# Wall-clock time on a shared machine swings by tens of percent; instruction
# counts do not. Count them on a 50 MB slice (valgrind is slow) when available.
if command -v valgrind >/dev/null; then
    slice=$(mktemp); stripped=$(mktemp)
    python3 - "$tree" "$slice" <<'PY'
import os, sys
left, out = 50_000_000, open(sys.argv[2], "wb")
for root, _, files in os.walk(sys.argv[1]):
    for name in sorted(files):
        path = os.path.join(root, name)
        if left > 0 and os.path.isfile(path) and not os.path.islink(path):
            data = open(path, "rb").read(left)
            out.write(data)
            left -= len(data)
PY
    strip -o "$stripped" "$CAIRN"   # valgrind cannot read the static binary's debug info
    count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | awk '/Collected/ {print $4}'; }
    c=$(count "$stripped" hash -S nar "$slice")
    n=$(count "$(command -v nix-hash)" --type sha256 --base32 "$slice")
    o=$(count "$(command -v openssl)" dgst -sha256 "$slice")
    echo "instructions for a 50 MB NAR hash: cairn $c, nix $n, openssl dgst $o"
    echo "instruction ratio nix/cairn: $(ratio "$n" "$c")x; cairn/openssl: $(ratio "$c" "$o")x"
    rm -f "$slice" "$stripped"
fi
