"""astana's alignment JSON against the peer's CSV: same partners, same counts."""
import csv, json, sys

a = json.load(open(sys.argv[1]))["partners"]
iso = {r["alpha2"]: r["alpha3"] for r in csv.DictReader(open(sys.argv[3]))}
p = {iso[r["country_code"]]: r for r in csv.DictReader(open(sys.argv[2])) if r["country_code"] in iso}
assert set(a) == set(p), (len(a), len(p), set(a) ^ set(p))
bad = [c for c in a if (a[c]["roll_calls"], a[c]["identical"], a[c]["half"]) != (int(p[c]["roll_calls"]), int(p[c]["identical"]), int(p[c]["half"]))]
print(f"  {len(a)} partners, counts identical for {len(a) - len(bad)}")
sys.exit(1 if bad else 0)
