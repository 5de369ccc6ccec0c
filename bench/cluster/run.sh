#!/usr/bin/env bash
# The Ballista run's overhead against the embedded run on the same data (README, "A cluster"):
# `astana balance --flows DIR --all --flow exports --json`, embedded and with --cluster on a
# scheduler and two executors on loopback, 3 runs each, best wall time; the two documents
# must be identical.
#
#   bench/cluster/run.sh DIR [RUNS]      # DIR: a flows table (e.g. a hive folder)
#
# The binary is $ASTANA_BIN when set, else target/release/astana, which must have been built
# with `cargo build --release -p astana-cli --features cluster`.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="$1"
runs="${2:-3}"
bin="${ASTANA_BIN:-target/release/astana}"
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# Waits (bounded) for a line starting with $2 in file $1.
wait_line() {
  for _ in $(seq 1 600); do
    if grep -q "^$2" "$1" 2>/dev/null; then grep -m1 "^$2" "$1"; return; fi
    sleep 0.1
  done
  echo "no '$2' in $1:" >&2; cat "$1" "$1.err" >&2; exit 1
}

"$bin" cluster scheduler --bind 127.0.0.1:0 >"$tmp/s" 2>"$tmp/s.err" & pids+=($!)
sched="$(wait_line "$tmp/s" 'scheduler listening on ' | sed 's/^scheduler listening on //')"
for i in 1 2; do
  mkdir -p "$tmp/w$i"
  "$bin" cluster executor --scheduler "$sched" --bind 127.0.0.1:0 --work-dir "$tmp/w$i" \
    >"$tmp/e$i" 2>"$tmp/e$i.err" & pids+=($!)
done
for i in 1 2; do wait_line "$tmp/e$i" 'executor ' >/dev/null; done
echo "cluster: scheduler $sched, 2 executors; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Best wall time (s) of $runs runs of `astana balance ... "$@"`; the document in $tmp/$1.json.
best() {
  local name="$1"; shift
  local b=""
  for _ in $(seq 1 "$runs"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" balance --flows "$dir" --all --flow exports --json "$@" >"$tmp/$name.json"
    t1=$(date +%s.%N)
    b=$(python3 -c "import sys; t=$t1-$t0; b='$b'; print(min(t, float(b)) if b else t)")
  done
  printf '%-9s %.3f s (best of %s)\n' "$name" "$b" "$runs"
}
best embedded
best cluster --cluster "$sched"
cmp -s "$tmp/embedded.json" "$tmp/cluster.json" && echo "documents identical ($(wc -c <"$tmp/embedded.json") bytes)" \
  || { echo "documents differ" >&2; exit 1; }
