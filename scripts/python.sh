#!/usr/bin/env bash
# The Python package's checks: builds crates/astana-py with maturin into a virtual
# environment (.venv-py/, git-ignored), runs its pytest suite (reference values, the CLI's
# documents, powerindex and NegMAS cross-checks, Ctrl-C) and executes the example notebook.
#
#   scripts/python.sh
#
# A debug build (`maturin develop`): it reuses what `cargo test` compiled (the engines are
# optimised in the dev profile too, see Cargo.toml): 38 s cold, and the whole script 40 s
# once the venv exists (plus the pip installs on a fresh machine). A release wheel
# (`pip install ./crates/astana-py`, as the README shows; bench/python/run.sh builds one)
# compiles everything again with LTO, about 11 minutes here. Needs python3 ≥ 3.9 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."

export ASTANA_REFERENCE_DIR="${ASTANA_REFERENCE_DIR:-$(cd .. && pwd)/shared/reference}"
venv="$PWD/.venv-py"
# Pinned: the cross-checks name these versions' behaviour (NegMAS 0.16's frontier).
PACKAGES=(
  "maturin>=1.7,<2" "pytest>=8" "pandas>=2" "polars>=1" "pyarrow>=15"
  "powerindex==0.3.5" "negmas==0.16.0" "nbclient>=0.10" "nbformat>=5" "ipykernel>=6"
  "matplotlib>=3.8"
)
stamp="$venv/.packages"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}"
  echo "${PACKAGES[*]}" >"$stamp"
fi

# The CLI the tests compare documents with. Under CI `cargo test` built it just before and
# .ci/run passes it in ASTANA_BIN: `cargo build -p astana-cli` alone would resolve other
# features (DataFusion's among them) and compile DataFusion a second time.
if [ -z "${ASTANA_BIN:-}" ]; then
  cargo build --quiet --locked -p astana-cli
  ASTANA_BIN="$PWD/target/debug/astana"
fi
export ASTANA_BIN

start=$(date +%s)
( cd crates/astana-py && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
    "$venv/bin/maturin" develop --quiet --locked )
echo "python.sh: maturin develop took $(( $(date +%s) - start )) s"

# From outside the source tree, so `import astana` is the installed package.
cd crates/astana-py/tests
"$venv/bin/python" -m pytest -q -p no:cacheprovider .
cd ../../..
if [ -f examples/astana.ipynb ]; then
  "$venv/bin/python" scripts/run_notebook.py examples/astana.ipynb
fi
