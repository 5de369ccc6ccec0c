"""Writes a 10^9-outcome native TOML domain (nine issues of ten values) and prints the exact
number of its rational outcomes, computed independently of astana.

kind "digits": party a scores the value index v, party b 9 - v, weights 1/9, reservations
0.5 and 0.3, so rational means 41 <= sum of v <= 56 (far from any rounding) and the count is
a digit-sum count (dynamic programme). kind "random": seeded random evaluations and weights
for two parties, reservation 0.6 each; no independent count (prints "-").
Usage: billion.py KIND OUT.toml
"""
import random
import sys

kind, out = sys.argv[1], sys.argv[2]
issues = [f"i{j}" for j in range(9)]
lines = [f'name = "billion-{kind}"']
for i in issues:
    lines += ["", "[[issue]]", f'name = "{i}"', "values = [" + ", ".join(f'"{v}"' for v in range(10)) + "]"]
rng = random.Random(1)
parties = []
if kind == "digits":
    parties = [("a", 0.5, [0.1111111111111111] * 9, [list(range(10))] * 9),
               ("b", 0.3, [0.1111111111111111] * 9, [list(range(9, -1, -1))] * 9)]
else:
    for pid in ("a", "b"):
        w = [rng.randint(1, 10) for _ in issues]
        t = sum(w)
        parties.append((pid, 0.6, [x / t for x in w], [[rng.randint(0, 10) for _ in range(10)] for _ in issues]))
for pid, r, w, ev in parties:
    lines += ["", "[[party]]", f'id = "{pid}"', f"reservation = {r}",
              "weights = { " + ", ".join(f"{i} = {x!r}" for i, x in zip(issues, w)) + " }", "[party.evaluations]"]
    lines += [f"{i} = [" + ", ".join(map(str, e)) + "]" for i, e in zip(issues, ev)]
open(out, "w").write("\n".join(lines) + "\n")
if kind == "digits":
    by_sum = [1]
    for _ in issues:
        nxt = [0] * (len(by_sum) + 9)
        for s, c in enumerate(by_sum):
            for v in range(10):
                nxt[s + v] += c
        by_sum = nxt
    print(sum(by_sum[41:57]))
else:
    print("-")
