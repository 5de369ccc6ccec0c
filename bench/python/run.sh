#!/usr/bin/env bash
# The Python-side benchmark: astana's Python package (a release wheel built from
# crates/astana-py, installed with pip as the README shows) against powerindex, NegMAS and
# SimPy on the calls a notebook user makes, ratios in one run, and the per-call overhead of
# a small game (goal < 20 µs). Peers and the wheel go into bench/.venv (shared with the
# other benches).
set -euo pipefail
cd "$(dirname "$0")/../.."
REF="${ASTANA_REFERENCE_DIR:-../shared/reference}"
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check powerindex==0.3.5 negmas==0.16.0 simpy==4.1.2
start=$(date +%s)
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps ./crates/astana-py
echo "pip install ./crates/astana-py (release wheel) took $(( $(date +%s) - start )) s"
"$VENV/bin/python" bench/python/bench.py "$REF"
