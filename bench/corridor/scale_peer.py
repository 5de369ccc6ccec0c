"""The scale peers for corridor routes on a synthetic network (synth.py):

  scale_peer.py igraph NODES.csv LINKS.csv PAIRS.csv K OUT.json
      k loopless shortest routes by time for each pair of PAIRS.csv: python-igraph's
      `Graph.get_k_shortest_paths` (Yen's algorithm in igraph's C core).
  scale_peer.py rustworkx NODES.csv LINKS.csv - 1 OUT.json
      the shortest route's hours for every ordered pair: rustworkx
      `all_pairs_dijkstra_path_lengths` (Rust, all cores). Prints two times: to the answer
      in rustworkx's Rust memory (no value seen by Python yet), and to the same answer
      written as OUT.json (every pair read into Python and dumped, as astana --json prints
      it).

Both time in-process from reading the CSV files (astana is timed with its load too) to the
last answer, and print the seconds; OUT.json has astana's --all-pairs layout
({"peer", "pairs", "routes", "parallel_links", "results": [{"from", "to", "values"}]}).
Dwell at intermediate nodes as in routes_peer.py: each link is two arcs, weight = hours + the
entered node's dwell_hours, so a route's hours = its weight − the destination's dwell. Both
libraries keep parallel arcs apart, so no link needs subdividing.
"""
import csv
import json
import sys
import time


def number(s, default):
    s = (s or "").strip()
    return float(s) if s else default


def read(nodes_csv, links_csv):
    with open(nodes_csv, newline="", encoding="utf-8") as f:
        nodes = [(r["id"], number(r.get("dwell_hours"), 0.0)) for r in csv.DictReader(f)]
    index = {n: i for i, (n, _) in enumerate(nodes)}
    dwell = [d for _, d in nodes]
    arcs, weights = [], []
    with open(links_csv, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            a, b, h = index[r["from"]], index[r["to"]], float(r["hours"])
            arcs += [(a, b), (b, a)]
            weights += [h + dwell[b], h + dwell[a]]
    return nodes, index, dwell, arcs, weights


def igraph_routes(nodes_csv, links_csv, pairs_csv, k):
    import igraph

    t0 = time.perf_counter()
    nodes, index, dwell, arcs, weights = read(nodes_csv, links_csv)
    g = igraph.Graph(n=len(nodes), edges=arcs, directed=True)
    with open(pairs_csv, newline="") as f:
        pairs = [(r["from"], r["to"]) for r in csv.DictReader(f)]
    results = []
    for s, t in pairs:
        paths = g.get_k_shortest_paths(index[s], index[t], k=k, weights=weights, mode="out", output="epath")
        values = [sum(weights[e] for e in p) - dwell[index[t]] for p in paths]
        results.append({"from": s, "to": t, "values": values})
    return time.perf_counter() - t0, results, f"igraph {igraph.__version__}"


def rustworkx_all_pairs(nodes_csv, links_csv):
    import rustworkx as rx

    t0 = time.perf_counter()
    nodes, index, dwell, arcs, weights = read(nodes_csv, links_csv)
    g = rx.PyDiGraph(multigraph=True)
    g.add_nodes_from(range(len(nodes)))
    g.add_edges_from([(a, b, w) for (a, b), w in zip(arcs, weights)])
    lengths = rx.all_pairs_dijkstra_path_lengths(g, float)
    dt = time.perf_counter() - t0
    ids = [n for n, _ in nodes]
    results = []
    for s in range(len(nodes)):
        row = lengths[s]
        for t in range(len(nodes)):
            if t != s:
                results.append({"from": ids[s], "to": ids[t], "values": [row[t] - dwell[t]] if t in row else []})
    return dt, results, f"rustworkx {rx.__version__}"


def main():
    which, nodes_csv, links_csv, pairs_csv, k, out = sys.argv[1:7]
    t0 = time.perf_counter()
    if which == "igraph":
        dt, results, peer = igraph_routes(nodes_csv, links_csv, pairs_csv, int(k))
    else:
        dt, results, peer = rustworkx_all_pairs(nodes_csv, links_csv)
    with open(out, "w") as f:
        json.dump(
            {
                "peer": peer,
                "pairs": len(results),
                "routes": sum(len(r["values"]) for r in results),
                "k": int(k),
                "parallel_links": [],
                "seconds": dt,
                "results": results,
            },
            f,
        )
    if which == "igraph":
        print(f"{dt:.4f}")
    else:
        print(f"{dt:.4f} {time.perf_counter() - t0:.4f}")


if __name__ == "__main__":
    main()
