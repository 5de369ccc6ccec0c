"""Compare astana's JSON, the NegMAS peer's JSON and the reference JSON; print one verdict line.

  check.py analyze  REF.json PEER.json ASTANA.json|-
  check.py sessions REF.json PEER.json ASTANA.json|- [ASTANA_TRACE.json]

A `-` for astana checks only the peer against the reference. Exit status 0 when everything
compared agrees, 1 otherwise.

Frontier sizes: NegMAS compares utilities as computed in floating point, so two outcomes whose
exact utilities tie in one coordinate can both survive when the sums land an ulp apart (Energy:
210 points, 6 of them dominated in exact arithmetic). astana compares utilities on a 1e-12 grid
and keeps the exact frontier (Energy: 204, the references' `pareto_size_independent_rounded_1e-9`).
astana's frontier is accepted when its size is the references' exact or rounded count, every
astana point is a NegMAS frontier point (within 1e-9), and every NegMAS point astana lacks is
dominated by an astana point once utilities within 1e-9 count as equal; the line says which.
"""

import json
import sys

TOL = 1e-9


def load(path):
    return None if path == "-" else json.load(open(path))


def maxdiff(a, b):
    return max(abs(x - y) for x, y in zip(a, b)) if len(a) == len(b) else float("inf")


def frontier_distance(a, b):
    """Largest distance from a point of a to its nearest point of b (max-norm)."""
    return max(min(maxdiff(p, q) for q in b) for p in a) if a and b else float("inf")


def dominated_within(q, p, tol=TOL):
    """p dominates q when utilities closer than tol count as equal."""
    return all(a >= b - tol for a, b in zip(p, q)) and any(a > b + tol for a, b in zip(p, q))


def labels(outcome, issues):
    """An outcome as a list of labels in domain order, from a dict (name -> label) or a list."""
    if outcome is None:
        return None
    if isinstance(outcome, dict):
        return [outcome.get(i["name"]) for i in issues]
    return list(outcome)


def first(x):
    """astana's `nash` is an object; accept a list of tied points too (the first is compared)."""
    return x[0] if isinstance(x, list) else x


def analyze(ref, peer, ast):
    problems, notes = [], []
    nref = ref["pareto_size"]
    npeer = len(peer["pareto"])
    if npeer != nref:
        problems.append(f"negmas frontier {npeer} != ref {nref}")
    rv = ref["nash_rv"]["points"][0]
    dpr = maxdiff(peer["nash_rv"][0]["utilities"], rv["utilities"])
    if dpr > TOL:
        problems.append(f"negmas Nash {peer['nash_rv'][0]['utilities']} != ref nash_rv {rv['utilities']}")
    dfp = frontier_distance(peer["pareto"], ref["pareto"])
    if dfp > TOL:
        problems.append(f"negmas frontier differs from ref by {dfp:.1e}")
    if ast is None:
        notes.append(f"negmas vs ref: frontier {npeer}/{nref}, Nash(rv) diff {dpr:.1e}")
    else:
        nast = len(ast["pareto"])
        nround = ref.get("pareto_size_independent_rounded_1e-9", nref)
        if ast.get("outcomes") != ref["n_outcomes"]:
            problems.append(f"astana outcomes {ast.get('outcomes')} != ref {ref['n_outcomes']}")
        if nast not in (nref, nround):
            problems.append(f"astana frontier {nast} != ref {nref} (exact float) or {nround} (rounded to 1e-9)")
        extra = [p for p in ast["pareto"] if min(maxdiff(p, q) for q in peer["pareto"]) > TOL]
        if extra:
            problems.append(f"{len(extra)} astana frontier points are not on negmas's frontier, e.g. {extra[0]}")
        missing = [q for q in peer["pareto"] if min(maxdiff(p, q) for p in ast["pareto"]) > TOL]
        real = [q for q in missing if not any(dominated_within(q, p) for p in ast["pareto"])]
        if real:
            problems.append(f"{len(real)} negmas frontier points are missing from astana's, e.g. {real[0]}")
        nash = first(ast["nash"])
        dar = maxdiff(nash["utilities"], rv["utilities"])
        dap = maxdiff(nash["utilities"], peer["nash_rv"][0]["utilities"])
        if dar > TOL or dap > TOL:
            problems.append(f"astana Nash {nash['utilities']} != ref nash_rv {rv['utilities']} / negmas")
        same_outcome = labels(nash.get("outcome"), ref["issues"]) == rv["outcome"]
        if nast == npeer:
            size = f"frontier {nast} points, same as negmas and ref"
        else:
            size = (
                f"frontier astana {nast} / negmas {npeer} / ref {nref} (rounded {nround}): the other "
                f"{npeer - nast} negmas points are each dominated once utilities within 1e-9 tie"
            )
        notes.append(
            f"{size}; Nash(rv) utilities within {max(dar, dap):.0e} of negmas and ref, "
            f"outcome {'same as' if same_outcome else 'differs from'} ref"
        )
    return problems, notes


