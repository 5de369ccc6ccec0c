#!/usr/bin/env bash
# Balance engine benchmarks, each run in one go against its Python peer on the same input,
# with an answer check:
#  1. concentration of every reporter-year of a synthetic world trade matrix:
#     astana balance --flows --all  vs  pandas + concentrationmetrics;
#  2. UN General Assembly voting alignment of Kazakhstan with every country, 1992-2019:
#     astana balance alignment --with all  vs  pandas (read, join, group).
# Usage: bench/balance/small.sh [REPORTERS] [YEARS]   (defaults 200 reporters x 25 years)
# The binary is $ASTANA_BIN when set, else a release build of this checkout.
# (bench/balance/run.sh is the benchmark at scale against polars and DuckDB.)
# The UN data is read from $ASTANA_REFERENCE_DIR/balance/unvotes (default ../shared/reference).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPORTERS=${1:-200}
YEARS=${2:-25}
VENV=bench/.venv
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check concentrationmetrics==0.6.0 pandas numpy
if [ -n "${ASTANA_BIN:-}" ]; then ASTANA=$ASTANA_BIN; else cargo build -q --release -p astana-cli; ASTANA=target/release/astana; fi

CSV="$WORK/flows.csv"
"$VENV/bin/python" bench/balance/gen.py "$CSV" "$REPORTERS" "$YEARS" data/iso3166.csv
ROWS=$(($(wc -l < "$CSV") - 1))
echo "input: $ROWS flow rows ($REPORTERS reporters x $YEARS years x 248 partners + totals), $(du -h "$CSV" | cut -f1)"

# Warm the page cache for both.
cat "$CSV" > /dev/null

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }
t0=$(now)
"$ASTANA" balance --flows "$CSV" --all --flow exports --json > "$WORK/astana.json"
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

UNVOTES="${ASTANA_REFERENCE_DIR:-../shared/reference}/balance/unvotes"
if [ -f "$UNVOTES/votes.csv" ]; then
  echo
  echo "UN voting alignment, KAZ with every country, 1992-2019 ($(($(wc -l < "$UNVOTES/votes.csv") - 1)) votes):"
  t0=$(now)
  "$ASTANA" balance alignment --country KAZ --with all --from 1992 --to 2019 --unvotes "$UNVOTES" --json > "$WORK/align.json"
  t1=$(now)
  astana=$(secs "$t0" "$t1")
  t0=$(now)
  read -r py_load py_compute < <("$VENV/bin/python" bench/balance/alignment_peer.py "$UNVOTES" KZ 1992 2019 "$WORK/align_peer.csv")
  t1=$(now)
  peer=$(secs "$t0" "$t1")
  echo "answers:"
  "$VENV/bin/python" bench/balance/alignment_check.py "$WORK/align.json" "$WORK/align_peer.csv" data/iso3166.csv
  printf 'astana (parse + compute + JSON):               %8.3f s\n' "$astana"
  printf 'peer   (python start + pandas read + compute): %8.3f s  (read %.3f s, compute %.3f s)\n' "$peer" "$py_load" "$py_compute"
  printf 'ratio  peer / astana, end to end:              %8.1fx\n' "$(python3 -c "print($peer / $astana)")"
else
  echo "(UN roll-call data not found at $UNVOTES: alignment benchmark skipped)"
fi
