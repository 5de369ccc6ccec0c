#!/bin/sh
# Regenerates data/unvotes/alignment.csv, the derived UN General Assembly voting table that
# `astana scenario init` copies into a new scenario: for every country in the roll-call data,
# per year, the roll calls on which it and each partner of a fixed set both voted, how many
# votes were identical, and on how many exactly one of the two abstained.
#
# The roll calls themselves (Voeten, Strezhnev and Bailey, as packaged in the R package
# unvotes 0.3.0, MIT) are not part of the project; they are read from
# $ASTANA_REFERENCE_DIR/balance/unvotes (default ../shared/reference).
#
# The counts are symmetric in the two countries, so one `astana balance alignment --with all`
# run per partner gives every country's row against it; the columns are then swapped.
#
# Usage (from the repository root): scripts/unvotes-alignment.sh [path/to/astana]
set -eu
astana="${1:-target/debug/astana}"
ref="${ASTANA_REFERENCE_DIR:-../shared/reference}/balance/unvotes"
out=data/unvotes/alignment.csv
# The partners: the vectors of the default scenario (DEU standing for the EU, which does not
# vote as one), in the order of the output.
partners="CHN DEU RUS USA"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in $partners; do
    "$astana" balance alignment --country "$p" --with all --from 1946 --to 2019 \
        --unvotes "$ref" --write-table "$tmp/$p.csv" >/dev/null
done
{
    echo "year,country,partner,roll_calls,identical,half"
    for p in $partners; do
        # year,PARTNER,country,... (source dropped: it is the same for every row).
        tail -n +2 "$tmp/$p.csv" | awk -F, -v OFS=, '{ print $1, $3, $2, $4, $5, $6 }'
    done | LC_ALL=C sort -t, -k2,2 -k1,1n -k3,3
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(($(wc -l <"$out") - 1)) rows, $(wc -c <"$out") bytes)"
