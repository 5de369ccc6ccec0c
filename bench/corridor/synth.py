"""A seeded synthetic corridor network, written as a minimal astana scenario folder.

usage: synth.py NODES SEED OUT_DIR [PAIRS]

Nodes lie on a jittered grid 30 km apart (a road/rail-like sparse network: every node links to
its east neighbour, to its south neighbour with probability 0.75 (always in the first column,
so the network is connected) and to its south-east one with probability 0.1; mean degree about
3.7). A link is rail (70%) or road, its km the straight line times 1.1-1.4, its hours km over a
speed of 35-60 km/h (rail) or 50-80 km/h (road), to the second; one node in ten is a hub with a
dwell of 1-12 h. Writes OUT_DIR/scenario.toml, sources.csv, flows.csv, corridor/nodes.csv,
corridor/links.csv (astana's formats, `astana --scenario OUT_DIR ...`) and OUT_DIR/pairs.csv:
PAIRS (default 3) origin-destination pairs at least half the grid's width apart, seeded.
"""
import math
import os
import random
import sys


def main():
    n, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    npairs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    rng = random.Random(seed)
    side = math.ceil(math.sqrt(n))
    spacing = 30.0
    pos = []
    for i in range(n):
        r, c = divmod(i, side)
        pos.append(((c + rng.uniform(-0.35, 0.35)) * spacing, (r + rng.uniform(-0.35, 0.35)) * spacing))
    os.makedirs(os.path.join(out, "corridor"), exist_ok=True)
    with open(os.path.join(out, "scenario.toml"), "w") as f:
        f.write(
            'name = "Synthetic"\nfocal = "KAZ"\ndefault_year = 2023\n\n[files]\n'
            'sources = "sources.csv"\nflows = "flows.csv"\n'
            'corridor_nodes = "corridor/nodes.csv"\ncorridor_links = "corridor/links.csv"\n'
        )
    with open(os.path.join(out, "sources.csv"), "w") as f:
        f.write("id,title,publisher,url,published,note\n")
        f.write(f"synth,Synthetic network (seed {seed}),astana bench/corridor/synth.py,https://example.org/synth,2026-01-01,\n")
    with open(os.path.join(out, "flows.csv"), "w") as f:
        f.write("year,period,reporter,partner,flow,value_usd,estimate,source,note\n")
        f.write("2023,FY,KAZ,WLD,exports,1,no,synth,\n")
    with open(os.path.join(out, "corridor", "nodes.csv"), "w") as f:
        f.write("id,name,country,lat,lon,kind,dwell_hours,handling_usd_feu,servers,source,note\n")
        for i, (x, y) in enumerate(pos):
            dwell = round(rng.uniform(1, 12), 1) if rng.random() < 0.1 else 0
            lat, lon = -60 + y / 111.0, -170 + x / 111.0
            f.write(f"N{i},Node {i},KAZ,{lat:.4f},{lon:.4f},hub,{dwell},{dwell * 25},,synth,\n")
    links = 0
    with open(os.path.join(out, "corridor", "links.csv"), "w") as f:
        f.write("id,from,to,mode,km,hours,gauge,cost_usd_feu,capacity_teu_year,departures_week,family,crosses,source,note\n")

        def link(a, b):
            nonlocal links
            (xa, ya), (xb, yb) = pos[a], pos[b]
            rail = rng.random() < 0.7
            km = math.hypot(xa - xb, ya - yb) * rng.uniform(1.1, 1.4)
            speed = rng.uniform(35, 60) if rail else rng.uniform(50, 80)
            hours = round(km / speed, 4)
            mode = "rail" if rail else "road"
            f.write(f"L{links},N{a},N{b},{mode},{km:.1f},{hours},,{km * 0.3:.1f},,,,,synth,\n")
            links += 1

        for i in range(n):
            r, c = divmod(i, side)
            if c + 1 < side and i + 1 < n:
                link(i, i + 1)
            if i + side < n and (c == 0 or rng.random() < 0.75):
                link(i, i + side)
            if c + 1 < side and i + side + 1 < n and rng.random() < 0.1:
                link(i, i + side + 1)
    with open(os.path.join(out, "pairs.csv"), "w") as f:
        f.write("from,to\n")
        done = 0
        while done < npairs:
            a, b = rng.randrange(n), rng.randrange(n)
            (xa, ya), (xb, yb) = pos[a], pos[b]
            if math.hypot(xa - xb, ya - yb) >= side * spacing / 2:
                f.write(f"N{a},N{b}\n")
                done += 1
    print(f"{n} nodes, {links} links", file=sys.stderr)


if __name__ == "__main__":
    main()
