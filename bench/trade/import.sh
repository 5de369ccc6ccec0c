#!/usr/bin/env bash
# Importer speed (issue 15): `astana trade import baci` against polars and DuckDB doing the
# same conversion (BACI `t,i,j,k,v,q` CSV -> the flows table as zstd Parquet: country numbers
# to ISO3 through data/iso3166.csv, value x 1000, HS6 code with its leading zero), on one
# seeded BACI-shaped file, in one run. astana also checks every field (located errors); the
# peers only convert. Prints wall, CPU, peak RSS, rows/s and the ratios peer / astana, and
# checks that the three outputs hold the same rows and the same total value.
#
# Usage: bench/trade/import.sh [--rows 1e7] [--dir DIR]
# The BACI file is made from bench/balance/gen_baci.py's matrix (kept in DIR/ROWS/ and
# reused). ASTANA_BIN picks the binary (default: a release build of this checkout).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=1e7
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    *) echo "unknown argument $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check polars==2.1.0 duckdb==2.0.1 pyarrow==26.0.1 numpy
if [ -n "${ASTANA_BIN:-}" ]; then
  ASTANA=$ASTANA_BIN
else
  cargo build -q --release -p astana-cli
  ASTANA=target/release/astana
fi
if [ -z "$DIR" ]; then DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT; fi
rows=$(python3 -c "print(int(float('$ROWS')))")
data="$DIR/$ROWS"
mkdir -p "$data"
if [ ! -f "$data/flows.csv" ]; then
  "$VENV/bin/python" bench/balance/gen_baci.py --rows "$rows" --out "$data" > /dev/null
fi
if [ ! -f "$data/baci.csv" ]; then
  "$VENV/bin/python" - "$data" <<'PY'
import sys, polars as pl
d = sys.argv[1]
iso = pl.read_csv("data/iso3166.csv", schema_overrides={"numeric": pl.Utf8})
num = dict(zip(iso["alpha3"], iso["numeric"].cast(pl.Int32)))
f = pl.scan_csv(f"{d}/flows.csv", schema_overrides={"product": pl.Utf8})
(f.select(pl.col("year").alias("t"),
          pl.col("reporter").replace_strict(num, return_dtype=pl.Int32).alias("i"),
          pl.col("partner").replace_strict(num, return_dtype=pl.Int32).alias("j"),
          pl.col("product").cast(pl.Int32).alias("k"),
          (pl.col("value_usd") / 1000).round(3).alias("v"),
          (pl.col("value_usd") / 5000).round(3).alias("q"))
  .sink_csv(f"{d}/baci.csv"))
PY
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "BACI file: $(du -h "$data/baci.csv" | cut -f1), $rows rows"
out=$(mktemp -d)
timed() {  # label, command...: prints "label wall cpu rss"
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S %M" "$@" > /dev/null 2> "$out/time" || { cat "$out/time" >&2; exit 1; }
  tail -1 "$out/time"
}
A=$(timed astana "$ASTANA" trade import baci "$data/baci.csv" --out "$out/astana.parquet" --force)
P=$(timed polars "$VENV/bin/python" - "$data/baci.csv" "$out/polars.parquet" <<'PY'
import sys, polars as pl
iso = pl.read_csv("data/iso3166.csv", schema_overrides={"numeric": pl.Utf8})
m = dict(zip(iso["numeric"].cast(pl.Int32), iso["alpha3"]))
(pl.scan_csv(sys.argv[1]).select(
    pl.col("t").alias("year"), pl.lit("FY").alias("period"),
    pl.col("i").replace_strict(m, return_dtype=pl.Utf8).alias("reporter"),
    pl.col("j").replace_strict(m, return_dtype=pl.Utf8).alias("partner"),
    pl.lit("exports").alias("flow"),
    pl.col("k").cast(pl.Utf8).str.zfill(6).alias("product"),
    (pl.col("v") * 1000).alias("value_usd"), pl.col("q").alias("quantity"),
    pl.lit("no").alias("estimate"), pl.lit("baci").alias("source"))
  .sink_parquet(sys.argv[2], compression="zstd"))
PY
)
D=$(timed duckdb "$VENV/bin/python" - "$data/baci.csv" "$out/duckdb.parquet" <<'PY'
import sys, duckdb
duckdb.sql(f"""
COPY (SELECT b.t AS year, 'FY' AS period, r.alpha3 AS reporter, p.alpha3 AS partner,
             'exports' AS flow, lpad(CAST(b.k AS VARCHAR), 6, '0') AS product,
             b.v * 1000 AS value_usd, b.q AS quantity, 'no' AS estimate, 'baci' AS source
      FROM read_csv('{sys.argv[1]}') b
      JOIN read_csv('data/iso3166.csv', types={{'numeric': 'INTEGER'}}) r ON r.numeric = b.i
      JOIN read_csv('data/iso3166.csv', types={{'numeric': 'INTEGER'}}) p ON p.numeric = b.j)
TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION zstd)""")
PY
)
"$VENV/bin/python" - "$rows" "$out" "$A" "$P" "$D" <<'PY'
import sys, duckdb
rows, out, *runs = sys.argv[1:]
sums = {}
for t in ("astana", "polars", "duckdb"):
    n, v = duckdb.sql(f"SELECT count(*), sum(value_usd) FROM '{out}/{t}.parquet'").fetchall()[0]
    sums[t] = (n, v)
ok = all(n == sums["astana"][0] and abs(v - sums["astana"][1]) <= 1e-9 * abs(v) for n, v in sums.values())
print("outputs: " + "; ".join(f"{t} {n} rows, value {v:.6e}" for t, (n, v) in sums.items())
      + (" (agree)" if ok else " (DISAGREE)"))
print("| tool | wall s | CPU s | peak RSS MB | rows/s | peer / astana wall |")
print("|---|---|---|---|---|---|")
base = None
for r in runs:
    label, wall, user, sys_, rss = r.split()
    wall = float(wall)
    base = base or wall
    ratio = "" if label == "astana" else f"{wall / base:.2f}x"
    print(f"| {label} | {wall:.2f} | {float(user) + float(sys_):.2f} | {int(rss) // 1024} | "
          f"{int(rows) / wall / 1e6:.1f} M | {ratio} |")
sys.exit(0 if ok else 1)
PY
rm -rf "$out"
