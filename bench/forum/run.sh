#!/usr/bin/env bash
# Forum scheduler benchmark (issue 6, point 7): astana `forum schedule` against a CP-SAT model
# (PyPI ortools, cpsat.py says the model) on the same instances, in one run:
#   small: 1,000 participants / 5,000 requests / 40 panels / 2 days x 12 slots /
#          25 bilateral rooms + 5 halls;
#   forum: 4,000 / 20,000 / 120 panels / 3 days x 16 slots / 60 bilateral rooms + 10 halls;
#   astana with its defaults (work budget 100,000 insertion attempts, 30 s time cap): both
#   end at a local optimum, so the schedules are reproducible (report.py prints stopped_by).
# Both written by `astana forum generate --seed 1`. CP-SAT gets 2 workers and CPSAT_SECONDS
# (default 60 s) of search after building the model; a second, small CP-SAT model over the
# panels alone gives the most panels placeable together. astana is timed end to end with its
# peak memory (/usr/bin/time). Every schedule is checked by check.py (independent of astana's
# code) and objectives are recomputed as the sum of (6 - priority) over scheduled requests.
# A plain priority-ordered greedy (greedy.py) is the baseline on the small instance.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=bench/.venv
CPSAT_SECONDS=${CPSAT_SECONDS:-60}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check ortools==9.15.6755
PY="$VENV/bin/python"
B=bench/forum
cargo build -q --release -p astana-cli
ASTANA=target/release/astana

echo "ortools $($PY -c 'import ortools; print(ortools.__version__)'), Python $($PY -c 'import platform; print(platform.python_version())'), $(nproc) cores; $("$ASTANA" --version) at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates 2>/dev/null && [ -z "$(git status --porcelain crates)" ] || echo ' + uncommitted changes')"

instance() { # name label greedy(yes|no) generate-args...
  local name=$1 label=$2 greedy=$3 dir="$WORK/$1"
  shift 3
  "$ASTANA" forum generate "$dir" "$@" --seed 1 > /dev/null
  local rc=0
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" \
    "$ASTANA" forum schedule "$dir" --json > "$WORK/$name.astana.json" 2> "$WORK/$name.astana.err" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "$label: astana forum schedule exited $rc: $(tail -3 "$WORK/$name.astana.err")"
  fi
  ("$PY" "$B/cpsat.py" "$dir" --seconds "$CPSAT_SECONDS" --workers 2 --out "$WORK/$name.cpsat.json" 2> "$WORK/$name.cpsat.err") \
    || echo "$label: cpsat.py failed: $(tail -3 "$WORK/$name.cpsat.err")"
  local g=()
  if [ "$greedy" = yes ]; then
    ("$PY" "$B/greedy.py" "$dir" --out "$WORK/$name.greedy.json" 2> /dev/null)
    g=("$WORK/$name.greedy.json")
  fi
  ("$PY" "$B/report.py" "$name" "$label" "$dir" "$WORK/$name.astana.json" "$WORK/$name.time" "$WORK/$name.cpsat.json" "${g[@]}")
}

instance small "small size" yes --participants 1000 --requests 5000 --panels 40 --days 2 --slots-per-day 12 \
  --bilateral-rooms 25 --halls 5
instance forum "forum size" no --participants 4000 --requests 20000 --panels 120 --days 3 --slots-per-day 16 \
  --bilateral-rooms 60 --halls 10
