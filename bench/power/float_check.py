"""astana's double-precision answer: its stated bound, and the largest difference from the
exact reference values (with a reference file) or how far the values' sum is from 1."""
import json, sys

a = json.load(open(sys.argv[1]))
ix = sys.argv[2]
vals = {k: v["value"] for k, v in a["indices"][ix].items()}
bound = a["max_abs_error"][ix]
if len(sys.argv) > 3:
    ref = json.load(open(sys.argv[3]))["expected"][ix]
    diff = max(abs(vals[k] - v) for k, v in ref.items())
    print(f"{a['algorithm']}; max diff from exact {diff:.1e} (stated bound {bound:.1e})")
else:
    print(f"{a['algorithm']}; sum - 1 = {sum(vals.values()) - 1:.1e} (stated bound {bound:.1e} per value)")
