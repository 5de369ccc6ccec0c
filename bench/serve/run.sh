#!/usr/bin/env bash
# Load benchmark of `astana serve` (issue 12): a release server on loopback, driven by a
# small HTTP/1.1 client (bench/serve/loadgen: tokio + hyper, keep-alive) over 1,000
# concurrent connections:
#  (a) the cached analysis endpoints: closed loop (every connection sends again as soon as
#      its answer is read: the server's saturation throughput), all together and each alone;
#      then open loop at fixed rates (the latency a given traffic sees);
#  (b) the same while `brief` jobs run alongside;
#  (c) the server's memory (VmRSS sampled every 200 ms, VmHWM at the end).
# Goal: p99 < 50 ms with 0 errors. Prints a table and writes bench/serve/RESULTS.md.
#
# `run.sh mediation` instead runs the live mediation load (issue 13): MEDIATIONS (1000)
# mediations at once on a fresh database, three bot parties each (loadgen --mediations),
# and writes bench/serve/RESULTS-mediation.json (the figures in RESULTS.md are from it).
# THINK_MS (0): each bot's mean think time before each request (exponential, seeded); with
# it the JSON goes to bench/serve/RESULTS-mediation-think.json.
#
# Knobs (environment): CONNECTIONS (1000), SECONDS_PER_RUN (20), THREADS (the load
# generator's tokio workers, 2), RATES (open-loop requests/s on the JSON endpoints,
# "5000 10000"), BRIEF_RATES (open-loop requests/s on the HTML brief, "500"), ALONE (1: also
# run each endpoint alone in a closed loop).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS="${CONNECTIONS:-1000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
THREADS="${THREADS:-2}"
ALONE="${ALONE:-1}"
RATES="${RATES:-5000 10000}"
BRIEF_RATES="${BRIEF_RATES:-500}"

# The cached endpoints, on the embedded scenario. Add engine endpoints here as the server
# grows; one that does not answer 200 yet is skipped with a note. The brief (450 KB of
# HTML) is the one document; the others answer JSON of a few KB.
BRIEF=/api/scenarios/kazakhstan/brief
URLS=(
  /api/health
  "$BRIEF"
  "/api/scenarios/kazakhstan/balance?year=2023"
  "/api/scenarios/kazakhstan/alignment"
  "/api/scenarios/kazakhstan/corridor/routes?from=XIAN&to=DUISBURG"
  /api/scenarios/kazakhstan/power/unsc
  /api/scenarios/kazakhstan/mediate/trans-caspian
  "/api/scenarios/kazakhstan/corridor/bottleneck?from=Altynkol&to=Poti"
)
# The jobs of the mixed runs (the kinds are listed at /api/openapi.json).
JOB='{"kind":"corridor-simulate","params":{"days":365}}'

MODE="${1:-http}"
MEDIATIONS="${MEDIATIONS:-1000}"
# One descriptor per connection on each side, plus the server's own files (a mediation
# holds 7: the mediator's, and each party's request and event-stream connections).
want=$((CONNECTIONS + 256))
[ "$MODE" = mediation ] && want=$((MEDIATIONS * 7 + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  echo "error: open-file limit $(ulimit -n) < $want; raise the hard limit (ulimit -Hn)" >&2
  exit 2
fi

cargo build -q --release -p astana-cli
cargo build -q --release --manifest-path bench/serve/loadgen/Cargo.toml
LOADGEN=bench/serve/loadgen/target/release/astana-loadgen

WORK=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
target/release/astana serve --addr 127.0.0.1:0 --db "$WORK/astana.db" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
for _ in $(seq 600); do
  grep -q '^listening on ' "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
  sleep 0.1
done
BASE=$(sed -n 's/^listening on //p' "$WORK/serve.out")
[ -n "$BASE" ] || { echo "error: no 'listening on' line within 60 s" >&2; exit 1; }
rss() { awk -v k="$1" '$1 == k":" {printf "%.1f", $2 / 1024}' "/proc/$PID/status" 2>/dev/null || echo "?"; }
alive() { # the server must survive every run
  kill -0 "$PID" 2>/dev/null && return
  wait "$PID" && st=0 || st=$?
  echo "error: the server is gone (exit status $st) after: $1; its stderr:" >&2
  cat "$WORK/serve.err" >&2
  PID=
  exit 1
}

if [ "$MODE" = mediation ]; then
  echo "running: $MEDIATIONS live mediations, 3 bot parties each" >&2
  "$LOADGEN" --mediations "$MEDIATIONS" --think-ms "${THINK_MS:-0}" \
    --seconds "${MEDIATION_GUARD:-600}" --threads "$THREADS" \
    --pid "$PID" "$BASE" | tee "bench/serve/RESULTS-mediation$([ "${THINK_MS:-0}" = 0 ] || echo -think).json"
  alive mediation
  exit 0
fi

# Warm the answer cache (the first call computes, the rest are cached); skip what is missing.
LIVE=()
JSON_URLS=()
HAVE_BRIEF=no
NOTES=()
for u in "${URLS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$u")
  if [ "$code" = 200 ]; then
    LIVE+=("$u")
    if [ "$u" = "$BRIEF" ]; then HAVE_BRIEF=yes; else JSON_URLS+=("$u"); fi
  else
    NOTES+=("skipped $u: HTTP $code (not served on this build)")
    echo "skipped $u: HTTP $code (not served on this build)"
  fi
done
IDLE=$(rss VmRSS)

run() { # name [loadgen options…] BASE PATH…
  local name=$1
  shift
  echo "running: $name (${CONNECTIONS} connections, ${SECONDS_PER_RUN} s)" >&2
  "$LOADGEN" --connections "$CONNECTIONS" --seconds "$SECONDS_PER_RUN" --threads "$THREADS" \
    --pid "$PID" "$@" >"$WORK/$name.json"
  alive "$name"
}
run 01-all "$BASE" "${LIVE[@]}"
if [ "$ALONE" = 1 ] && [ "${#LIVE[@]}" -gt 1 ]; then
  i=0
  for u in "${LIVE[@]}"; do
    run "02-alone$i" "$BASE" "$u"
    i=$((i + 1))
  done
fi
if [ "${#JSON_URLS[@]}" -gt 0 ]; then
  for r in $RATES; do run "03-rate$r" --rate "$r" "$BASE" "${JSON_URLS[@]}"; done
fi
if [ "$HAVE_BRIEF" = yes ]; then
  for r in $BRIEF_RATES; do run "04-brief$r" --rate "$r" "$BASE" "$BRIEF"; done
fi
run 05-jobs --job "$JOB" --job-submitters 2 "$BASE" "${LIVE[@]}"
first_rate=${RATES%% *}
if [ -n "$first_rate" ] && [ "${#JSON_URLS[@]}" -gt 0 ]; then
  run 06-jobsrate --rate "$first_rate" --job "$JOB" --job-submitters 2 "$BASE" "${JSON_URLS[@]}"
fi
HWM=$(rss VmHWM)
kill -TERM "$PID"
wait "$PID" || echo "note: the server exited $? after SIGTERM"
PID=

JOB="$JOB" python3 bench/serve/report.py "$WORK" "$IDLE" "$HWM" "$CONNECTIONS" "$SECONDS_PER_RUN" "$THREADS" \
  "${NOTES[@]}" | tee bench/serve/RESULTS.md
