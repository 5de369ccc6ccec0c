#!/usr/bin/env bash
# Regenerates fuzz/seeds/<target>/ from the project's valid files (data/, test fixtures)
# and the small hostile reproducers ($ASTANA_REFERENCE_DIR/hostile, default
# ../shared/reference/hostile). Never copies the GENIUS domains of reference/negotiation
# (not ours to commit). Targets whose first byte selects a file get that byte prepended.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd .. && pwd)"
REF="${ASTANA_REFERENCE_DIR:-$(cd ../.. && pwd)/shared/reference}"
H="$REF/hostile"
K="$ROOT/data/scenarios/kazakhstan"
V="$ROOT/crates/astana-scenario/tests/fixtures/valid"

seed() { # seed TARGET NAME SELECTOR|- FILE...
  local t=$1 n=$2 sel=$3; shift 3
  mkdir -p "seeds/$t"
  {
    if [ "$sel" != - ]; then printf "\\x$(printf %02x "$sel")"; fi
    cat "$@"
  } > "seeds/$t/$n"
}

# The named seeds are regenerated; the minimised corpora of past campaigns (files named by
# their SHA-1, see run.sh MINIMIZE=1) are kept.
mkdir -p seeds
find seeds -type f ! -regex '.*/[0-9a-f]\{40\}' -delete
for f in "$K"/power/*.toml; do seed game_toml "$(basename "$f")" - "$f"; done
for f in 09-power-error-amplification 12-power-500-players 14-power-float-literal-a \
         14-power-float-literal-b 17-power-quota0; do
  [ -f "$H/$f.toml" ] && seed game_toml "$f.toml" - "$H/$f.toml"
done

for f in "$K"/negotiation/*.toml; do
  seed negotiation_toml "$(basename "$f")" - "$f"
  seed genius_xml "$(basename "$f")" - "$f"
done
for f in 11-neg-9parties-1e6 15-neg-tiny-evaluations; do
  [ -f "$H/$f.toml" ] && seed negotiation_toml "$f.toml" - "$H/$f.toml"
done
# genius_xml splits its input in the middle: domain first, profile second.
[ -d "$H/03-genius-int-overflow" ] &&
  seed genius_xml 03-int-overflow.xml - "$H/03-genius-int-overflow/domain.xml" "$H/03-genius-int-overflow/a.xml"

seed flows_csv kazakhstan-flows.csv - "$K/flows.csv"
seed flows_csv fixture-flows.csv - "$V/flows.csv"

i=0
for f in scenario.toml sources.csv flows.csv memberships.csv alignment.csv; do
  seed scenario_files "valid-$f" $i "$V/$f"
  i=$((i + 1))
done
seed scenario_files kazakhstan-scenario.toml 0 "$K/scenario.toml"

i=0
for f in nodes.csv links.csv volumes.csv; do
  seed corridor_csv "kazakhstan-$f" $i "$K/corridor/$f"
  i=$((i + 1))
done

i=0
for f in forum.toml rooms.csv participants.csv requests.csv panels.csv; do
  seed forum_folder "kazakhstan-$f" $i "$K/forum/$f"
  for r in 05-forum-path-traversal 06-forum-ics-injection 07-forum-dup-room; do
    [ -f "$H/$r/$f" ] && seed forum_folder "$r-$f" $i "$H/$r/$f"
  done
  i=$((i + 1))
done

mkdir -p seeds/forum_changes
[ -f "$H/18-forum-replan-close-hall.csv" ] &&
  seed forum_changes 18-close-hall.csv - "$H/18-forum-replan-close-hall.csv"
printf 'change,id,value\ncancel_request,R1,\ncancel_panel,PN1,\narrive,KAZ-FM,0:3\ndepart,CHN-VP,0:5\nclose_room,B1,0:2\n' \
  > seeds/forum_changes/every-kind.csv
# Findings of the fuzz campaigns, minimised (their regression tests name them).
printf 'change,id,value\nclose_room\x0c,H2,3333333333333333333:05\n' \
  > seeds/forum_changes/crash-d574b810-huge-day

# A schedule of the example forum, from the binary (built if needed).
mkdir -p seeds/schedule_json
(cd "$ROOT" && cargo run -q -p astana-cli -- forum schedule "$K/forum" --json --seconds 0.2) \
  > seeds/schedule_json/kazakhstan-schedule.json
echo "seeds: $(find seeds -type f | wc -l) files in $(ls seeds | wc -l) targets"
