"""Writes the benchmark games as astana TOML files from the reference JSON."""
import json, sys

ref, out = sys.argv[1], sys.argv[2]
for name in ["us_electoral_college_2012", "random200"]:
    d = json.load(open(f"{ref}/power/{name}.json"))
    lines = [f'name = "{d["name"]}"', f'quota = {d["rule"]["quota"]}']
    for p, w in zip(d["players"], d["rule"]["weights"]):
        lines += ["[[player]]", f'id = "{p}"', f"weight = {w}"]
    open(f"{out}/{name}.toml", "w").write("\n".join(lines) + "\n")