def sessions(ref, peer, ast, ast_trace=None):
    problems, notes = [], []
    rec = next(n for n in ref["negotiations"] if n["agents"] == ["Boulware", "Conceder"])
    issues = ref["issues"]
    if not peer["all_identical"]:
        problems.append("negmas sessions differ from each other")
    pa = labels(peer["agreement"], issues)
    if pa != rec["agreement"] or peer["round"] != rec["agreement_round_0based"]:
        problems.append(f"negmas agreement {pa} round {peer['round']} != ref {rec['agreement']} round {rec['agreement_round_0based']}")
    if "trace" in rec:
        rt = [(t["round"], t["proposer_index"], t["offer"]) for t in rec["trace"]]
        pt = [(t["round"], t["proposer_index"], t["offer"]) for t in peer["trace"]]
        if rt != pt:
            problems.append("negmas offer trace differs from the ref's")
    if ast is None:
        notes.append(f"negmas vs ref: agreement in round {peer['round']}, utilities {fmt(peer['utilities'])}")
    else:
        aa = labels(ast.get("agreement"), issues)
        if aa != rec["agreement"]:
            problems.append(f"astana agreement {aa} != ref {rec['agreement']}")
        if ast.get("round") != rec["agreement_round_0based"]:
            problems.append(f"astana round {ast.get('round')} != ref {rec['agreement_round_0based']}")
        du = maxdiff(ast.get("utilities") or [], rec["utilities"]) if aa is not None else 0.0
        if du > TOL:
            problems.append(f"astana utilities {ast.get('utilities')} != ref {rec['utilities']}")
        trace = ""
        if ast_trace is not None and "trace" in rec:
            at = [(t["round"], t["proposer"], labels(t["offer"], issues)) for t in ast_trace["trace"]]
            rt = [(t["round"], t["proposer_index"], t["offer"]) for t in rec["trace"]]
            if at != rt:
                problems.append("astana offer trace differs from the ref's")
            trace = f", all {len(at)} offers as in negmas and ref"
        notes.append(
            f"agreement in round {ast.get('round')} (0-based){trace}, utilities {fmt(ast.get('utilities'))}: "
            f"{'same as' if aa == pa == rec['agreement'] else 'NOT same as'} negmas and ref"
        )
    return problems, notes


def fmt(us):
    return "none" if us is None else "[" + ", ".join(f"{u:.6f}" for u in us) + "]"


if __name__ == "__main__":
    mode, ref, peer, ast = sys.argv[1], load(sys.argv[2]), load(sys.argv[3]), load(sys.argv[4])
    if mode == "analyze":
        problems, notes = analyze(ref, peer, ast)
    else:
        problems, notes = sessions(ref, peer, ast, load(sys.argv[5]) if len(sys.argv) > 5 else None)
    if problems:
        print("DISAGREE: " + "; ".join(problems))
        sys.exit(1)
    print("agree: " + "; ".join(notes))
