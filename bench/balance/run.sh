#!/usr/bin/env bash
# Balance at scale (issue 15): a seeded BACI-shaped trade matrix (gen_baci.py) at each size,
# as CSV, Parquet and a Parquet folder by year; per reporter-year partner HHI and product
# Theil, each computed by polars (lazy scan), DuckDB (SQL) and astana on the same file in one
# run; the answers are checked against each other (1e-9) before the times count; prints wall
# time, CPU time, peak RSS and the ratios peer / astana (scale.py).
#
# Usage: bench/balance/run.sh [--rows 1e6,1e7] [--big] [--keep] [--repeat N] [--dir DIR]
#   --rows   sizes to run (default 1e6,1e7)
#   --big    adds 1e8 rows: long (generating takes about 10 min), and about 8 GB of disk
#   --keep   keeps the generated files (in DIR/ROWS/; a later run with the same --dir reuses them)
#   --repeat runs every command N times and keeps the fastest (default 1)
#   --dir    where the data goes (default: a new folder under $TMPDIR, removed at the end)
# The binary is $ASTANA_BIN when set, else a release build of this checkout. An astana that
# cannot do a case (no Parquet, no --by product) is probed once and that case says "skipped".
# (bench/balance/small.sh has the earlier benchmarks against pandas.)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=1e6,1e7
BIG=0
KEEP=0
REPEAT=1
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --big) BIG=1; shift ;;
    --keep) KEEP=1; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    *) echo "unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
if [ "$BIG" = 1 ]; then ROWS="$ROWS,1e8"; fi

VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check polars==2.1.0 duckdb==2.0.1 pyarrow==26.0.1 numpy
if [ -n "${ASTANA_BIN:-}" ]; then
  ASTANA=$ASTANA_BIN
else
  cargo build -q --release -p astana-cli
  ASTANA=target/release/astana
fi

if [ -z "$DIR" ]; then DIR=$(mktemp -d); fi
mkdir -p "$DIR"
WORK=$(mktemp -d)
cleanup() {
  rm -rf "$WORK"
  if [ "$KEEP" = 0 ]; then rm -rf "$DIR"; else echo "data kept in $DIR"; fi
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "astana: $ASTANA; peers: $("$VENV/bin/python" -c 'import polars, duckdb; print("polars", polars.__version__, "duckdb", duckdb.__version__)')"
status=0
for n in ${ROWS//,/ }; do
  rows=$(python3 -c "print(int(float('$n')))")
  data="$DIR/$n"
  if [ ! -f "$data/done" ]; then
    # About 80 bytes a row in all (CSV 53, Parquet 2 x 10, the partner CSV and headroom).
    need_kb=$((rows * 80 / 1024))
    free_kb=$(df -Pk "$DIR" | awk 'NR == 2 {print $4}')
    if [ "$free_kb" -lt "$need_kb" ]; then
      echo "$n rows: needs about $((need_kb / 1048576)) GB in $DIR, $((free_kb / 1048576)) GB free: skipped" >&2
      status=1
      continue
    fi
    t0=$(date +%s.%N)
    "$VENV/bin/python" bench/balance/gen_baci.py "$data" "$rows" --countries data/iso3166.csv > /dev/null
    touch "$data/done"
    echo
    echo "== $n rows: generated in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.0f}')") s"
  else
    echo
    echo "== $n rows: reusing $data"
  fi
  echo "files: CSV $(du -h "$data/flows.csv" | cut -f1), Parquet $(du -h "$data/flows.parquet" | cut -f1)," \
    "by year $(du -sh "$data/hive" | cut -f1), summed over products $(du -h "$data/partners.csv" | cut -f1)" \
    "($(($(wc -l < "$data/partners.csv") - 1)) rows)"
  "$VENV/bin/python" bench/balance/scale.py "$data" "$ASTANA" "$WORK" --repeat "$REPEAT" || status=1
  if [ "$KEEP" = 0 ]; then rm -rf "$data"; fi
done
exit $status
