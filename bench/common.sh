# Shared set-up for the benchmark scripts: a release build of cairn and the tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"

need() {
    command -v "$1" >/dev/null || { echo "bench: $1 is missing (apt-get install $2)" >&2; exit 1; }
}
need hyperfine hyperfine
need python3 python3

if [ -z "${CAIRN:-}" ]; then
    swift build -c release --static-swift-stdlib --product cairn >&2
    bin=$(swift build -c release --show-bin-path)
    case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
    CAIRN="$bin/cairn"
fi
export CAIRN

# mean_of FILE.json INDEX: the mean time in seconds of command INDEX.
mean_of() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
