"""The peer: PyPI package `powerindex`, on a reference game. Prints seconds and writes the
values for the answer check. Usage: peer.py REF_JSON INDEX OUT_JSON (INDEX: banzhaf or
shapley_shubik)."""
import json, sys, time

d = json.load(open(sys.argv[1]))
index, out = sys.argv[2], sys.argv[3]
import powerindex as px

t0 = time.perf_counter()
g = px.Game(d["rule"]["quota"], weights=d["rule"]["weights"])
if index == "banzhaf":
    g.calc_banzhaf()
    values = g.banzhaf
else:
    g.calc_shapley_shubik()
    values = g.shapley_shubik
t1 = time.perf_counter()
json.dump(dict(zip(d["players"], values)), open(out, "w"))
print(f"{t1 - t0:.4f}")
