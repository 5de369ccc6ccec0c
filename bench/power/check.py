"""Largest difference between astana's JSON and the peer's values for one index."""
import json, sys

a = json.load(open(sys.argv[1]))["indices"][sys.argv[3]]
p = json.load(open(sys.argv[2]))
print(f"{max(abs(a[k]['value'] - v) for k, v in p.items()):.1e}")
