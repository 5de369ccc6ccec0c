"""Compares astana's answers with the peers'.

usage: check.py queue ASTANA.json PEER.json
       check.py routes ASTANA.json PEER.json [TOLERANCE]
Prints one verdict line (the queue also a second line with the numbers); for routes every
disagreeing pair follows on its own line. Exit 1 on any disagreement.
"""
import json
import sys


def queue(astana_file, peer_file):
    a = json.load(open(astana_file))
    p = json.load(open(peer_file))
    ec = p["erlang_c_mean_wait_hours"]  # computed in Python (mmc_peer.erlang_c_wait)
    ra = abs(a["mean_wait_hours"] - ec) / ec
    rp = abs(p["mean_wait_hours"] - ec) / ec
    same_ec = abs(a["erlang_c_mean_wait_hours"] - ec) <= 1e-12 * ec
    ok = ra <= 0.05 and rp <= 0.05 and same_ec
    print(
        f"{'both within 5% of Erlang C' if ok else 'DISAGREE'}: astana {ra * 100:.2f}% off, simpy {rp * 100:.2f}% off"
        + ("" if same_ec else f"; astana's Erlang C {a['erlang_c_mean_wait_hours']!r} != Python's {ec!r}")
    )
    print(
        f"    mean wait in queue (h): astana {a['mean_wait_hours']:.4f} ± {a['ci95_hours']:.4f} (95%), "
        f"simpy {p['mean_wait_hours']:.4f}, Erlang C {ec:.4f} (Python) / {a['erlang_c_mean_wait_hours']:.4f} (astana); "
        f"astana utilisation {a['utilisation']:.4f}"
    )
    return ok


def routes(astana_file, peer_file, tol):
    a = json.load(open(astana_file))
    p = json.load(open(peer_file))
    peer = p.get("peer", "networkx").split()[0]
    av = {(r["from"], r["to"]): r["values"] for r in a["results"]}
    pv = {(r["from"], r["to"]): r["values"] for r in p["results"]}
    bad = []
    for key in sorted(set(av) | set(pv)):
        if key not in av or key not in pv:
            bad.append(f"{key[0]} -> {key[1]}: only in {'astana' if key in av else peer}")
            continue
        x, y = sorted(av[key]), sorted(pv[key])
        if len(x) != len(y) or any(abs(u - v) > tol for u, v in zip(x, y)):
            bad.append(
                f"{key[0]} -> {key[1]}: astana {[round(u, 6) for u in av[key]]} "
                f"{peer} {[round(v, 6) for v in pv[key]]}"
            )
    worst = max(
        (abs(u - v) for k in av.keys() & pv.keys() if len(av[k]) == len(pv[k])
         for u, v in zip(sorted(av[k]), sorted(pv[k]))),
        default=0.0,
    )
    head = f"{a['pairs']} pairs, {a['routes']} routes ({peer} {p['routes']})"
    if p.get("parallel_links"):
        head += f", {len(p['parallel_links'])} parallel links subdivided for networkx"
    if bad:
        print(f"DISAGREE on {len(bad)} of {len(set(av) | set(pv))} pairs; {head}")
        for b in bad:
            print("    " + b)
        return False
    print(f"all pairs agree within {tol:g} h (max diff {worst:.1e}); {head}")
    return True


if __name__ == "__main__":
    if sys.argv[1] == "queue":
        ok = queue(sys.argv[2], sys.argv[3])
    else:
        ok = routes(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 1e-6)
    sys.exit(0 if ok else 1)
