"""The k-routes peer: networkx `shortest_simple_paths` (Yen's algorithm) for every ordered
pair of distinct nodes of a corridor network.

usage: routes_peer.py NODES.csv LINKS.csv K OUT.json
Prints the seconds taken in-process (building the graph and all pairs' k routes, after
imports and reading the CSV files); writes {"networkx", "pairs", "routes", "parallel_links",
"results": [{"from", "to", "values"}]} in astana's --all-pairs layout.

A route's hours: the links' hours plus the dwell_hours of every intermediate node; links are
usable both ways. The DiGraph has both directions of every link with weight = link hours +
dwell_hours of the node the edge enters, so a path's hours = its networkx weight − the
destination's dwell_hours. A DiGraph holds one edge per ordered node pair: a link parallel to
an earlier one (same two ends) goes through a node of its own in the middle (weight: hours in,
the far end's dwell out, no dwell of its own), so every link stays a distinct route, as in
astana.
"""
import csv
import json
import sys
import time

import networkx as nx


def number(s, default):
    s = (s or "").strip()
    return float(s) if s else default


def read(nodes_csv, links_csv):
    with open(nodes_csv, newline="", encoding="utf-8") as f:
        nodes = [
            (r["id"].strip(), number(r.get("dwell_hours"), 0.0))
            for r in csv.DictReader(f, skipinitialspace=True)
        ]
    with open(links_csv, newline="", encoding="utf-8") as f:
        links = [
            (r["id"].strip(), r["from"].strip(), r["to"].strip(), float(r["hours"]))
            for r in csv.DictReader(f, skipinitialspace=True)
        ]
    return nodes, links


def build(nodes, links):
    dwell = dict(nodes)
    g = nx.DiGraph()
    g.add_nodes_from(dwell)
    parallel = []
    for lid, a, b, hours in links:
        if a not in dwell or b not in dwell:
            continue  # astana skips links to unknown nodes (and `scenario check` reports them)
        if g.has_edge(a, b):
            mid = "~" + lid  # a parallel link: subdivide it
            parallel.append(lid)
            g.add_edge(a, mid, w=hours)
            g.add_edge(mid, b, w=dwell[b])
            g.add_edge(b, mid, w=hours)
            g.add_edge(mid, a, w=dwell[a])
        else:
            g.add_edge(a, b, w=hours + dwell[b])
            g.add_edge(b, a, w=hours + dwell[a])
    return g, dwell, parallel


def k_routes(g, dwell, s, t, k):
    out = []
    try:
        for path in nx.shortest_simple_paths(g, s, t, weight="w"):
            out.append(nx.path_weight(g, path, "w") - dwell[t])
            if len(out) == k:
                break
    except nx.NetworkXNoPath:
        pass
    return out


def main():
    nodes_csv, links_csv, k, out = sys.argv[1:5]
    k = int(k)
    nodes, links = read(nodes_csv, links_csv)
    ids = [n for n, _ in nodes]
    t0 = time.perf_counter()
    g, dwell, parallel = build(nodes, links)
    results = []
    for s in ids:
        for t in ids:
            if s != t:
                results.append({"from": s, "to": t, "values": k_routes(g, dwell, s, t, k)})
    dt = time.perf_counter() - t0
    with open(out, "w") as f:
        json.dump(
            {
                "networkx": nx.__version__,
                "pairs": len(results),
                "routes": sum(len(r["values"]) for r in results),
                "k": k,
                "parallel_links": parallel,
                "seconds": dt,
                "results": results,
            },
            f,
        )
    print(f"{dt:.4f}")


if __name__ == "__main__":
    main()
