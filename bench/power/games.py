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

# (d) 800 players, weights 1..1000 (seeded), quota 50% + 1: past the exact method's limits.
r = random.Random(800)
w = [r.randint(1, 1000) for _ in range(800)]
lines = ['name = "Random weighted game, 800 players, weights 1..1000 (seed 800)"', f"quota = {sum(w) // 2 + 1}"]
for i, x in enumerate(w):
    lines += ["[[player]]", f'id = "p{i}"', f"weight = {x}"]
open(f"{out}/random800.toml", "w").write("\n".join(lines) + "\n")
