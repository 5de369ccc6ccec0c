"""The peer: pandas + concentrationmetrics (Open Risk), the usual Python route to partner
concentration. Reads the same CSV, computes the same measures per reporter-year, and
writes them for the answer check. Prints load and compute seconds."""
import sys, time

t0 = time.perf_counter()
import pandas as pd
import numpy as np
import concentrationMetrics as cm

df = pd.read_csv(sys.argv[1])
df = df[df.partner != "WLD"]
t1 = time.perf_counter()
idx = cm.Index()
rows = []
for (year, rep), g in df.groupby(["year", "reporter"], sort=True):
    x = g.value_usd.to_numpy(dtype=float)
    rows.append((rep, year, idx.hhi(x, normalized=False), idx.hhi(x, normalized=True),
                 idx.shannon(x), idx.invsimpson(x), float(np.sort(x / x.sum())[::-1][:3].sum())))
t2 = time.perf_counter()
pd.DataFrame(rows, columns=["reporter", "year", "hhi", "hhi_normalized", "entropy",
                            "effective_partners", "cr3"]).to_csv(sys.argv[2], index=False)
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
