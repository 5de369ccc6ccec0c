"""NegMAS peer for bench/negotiation/run.sh, on GENIUS-semantics utility functions (genius.py).

  peer.py analyze  REF_DIR NAME REPEATS OUT.json   Pareto frontier + Nash point, median of REPEATS
  peer.py sessions REF_DIR NAME N ROUNDS OUT.json  N fresh Boulware (opens) vs Conceder SAO sessions

Prints the time in seconds on stdout; writes the answers to OUT.json. Timed inside Python after
the imports: reading the XML, building fresh NegMAS ufuns, and (analyze) enumerating the
outcomes, `pareto_frontier` and `nash_points` with ranges=[(rv_i, max_i)], i.e. the reservation
values as the disagreement point; (sessions) a fresh SAOMechanism and fresh ufuns per session,
so nothing NegMAS caches on a ufun (its inverse) carries over from one session to the next.
"""

import json
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genius  # noqa: E402

from negmas import SAOMechanism  # noqa: E402
from negmas.preferences import nash_points, pareto_frontier  # noqa: E402
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator  # noqa: E402


def paths(ref_dir, name):
    ref = json.load(open(os.path.join(ref_dir, "negotiation", "refs", f"{name}.json")))
    folder = os.path.join(ref_dir, "negotiation", "domains", name)
    return os.path.join(folder, ref["files"]["domain"]), [os.path.join(folder, p) for p in ref["files"]["profiles"]]


def analyze_once(domain, profiles):
    issues, parsed = genius.read(domain, profiles)
    nissues, os_, ufuns = genius.negmas_setup(issues, parsed)
    outcomes = list(os_.enumerate())
    frontier, indices = pareto_frontier(ufuns, outcomes=outcomes)
    maxima = [u.minmax(issues=nissues)[1] for u in ufuns]
    ranges = [(u.reserved_value, m) for u, m in zip(ufuns, maxima)]
    nash = nash_points(ufuns, frontier, ranges=ranges)
    return issues, outcomes, frontier, indices, nash


def analyze(ref_dir, name, repeats, out):
    domain, profiles = paths(ref_dir, name)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        issues, outcomes, frontier, indices, nash = analyze_once(domain, profiles)
        times.append(time.perf_counter() - t0)
    names = [n for _, n, _ in issues]
    json.dump(
        {
            "outcomes": len(outcomes),
            "pareto": [[float(x) for x in p] for p in frontier],
            "nash_rv": [
                {
                    "utilities": [float(x) for x in u],
                    "outcome": dict(zip(names, outcomes[indices[i]])),
                }
                for u, i in nash
            ],
            "times": times,
        },
        open(out, "w"),
        indent=1,
    )
    print(f"{statistics.median(times):.4f}")


def one_session(os_, ufuns, rounds):
    m = SAOMechanism(outcome_space=os_, n_steps=rounds, time_limit=math.inf)
    m.add(BoulwareTBNegotiator(name="boulware"), ufun=ufuns[0])
    m.add(ConcederTBNegotiator(name="conceder"), ufun=ufuns[1])
    s = m.run()
    return s, m


def sessions(ref_dir, name, n, rounds, out):
    domain, profiles = paths(ref_dir, name)
    results = []
    trace = None
    t0 = time.perf_counter()
    issues, parsed = genius.read(domain, profiles)
    for _ in range(n):
        _, os_, ufuns = genius.negmas_setup(issues, parsed)
        s, m = one_session(os_, ufuns, rounds)
        results.append((s.agreement, s.step, s.timedout, s.broken))
        if trace is None:
            ids = m.negotiator_ids
            trace = [
                {"round": step, "proposer_index": ids.index(who), "offer": list(offer)}
                for step, who, offer in m.extended_trace
            ]
            first_ufuns = ufuns
    elapsed = time.perf_counter() - t0
    names = [nm for _, nm, _ in issues]
    agreement, step, timedout, broken = results[0]
    json.dump(
        {
            "sessions": n,
            "all_identical": all(r == results[0] for r in results),
            "agreement": dict(zip(names, agreement)) if agreement is not None else None,
            "utilities": [float(u(agreement)) for u in first_ufuns] if agreement is not None else None,
            # SAO's step counter is 1 past the round in which the agreement was reached
            "round": step - 1 if agreement is not None else None,
            "final_step": step,
            "timedout": timedout,
            "broken": broken,
            "trace": trace,
            "seconds": elapsed,
        },
        open(out, "w"),
        indent=1,
    )
    print(f"{elapsed:.4f}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "analyze":
        analyze(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif mode == "sessions":
        sessions(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(f"unknown mode {mode}")
