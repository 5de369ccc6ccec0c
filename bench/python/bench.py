"""The Python-side benchmark: the calls a notebook user makes, astana's package against the
Python peers on the same questions, in one process. Times are in-process (after imports),
the best of the repeats (the machine is shared: the minimum is the least disturbed run);
answers are compared before a ratio is printed.

usage: bench.py REFERENCE_DIR
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "negotiation"))
sys.path.insert(0, os.path.join(HERE, "..", "corridor"))

import astana  # noqa: E402
import genius  # noqa: E402  (bench/negotiation: GENIUS-semantics NegMAS setup)
import mmc_peer  # noqa: E402  (bench/corridor: the SimPy M/M/c model)
import powerindex as px  # noqa: E402
from negmas.preferences import nash_points, pareto_frontier  # noqa: E402


def timed(f, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def line(label, a, p, note):
    print(f"{label:<46} astana {a * 1e3:10.2f} ms   peer {p * 1e3:11.2f} ms   ratio {p / a:8.1f}x   {note}")


def power(ref):
    g = json.load(open(os.path.join(ref, "power", "us_electoral_college_2012.json")))
    w, q = g["rule"]["weights"], g["rule"]["quota"]
    game = {"quota": q, "players": [{"id": f"P{i}", "weight": x} for i, x in enumerate(w)]}
    for ix, calc, attr in [("banzhaf", "calc_banzhaf", "banzhaf"), ("shapley_shubik", "calc_shapley_shubik", "shapley_shubik")]:
        a, r = timed(lambda: astana.power.indices(game, index=ix), 20)

        def peer():
            pg = px.Game(q, weights=w)
            getattr(pg, calc)()
            return getattr(pg, attr)

        p, vals = timed(peer, 3)
        diff = max(abs(r["indices"][ix][f"P{i}"]["value"] - v) for i, v in enumerate(vals))
        line(f"power: US Electoral College, {ix}", a, p, f"powerindex {px.__name__}; max diff {diff:.1e}")


def negotiation(ref, name, repeats):
    rj = json.load(open(os.path.join(ref, "negotiation", "refs", f"{name}.json")))
    folder = os.path.join(ref, "negotiation", "domains", name)
    domain = os.path.join(folder, rj["files"]["domain"])
    profiles = [os.path.join(folder, p) for p in rj["files"]["profiles"]]

    def peer():
        issues, parsed = genius.read(domain, profiles)
        nissues, os_, ufuns = genius.negmas_setup(issues, parsed)
        outcomes = list(os_.enumerate())
        frontier, _ = pareto_frontier(ufuns, outcomes=outcomes)
        maxima = [u.minmax(issues=nissues)[1] for u in ufuns]
        ranges = [(u.reserved_value, m) for u, m in zip(ufuns, maxima)]
        return nash_points(ufuns, frontier, ranges=ranges)

    a, r = timed(lambda: astana.negotiation.analyze(folder), 5 * repeats)
    p, nash = timed(peer, repeats)
    diff = max(abs(x - float(y)) for x, y in zip(r["nash"]["utilities"], nash[0][0]))
    line(f"negotiation: {name} ({rj['n_outcomes']} outcomes), frontier+Nash", a, p, f"NegMAS; Nash max diff {diff:.1e}")


def queue(n):
    a, r = timed(lambda: astana.corridor.queue(3, 2.4, 1.0, customers=n, seed=1), 10)
    p, (wait, _) = timed(lambda: mmc_peer.simulate(3, 2.4, 1.0, n, 1), 1)
    e = r["erlang_c_mean_wait_hours"]
    line(
        f"queue: M/M/3 at 80%, {n:,} customers",
        a,
        p,
        f"SimPy; mean wait {r['mean_wait_hours']:.3f} vs {wait:.3f} h (Erlang C {e:.3f})",
    )


def overhead(calls):
    """Per call for a 3-player game: the whole Python call, and the engine's share of it
    (parsing, computing, the JSON document; timed in Rust), the rest being the overhead."""
    text = 'quota = 3\n[[player]]\nid = "A"\nweight = 2\n[[player]]\nid = "B"\nweight = 1\n[[player]]\nid = "C"\nweight = 1\n'
    from astana import _native

    def per(f):
        f()
        best = []
        for _ in range(50):
            t0 = time.perf_counter()
            for _ in range(calls):
                f()
            best.append((time.perf_counter() - t0) / calls)
        return min(best) * 1e6

    full = per(lambda: astana.power.indices(text, index="banzhaf"))
    native = per(lambda: _native.power("<game string>", text, index="banzhaf", exact=True))
    engine = min(_native.power_engine_seconds("<g>", text, calls, index="banzhaf", exact=True) for _ in range(50)) * 1e6
    print(
        f"per call, 3-player game, Banzhaf: {full:.1f} µs through astana.power.indices, of which "
        f"the engine (parse, compute, JSON document) {engine:.1f} µs: overhead {full - engine:.1f} µs "
        f"({native - engine:.1f} µs in the native call: arguments, GIL release, dicts; "
        f"{full - native:.1f} µs in the Python wrapper: path or text, Fractions)"
    )


def main():
    ref = sys.argv[1]
    print(f"astana {astana.__version__} (release wheel) · Python {sys.version.split()[0]}")
    overhead(200)
    power(ref)
    negotiation(ref, "Grocery", 3)
    negotiation(ref, "Camera", 3)
    queue(200_000)


if __name__ == "__main__":
    main()
