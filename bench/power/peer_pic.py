"""Second peer: PyPI package `power-index-calculator` (exhaustive; at most 26 players,
rounds to 3 decimals). Usage: peer_pic.py REF_JSON INDEX OUT_JSON."""
import json, sys, time

d = json.load(open(sys.argv[1]))
index, out = sys.argv[2], sys.argv[3]
import power_index_calculator as pic

w, q = d["rule"]["weights"], d["rule"]["quota"]
if len(w) > 26:
    sys.exit(3)
t0 = time.perf_counter()
values = list(pic.banzhaf(w, q) if index == "banzhaf" else pic.shapley(w, q))
t1 = time.perf_counter()
json.dump(dict(zip(d["players"], values)), open(out, "w"))
print(f"{t1 - t0:.4f}")
