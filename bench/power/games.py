"""Writes the benchmark games as astana TOML files from the reference JSON."""
import json, sys

ref, out = sys.argv[1], sys.argv[2]
for name in ["us_electoral_college_2012", "random200"]:
    d = json.load(open(f"{ref}/power/{name}.json"))
    lines = [f'name = "{d["name"]}"', f'quota = {d["rule"]["quota"]}']
    for p, w in zip(d["players"], d["rule"]["weights"]):
        lines += ["[[player]]", f'id = "{p}"', f"weight = {w}"]
    open(f"{out}/{name}.toml", "w").write("\n".join(lines) + "\n")

# (c) An EU-27-shaped double majority with seeded synthetic populations (no single official
# table of all 27 populations could be retrieved for the project; see the closing notes).
import random

r = random.Random(27)
lines = [
    'name = "EU-27-shaped double majority (synthetic populations, seed 27)"',
    'rule = "count >= 55% and population >= 65% or count >= 24"',
]
for i in range(27):
    lines += ["[[player]]", f'id = "M{i:02d}"', f"population = {r.randint(500_000, 84_000_000)}"]
open(f"{out}/eu27.toml", "w").write("\n".join(lines) + "\n")
