"""Compares astana's JSON (--all) with the peer's CSV: same reporter-years, same numbers."""
import json, sys
import pandas as pd

a = pd.DataFrame(json.load(open(sys.argv[1]))["results"])
p = pd.read_csv(sys.argv[2])
m = a.merge(p, on=["reporter", "year"], suffixes=("_astana", "_peer"))
assert len(m) == len(a) == len(p), (len(m), len(a), len(p))
worst = 0.0
for col in ["hhi", "hhi_normalized", "entropy", "effective_partners", "cr3"]:
    d = (m[col + "_astana"] - m[col + "_peer"]).abs() / m[col + "_peer"].abs().clip(lower=1e-12)
    worst = max(worst, d.max())
    print(f"  {col:<20} max relative difference {d.max():.2e}")
sys.exit(0 if worst < 1e-9 else 1)
