#!/usr/bin/env bash
# Corridor benchmark: astana's `corridor` engine against PyPI peers on the same inputs, in one
# run:
#   (a) one M/M/c station, c = 2, arrivals 1.6/h, services 1.0/h (utilisation 0.8),
#       exponential inter-arrivals and services, FCFS, 10^6 customers: astana `corridor queue`
#       against a standard SimPy model (simpy.Resource(capacity=2), a generator creating the
#       customers); both mean waits in queue are checked against Erlang C (computed in Python
#       too: Wq = C(c, a) / (c mu - lambda)) within 5% (the statistical error at 10^6 customers
#       is 1-3%). Both skip the first 1% of the customers as warm-up.
#   (b) k = 5 loopless shortest routes by time for every ordered pair of distinct nodes of the
#       default network (data/scenarios/kazakhstan/corridor): astana `corridor routes
#       --all-pairs` against networkx `shortest_simple_paths` (routes_peer.py says how the
#       DiGraph carries the dwell at intermediate nodes); the sorted hour lists of every pair
#       must agree within 1e-6.
#   (c) k = 5 routes by time at scale: synthetic road/rail-like networks of 10,000 and 100,000
#       nodes (synth.py, seed 1, written as a minimal scenario folder) between a seeded sample
#       of far-apart origin-destination pairs (3 at 10k, 1 at 100k: igraph takes minutes per
#       pair there): astana, one `--scenario DIR corridor routes --from A --to B --k 5` per
#       pair (each loading the network), against python-igraph `Graph.get_k_shortest_paths`
#       (Yen in C), timed from reading the CSV files; route hours must agree within 1e-6.
#   (d) the shortest route between every ordered pair (k = 1) of synthetic networks of 300
#       and 1,000 nodes: astana `corridor routes --all-pairs --k 1` against rustworkx
#       `all_pairs_dijkstra_path_lengths`, twice: timed from reading the CSV files to the
#       answer in memory (astana without --json: it prints a count; rustworkx's timing stops
#       before Python sees any value), and to the answer written as JSON (astana --json to a
#       file; rustworkx's result read into Python and dumped in astana's layout); all values
#       must agree within 1e-6.
# astana is timed end to end (process start, scenario parsing, computation, output), median
# of 3 runs; the peers inside Python after their imports, one run each.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=bench/.venv
NET=data/scenarios/kazakhstan/corridor
CUSTOMERS=1000000
K=5
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q --disable-pip-version-check simpy==4.1.2 networkx==3.6.1 igraph==1.0.0 rustworkx==0.18.1
PY="$VENV/bin/python"
cargo build -q --release -p astana-cli
ASTANA=target/release/astana

now() { date +%s.%N; }
median3() { # out.json astana-args... : run 3 times end to end, keep the last JSON, print the median
  local out=$1 t0 t1 ts=()
  shift
  for _ in 1 2 3; do
    t0=$(now)
    "$ASTANA" "$@" > "$out" || return 1
    t1=$(now)
    ts+=("$(python3 -c "print($t1 - $t0)")")
  done
  python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.4f}')" "${ts[@]}"
}
line() { # label astana-seconds peer peer-seconds target verdict
  printf '%-44s astana %8.3f s   %-8s %8.3f s   ratio %7.1fx (target >= %sx)   %s\n' \
    "$1" "$2" "$3" "$4" "$(python3 -c "print($4 / $2)")" "$5" "$6"
}

echo "simpy $($PY -c 'import importlib.metadata as m; print(m.version("simpy"))'), networkx $($PY -c 'import networkx; print(networkx.__version__)'), igraph $($PY -c 'import igraph; print(igraph.__version__)'), rustworkx $($PY -c 'import rustworkx; print(rustworkx.__version__)'), Python $($PY -c 'import platform; print(platform.python_version())'); $("$ASTANA" --version) at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates data 2>/dev/null || echo ' + uncommitted changes')"

# (a) M/M/2 at utilisation 0.8, 10^6 customers
a=$(median3 "$WORK/astana_queue.json" corridor queue --servers 2 --arrival-rate 1.6 --service-rate 1 \
  --customers "$CUSTOMERS" --seed 1 --json)
