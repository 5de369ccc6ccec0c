"""The peer for UN voting alignment: pandas, the usual Python route (as in the unvotes
vignettes): read the roll calls and votes, keep one country's votes, join every other
country's votes on the same roll calls, and aggregate. Writes partner -> counts."""
import sys, time

t0 = time.perf_counter()
import pandas as pd

d, country2, first, last, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rc = pd.read_csv(f"{d}/roll_calls.csv", usecols=["rcid", "date"])
# keep_default_na=False: otherwise Namibia's code "NA" is read as missing.
votes = pd.read_csv(f"{d}/votes.csv", keep_default_na=False)
t1 = time.perf_counter()
rc["year"] = rc["date"].str[:4].astype(int)
rc = rc[(rc.year >= first) & (rc.year <= last)]
v = votes.merge(rc[["rcid", "year"]], on="rcid")
mine = v[v.country_code == country2][["rcid", "vote"]].rename(columns={"vote": "mine"})
pairs = v[v.country_code != country2].merge(mine, on="rcid")
pairs["identical"] = pairs.vote == pairs.mine
pairs["half"] = (pairs.vote == "abstain") != (pairs.mine == "abstain")
g = pairs.groupby("country_code").agg(roll_calls=("rcid", "size"), identical=("identical", "sum"), half=("half", "sum"))
g["identical_share"] = g.identical / g.roll_calls
g["agreement_index"] = (g.identical + 0.5 * g.half) / g.roll_calls
t2 = time.perf_counter()
g.to_csv(out)
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
