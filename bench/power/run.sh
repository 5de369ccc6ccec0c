#!/usr/bin/env bash
# Voting power benchmark: astana against the PyPI package `powerindex` on the same games,
# in one run: (a) the US Electoral College (51 players, quota 270), (b) the random
# 200-player game with weights 1..1000 and quota 50% + 1 (../shared/reference/power).
# astana is timed end to end (process start, parsing, exact big-number arithmetic, JSON);
# the peer only inside Python (after import). Answers are compared.
set -euo pipefail
cd "$(dirname "$0")/../.."
REF="${ASTANA_REFERENCE_DIR:-../shared/reference}"
VENV=bench/.venv
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check powerindex==0.3.5
# The second peer, if it installs (it takes at most 26 players).
PIC=yes
"$VENV/bin/pip" install -q --disable-pip-version-check power-index-calculator==1.0 || PIC=no
cargo build -q --release -p astana-cli
python3 bench/power/games.py "$REF" "$WORK"

now() { date +%s.%N; }
run() { # game-file index
  local t0 t1
  t0=$(now)
  target/release/astana power "$WORK/$1.toml" --index "$2" --json > "$WORK/$1.$2.json"
  t1=$(now)
  python3 -c "print(f'{$t1 - $t0:.4f}')"
}
line() { # label game index peer-timeout
  local a p diff
  a=$(run "$2" "$3")
  if p=$(timeout "$4" "$VENV/bin/python" bench/power/peer.py "$REF/power/$2.json" "$3" "$WORK/peer.json" 2>/dev/null); then
    diff=$("$VENV/bin/python" bench/power/check.py "$WORK/$2.$3.json" "$WORK/peer.json" "$3")
    printf '%-44s astana %8.3f s   powerindex %8.3f s   ratio %7.1fx   max diff %s\n' "$1" "$a" "$p" "$(python3 -c "print($p / $a)")" "$diff"
  else
    printf '%-44s astana %8.3f s   powerindex failed or exceeded %s s (exact astana result checked against the reference in the tests)\n' "$1" "$a" "$4"
  fi
}
line "US Electoral College, Banzhaf" us_electoral_college_2012 banzhaf 600
if [ "$PIC" = yes ]; then
  for g in us_electoral_college_2012 random200; do
    if "$VENV/bin/python" bench/power/peer_pic.py "$REF/power/$g.json" banzhaf "$WORK/pic.json" > /dev/null 2>&1; then
      echo "power-index-calculator ran on $g"
    else
      echo "power-index-calculator: cannot take $g (it enumerates and accepts at most 26 players)"
    fi
  done
fi
line "US Electoral College, Shapley-Shubik" us_electoral_college_2012 shapley_shubik 600
line "random 200 players, Banzhaf" random200 banzhaf 600
line "random 200 players, Shapley-Shubik" random200 shapley_shubik 120

# (c) EU-27-shaped double majority: astana's meet in the middle against its own brute-force
# enumeration of all 2^27 coalitions (the peers cannot express two-clause rules).
t0=$(now)
target/release/astana power "$WORK/eu27.toml" --json > "$WORK/eu.mitm.json"
t1=$(now)
target/release/astana power "$WORK/eu27.toml" --method enumeration --json > "$WORK/eu.enum.json"
t2=$(now)
same=$(python3 -c "
import json
a = json.load(open('$WORK/eu.mitm.json'))['indices']
b = json.load(open('$WORK/eu.enum.json'))['indices']
print('identical exact fractions' if all(a[i][p]['exact'] == b[i][p]['exact'] for i in a for p in a[i]) else 'MISMATCH')")
printf '%-44s astana %8.3f s   brute force %8.3f s   ratio %7.1fx   %s\n' "EU-27-shaped double majority, all six" \
  "$(python3 -c "print($t1 - $t0)")" "$(python3 -c "print($t2 - $t1)")" "$(python3 -c "print(($t2 - $t1) / ($t1 - $t0))")" "$same"

# (d) Double precision past the exact limits (issue 14): Shapley–Shubik by Gauss–Legendre
# quadrature of the multilinear extension, against the exact reference values (random 200;
# its exact time is the "random 200 players, Shapley-Shubik" line above), and at 800 players
# (no exact method fits the limits: float is the default there).
ftime() { # label game extra-args check-args
  local t0 t1
  t0=$(now)
  target/release/astana power "$WORK/$2.toml" --index shapley_shubik $3 --json > "$WORK/$2.float.json" 2>/dev/null
  t1=$(now)
  printf '%-44s astana %8.3f s   %s\n' "$1" "$(python3 -c "print($t1 - $t0)")" \
    "$(python3 bench/power/float_check.py "$WORK/$2.float.json" shapley_shubik $4)"
}
ftime "random 200 players, Shapley-Shubik, float" random200 "--method float" "$REF/power/random200.json"
ftime "random 800 players, Shapley-Shubik, float" random800 "" ""
