#!/usr/bin/env bash
# Balance engine benchmark: astana vs pandas + concentrationmetrics on the same synthetic
# world trade matrix, in one run. Prints times, the ratio, and the answer check.
# Usage: bench/balance/run.sh [REPORTERS] [YEARS]   (defaults 200 reporters x 25 years)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPORTERS=${1:-200}
YEARS=${2:-25}
VENV=bench/.venv
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check concentrationmetrics==0.6.0 pandas numpy
cargo build -q --release -p astana-cli

CSV="$WORK/flows.csv"
"$VENV/bin/python" bench/balance/gen.py "$CSV" "$REPORTERS" "$YEARS" data/iso3166.csv
ROWS=$(($(wc -l < "$CSV") - 1))
echo "input: $ROWS flow rows ($REPORTERS reporters x $YEARS years x 248 partners + totals), $(du -h "$CSV" | cut -f1)"

# Warm the page cache for both.
cat "$CSV" > /dev/null

now() { python3 -c "import time; print(time.time())"; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }
t0=$(now)
target/release/astana balance --flows "$CSV" --all --flow exports --json > "$WORK/astana.json"
t1=$(now)
astana=$(secs "$t0" "$t1")

t0=$(now)
read -r py_load py_compute < <("$VENV/bin/python" bench/balance/peer.py "$CSV" "$WORK/peer.csv")
t1=$(now)
peer=$(secs "$t0" "$t1")

echo "answers:"
"$VENV/bin/python" bench/balance/check.py "$WORK/astana.json" "$WORK/peer.csv"
printf 'astana (parse + validate + compute + JSON):   %8.3f s\n' "$astana"
printf 'peer   (python start + pandas read + compute): %8.3f s  (read %.3f s, compute %.3f s)\n' "$peer" "$py_load" "$py_compute"
printf 'ratio  peer / astana, end to end:              %8.1fx\n' "$(python3 -c "print($peer / $astana)")"
printf 'ratio  peer compute only / astana end to end:  %8.1fx\n' "$(python3 -c "print($py_compute / $astana)")"
