#!/usr/bin/env bash
# Negotiation benchmark: astana's `mediate` engine against the PyPI package NegMAS (pinned
# 0.16.0, the version the references in ../shared/reference/negotiation were computed with) on
# the same GENIUS domains, in one run:
#   (a) Pareto frontier + Nash point on Energy (390,625 outcomes, 2 parties);
#   (b) 1,000 stacked alternating-offers sessions, Boulware (party 0, opens) vs Conceder, on
#       Camera, 100 rounds each;
#   (c) exact counts of the rational outcomes of two 10^9-outcome domains (billion.py; no
#       peer: the count is checked against an independent digit-sum count where there is one,
#       and must be an exact integer, never null). Target: <= 30 s each.
# astana is timed end to end (process start, XML parsing, computation, JSON), median of 3 runs.
# The peer is timed inside Python after its imports: (a) median of 3 of reading the XML,
# building fresh ufuns, enumerating the outcomes, `pareto_frontier` and `nash_points`;
# (b) one loop of 1,000 fresh ufuns + fresh SAOMechanism(n_steps=100) runs.
# NegMAS's own GENIUS loader keeps raw evaluations (no divide-by-max, no cap at 1), so the peer
# builds its ufuns with GENIUS semantics (genius.py), as the references did. Answers are
# compared with each other and with the references (frontier, Nash utilities within 1e-9,
# agreement, agreement round, offer trace). On Energy NegMAS's floating-point frontier has 210
# points and astana's 204: six NegMAS points tie a neighbour in exact arithmetic in one utility
# and lose in the other (the references' rounded count is 204); check.py says so when it happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
REF="${ASTANA_REFERENCE_DIR:-../shared/reference}"
VENV=bench/.venv
SESSIONS=1000
ROUNDS=100
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
PIN=0.16.0
if ! "$VENV/bin/pip" install -q --disable-pip-version-check "negmas==$PIN"; then
  echo "negmas $PIN did not install; falling back to the newest release that does"
  "$VENV/bin/pip" install -q --disable-pip-version-check negmas
fi
PY="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $VENV/bin/python"
NEGMAS=$($PY -c 'import negmas; print(negmas.__version__)')
cargo build -q --release -p astana-cli
ASTANA=target/release/astana

files() { # domain name -> "domain.xml profile1.xml profile2.xml" (full paths, profile order)
  python3 -c "
import json, os, sys
d = os.path.join(sys.argv[1], 'negotiation', 'domains', sys.argv[2])
f = json.load(open(os.path.join(sys.argv[1], 'negotiation', 'refs', sys.argv[2] + '.json')))['files']
print(' '.join(os.path.join(d, p) for p in [f['domain']] + f['profiles']))" "$REF" "$1"
}
now() { date +%s.%N; }
median3() { # out.json astana-args... : run 3 times end to end, keep the last JSON, print the median
  local out=$1 t0 t1 ts=()
  shift
  for _ in 1 2 3; do
    t0=$(now)
    "$ASTANA" "$@" > "$out" || return 1
    t1=$(now)
    ts+=("$(python3 -c "print($t1 - $t0)")")
  done
  python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.4f}')" "${ts[@]}"
}
have_mediate() { "$ASTANA" mediate "$1" --help > /dev/null 2>&1; }
line() { # label astana-seconds-or-empty peer-seconds target verdict
  if [ -n "$2" ]; then
    printf '%-52s astana %8.3f s   negmas %8.3f s   ratio %7.1fx (target >= %sx)   %s\n' \
      "$1" "$2" "$3" "$(python3 -c "print($3 / $2)")" "$4" "$5"
  else
    printf '%-52s astana      n/a     negmas %8.3f s   ratio     n/a (target >= %sx)   %s\n' "$1" "$3" "$4" "$5"
  fi
}

echo "negmas $NEGMAS (pinned $PIN) on GENIUS-semantics ufuns; $("$ASTANA" --version) at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' + uncommitted changes')"

# (a) Pareto frontier + Nash point on Energy
read -r D A B <<< "$(files Energy)"
p=$($PY bench/negotiation/peer.py analyze "$REF" Energy 3 "$WORK/peer_energy.json")
if have_mediate analyze && a=$(median3 "$WORK/astana_energy.json" mediate analyze --domain "$D" --profile "$A" --profile "$B" --json); then
  verdict=$(python3 bench/negotiation/check.py analyze "$REF/negotiation/refs/Energy.json" "$WORK/peer_energy.json" "$WORK/astana_energy.json" || true)
else
  a=""
  verdict="astana mediate analyze unavailable or failed; $(python3 bench/negotiation/check.py analyze "$REF/negotiation/refs/Energy.json" "$WORK/peer_energy.json" - || true)"
fi
line "Energy: Pareto frontier + Nash (390,625 outcomes)" "$a" "$p" 50 "$verdict"

# (b) 1,000 Boulware vs Conceder sessions on Camera
read -r D A B <<< "$(files Camera)"
p=$($PY bench/negotiation/peer.py sessions "$REF" Camera "$SESSIONS" "$ROUNDS" "$WORK/peer_camera.json")
if have_mediate run && a=$(median3 "$WORK/astana_camera.json" mediate run --domain "$D" --profile "$A" --profile "$B" \
  --agents boulware,conceder --rounds "$ROUNDS" --sessions "$SESSIONS" --json); then
  # One more session, untimed, with its offer trace, to compare offer by offer.
  "$ASTANA" mediate run --domain "$D" --profile "$A" --profile "$B" --agents boulware,conceder --rounds "$ROUNDS" \
    --trace --json > "$WORK/astana_camera_trace.json"
  verdict=$(python3 bench/negotiation/check.py sessions "$REF/negotiation/refs/Camera.json" "$WORK/peer_camera.json" \
    "$WORK/astana_camera.json" "$WORK/astana_camera_trace.json" || true)
else
  a=""
  verdict="astana mediate run unavailable or failed; $(python3 bench/negotiation/check.py sessions "$REF/negotiation/refs/Camera.json" "$WORK/peer_camera.json" - || true)"
fi
line "Camera: $SESSIONS x Boulware-Conceder, $ROUNDS rounds" "$a" "$p" 100 "$verdict"

# (c) Exact counts on 10^9 outcomes (one run each, end to end)
for kind in digits random; do
  want=$(python3 bench/negotiation/billion.py "$kind" "$WORK/billion_$kind.toml")
  t0=$(now)
  if "$ASTANA" mediate analyze --domain "$WORK/billion_$kind.toml" --json > "$WORK/billion_$kind.json"; then
    t1=$(now)
    python3 -c "
import json, sys
d = json.load(open(sys.argv[1])); want = sys.argv[2]; secs = float(sys.argv[3])
got = d['rational_outcomes']
ok = isinstance(got, int) and (want == '-' or got == int(want))
print(f'10^9 outcomes ({sys.argv[4]}): {d[\"outcomes\"]} outcomes, {got} rational, method {d[\"method\"]}, '
      f'Nash ties {d[\"nash\"][\"ties\"] if d[\"nash\"] else None}; astana {secs:.2f} s (target <= 30 s: '
      f'{\"MET\" if secs <= 30 else \"NOT MET\"}); count {\"exact\" if ok else \"WRONG\"}'
      + (f' (independent count {want})' if want != '-' else ''))" \
      "$WORK/billion_$kind.json" "$want" "$(python3 -c "print($t1 - $t0)")" "$kind"
  else
    echo "10^9 outcomes ($kind): astana mediate analyze failed"
  fi
done