p=$($PY bench/corridor/mmc_peer.py 2 1.6 1 "$CUSTOMERS" 1 "$WORK/peer_queue.json")
verdict=$(python3 bench/corridor/check.py queue "$WORK/astana_queue.json" "$WORK/peer_queue.json" || true)
line "M/M/2, rho 0.8, 10^6 customers" "$a" simpy "$p" 100 "$(head -1 <<< "$verdict")"
tail -n +2 <<< "$verdict"

# (b) k = 5 routes by time, all ordered pairs
if ! "$ASTANA" scenario check > "$WORK/check.txt" 2>&1; then
  echo "k = $K routes, all pairs: skipped, the default scenario does not check: $(tail -1 "$WORK/check.txt")"
  exit 1
fi
a=$(median3 "$WORK/astana_routes.json" corridor routes --all-pairs --k "$K" --by time --json)
p=$($PY bench/corridor/routes_peer.py "$NET/nodes.csv" "$NET/links.csv" "$K" "$WORK/peer_routes.json")
verdict=$(python3 bench/corridor/check.py routes "$WORK/astana_routes.json" "$WORK/peer_routes.json" 1e-6 || true)
pairs=$(python3 -c "import json; print(json.load(open('$WORK/astana_routes.json'))['pairs'])")
line "k = $K routes by time, all $pairs ordered pairs" "$a" networkx "$p" 50 "$(head -1 <<< "$verdict")"
tail -n +2 <<< "$verdict"

# (c) k = 5 routes at 10k and 100k nodes against igraph
for spec in "10000 3 5" "100000 1 2"; do
  read -r n npairs target <<< "$spec"
  dir="$WORK/synth$n"
  python3 bench/corridor/synth.py "$n" 1 "$dir" "$npairs" 2> "$WORK/synth.txt"
  total=0
  while IFS=, read -r from to; do
    t=$(median3 "$WORK/one.json" --scenario "$dir" corridor routes --from "$from" --to "$to" --k "$K" --by time --json)
    total=$(python3 -c "print($total + $t)")
    python3 -c "
import json, sys
d = json.load(open('$WORK/one.json'))
print(json.dumps({'from': d['from'], 'to': d['to'], 'values': [r['days'] * 24 for r in d['routes']]}))" >> "$WORK/rows$n"
  done < <(tail -n +2 "$dir/pairs.csv")
  python3 -c "
import json
rows = [json.loads(l) for l in open('$WORK/rows$n')]
json.dump({'pairs': len(rows), 'routes': sum(len(r['values']) for r in rows), 'results': rows}, open('$WORK/astana_scale$n.json', 'w'))"
  p=$($PY bench/corridor/scale_peer.py igraph "$dir/corridor/nodes.csv" "$dir/corridor/links.csv" "$dir/pairs.csv" "$K" "$WORK/peer_scale$n.json")
  verdict=$(python3 bench/corridor/check.py routes "$WORK/astana_scale$n.json" "$WORK/peer_scale$n.json" 1e-6 || true)
  line "k = $K, $npairs pairs, $(cat "$WORK/synth.txt")" "$total" igraph "$p" "$target" "$(head -1 <<< "$verdict")"
  tail -n +2 <<< "$verdict"
done

# (d) all-pairs k = 1 against rustworkx
for n in 300 1000; do
  dir="$WORK/synth$n"
  python3 bench/corridor/synth.py "$n" 1 "$dir" 2> "$WORK/synth.txt"
  a=$(median3 "$WORK/count.txt" --scenario "$dir" corridor routes --all-pairs --k 1 --by time)
  aj=$(median3 "$WORK/astana_ap$n.json" --scenario "$dir" corridor routes --all-pairs --k 1 --by time --json)
  read -r p pj < <($PY bench/corridor/scale_peer.py rustworkx "$dir/corridor/nodes.csv" "$dir/corridor/links.csv" - 1 "$WORK/peer_ap$n.json")
  verdict=$(python3 bench/corridor/check.py routes "$WORK/astana_ap$n.json" "$WORK/peer_ap$n.json" 1e-6 || true)
  line "all pairs k = 1, $(cat "$WORK/synth.txt")" "$a" rustworkx "$p" 1 "$(head -1 <<< "$verdict")"
  line "  the same, answer written as JSON" "$aj" rustworkx "$pj" 1 "$(head -1 <<< "$verdict")"
  tail -n +2 <<< "$verdict"
done
