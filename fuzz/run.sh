#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another, starting from
# the committed seeds (fuzz/seeds/<target>) and the working corpus (fuzz/corpus/<target>,
# not committed). Crashes land in fuzz/artifacts/<target>/, logs in fuzz/logs/. Needs the
# nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
#   fuzz/run.sh [SECONDS] [TARGET...]
#   MINIMIZE=1 fuzz/run.sh ...   afterwards, merge each corpus minimised into fuzz/seeds.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH="${1:-600}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build
mkdir -p logs
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t" "seeds/$t"
  echo "== $t: ${SECONDS_EACH}s"
  # A 4 GiB RSS cap and 10 s per input: a runaway allocation or a hang is a finding.
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
    > "logs/$t.log" 2>&1 || echo "   finding: see logs/$t.log and artifacts/$t/"
  grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "logs/$t.log" | sed 's/^/   /' || true
  if [ "${MINIMIZE:-0}" = 1 ]; then
    # The smallest set (set cover) that keeps every edge the seeds and the corpus reach
    # (edges, not hit counts: a few hundred files a target, not thousands). The named seeds
    # (seed.sh) stay; the campaign's files (named by their SHA-1) are replaced.
    merged="$(mktemp -d)"
    if cargo +nightly fuzz run "$t" "$merged" "seeds/$t" "corpus/$t" -- \
      -set_cover_merge=1 -use_counters=0 >/dev/null 2>&1; then
      find "seeds/$t" -type f -regex '.*/[0-9a-f]\{40\}' -delete
      named="$(sha1sum "seeds/$t"/* 2>/dev/null | cut -d' ' -f1)"
      for f in "$merged"/*; do
        grep -qx "$(basename "$f")" <<<"$named" || cp "$f" "seeds/$t/"
      done
    fi
    rm -rf "$merged"
  fi
done
if compgen -G "artifacts/*/*" >/dev/null; then
  echo "findings:" && ls artifacts/*/*
else
  echo "no crashes"
fi
