"""Writes a synthetic world trade matrix as an astana flows CSV (seeded, reproducible).

Every reporter trades with every other country; values are log-normal so partner
concentration varies; a WLD row per reporter-year carries the exact total.
"""
import csv, random, sys

out, reporters, years = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
codes = [line.split(",")[0] for line in open(sys.argv[4]).read().splitlines()[1:]]
rng = random.Random(20261127)
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["year", "reporter", "partner", "flow", "value_usd", "source"])
    for y in range(2000, 2000 + years):
        for r in codes[:reporters]:
            total = 0
            for p in codes:
                if p == r:
                    continue
                v = int(rng.lognormvariate(18, 2.2))
                total += v
                w.writerow([y, r, p, "exports", v, "synthetic"])
            w.writerow([y, r, "WLD", "exports", total, "synthetic"])
