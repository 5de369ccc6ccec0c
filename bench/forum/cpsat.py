"""CP-SAT model of the forum problem (issue 6), the peer of `astana forum schedule`.

    cpsat.py FOREST_DIR [--seconds 60] [--workers 2] [--out result.json]

Model, as issue 6 point 7 describes it:
  * one boolean x[r, t] per request r and feasible start slot t (the request's L consecutive
    slots lie within one day and every participant is available throughout; a request with no
    bilateral room large enough has no variable), at most one start per request;
  * one boolean y[p, t] per panel and feasible start (speakers available throughout, some hall
    with capacity >= audience), at most one start per panel;
  * no participant in two things at once: for every participant and slot, at most one of the
    variables covering that slot that involve the participant;
  * rooms as per-slot capacity-class counts: for every slot u and every threshold k among the
    request sizes, #requests of size >= k running at u <= #bilateral rooms with capacity >= k;
    the same for panels over halls with the audience as size. For single-slot items this is
    exactly Hall's condition for nested room classes, so rooms can be assigned slot by slot;
    for multi-slot items (one room throughout) it is a relaxation, so after solving the rooms
    are assigned explicitly (greedy, then an exact per-day CP-SAT assignment if greedy fails)
    and the result says whether CP-SAT's schedule is room-feasible as it stands;
  * objective: maximise 10^6 * #panels placed + sum over scheduled requests of (6 - priority).

A second, small CP-SAT model over panels alone gives the largest number of panels that can be
placed together (proven optimal in well under a second here); the bilateral bound reported is
CP-SAT's best bound minus 10^6 times that number, valid for the bilateral value of any schedule
that places the most panels.
"""
import argparse
import json
import sys
import time
from collections import defaultdict

from ortools.sat.python import cp_model

import forum_io

PANEL_WEIGHT = 10**6


def _params(solver, seconds, workers):
    solver.parameters.max_time_in_seconds = float(seconds)
    try:
        solver.parameters.num_search_workers = workers
    except (AttributeError, ValueError):
        solver.parameters.num_workers = workers
    solver.parameters.log_search_progress = False


def status_word(st):
    return {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE"}.get(st, "none")


def panel_starts(forum):
    halls = forum.halls()
    out = []
    for p in forum.panels:
        ok = any(h.capacity >= p.audience for h in halls)
        out.append(forum.starts(p.speakers, p.slots) if ok else [])
    return out


def request_starts(forum):
    caps = [r.capacity for r in forum.bilateral_rooms()]
    big = max(caps, default=0)
    return [forum.starts(r.participants, r.slots) if r.size <= big else [] for r in forum.requests]


def add_room_counts(model, items, room_caps, T):
    """items: (size, length, start, var). For each slot and size threshold k:
    #items with size >= k covering the slot <= #rooms with capacity >= k."""
    thresholds = sorted({s for s, _, _, _ in items})
    rooms_at_least = {k: sum(1 for c in room_caps if c >= k) for k in thresholds}
    cover = defaultdict(list)  # (slot, size) -> vars
    for size, length, t, v in items:
        for u in range(t, t + length):
            cover[(u, size)].append(v)
    n = 0
    for u in range(T):
        acc = []
        for k in reversed(thresholds):  # acc = vars of items of size >= k at slot u
            acc = acc + cover.get((u, k), [])
            if len(acc) > rooms_at_least[k]:
                model.add(cp_model.LinearExpr.sum(acc) <= rooms_at_least[k])
                n += 1
    return n


def max_panels(forum, seconds, workers):
    """Largest number of panels placeable together (speakers free, halls by count)."""
    t0 = time.perf_counter()
    m = cp_model.CpModel()
    starts = panel_starts(forum)
    busy = defaultdict(list)
    items, ys = [], []
    for p, ss in zip(forum.panels, starts):
        vs = []
        for t in ss:
            v = m.new_bool_var("")
            vs.append(v)
            items.append((p.audience, p.slots, t, v))
            for s in p.speakers:
                for u in range(t, t + p.slots):
                    busy[(s, u)].append(v)
        if len(vs) > 1:
            m.add_at_most_one(vs)
        ys.extend(vs)
    for vs in busy.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
    add_room_counts(m, items, [h.capacity for h in forum.halls()], forum.T)
    m.maximize(cp_model.LinearExpr.sum(ys))
    solver = cp_model.CpSolver()
    _params(solver, seconds, workers)
    st = solver.solve(m)
    return {
        "individually_placeable": sum(1 for s in starts if s),
        "max_together": int(round(solver.objective_value)) if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None,
        "max_together_bound": int(solver.best_objective_bound + 1e-6),
        "status": status_word(st),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def assign_rooms(forum, chosen, rooms, seconds=20):
    """chosen: list of (key, size, start, length, weight). Assigns one room with capacity >= size
    to each item for its whole interval, no room double-booked. Greedy by start then size; if it
    leaves items out, an exact CP-SAT per day maximising the weight kept. Returns
    ({key: room_id}, unassigned keys, method)."""
    S = forum.S
    order = sorted(chosen, key=lambda c: (c[2], -c[1], -c[4]))
    rooms_sorted = sorted(rooms, key=lambda r: r.capacity)
    free_from = {r.id: 0 for r in rooms}  # first free slot (items sorted by start)
    out, left = {}, []
    for key, size, t, L, w in order:
        for r in rooms_sorted:
            if r.capacity >= size and free_from[r.id] <= t:
                out[key] = r.id
                free_from[r.id] = t + L
                break
        else:
            left.append(key)
    if not left:
        return out, [], "greedy"
    # exact per day
    out, left = {}, []
    by_day = defaultdict(list)
    for c in chosen:
        by_day[c[2] // S].append(c)
    for d, items in by_day.items():
        m = cp_model.CpModel()
        z = {}
        at = defaultdict(list)
        for key, size, t, L, w in items:
            vs = []
            for r in rooms:
                if r.capacity >= size:
                    v = m.new_bool_var("")
                    z[(key, r.id)] = (v, w)
                    vs.append(v)
                    for u in range(t, t + L):
                        at[(r.id, u)].append(v)
            if vs:
                m.add_at_most_one(vs)
        for vs in at.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)
        m.maximize(cp_model.LinearExpr.weighted_sum([v for v, _ in z.values()], [w for _, w in z.values()]))
        solver = cp_model.CpSolver()
        _params(solver, seconds, 2)
        solver.solve(m)
        for (key, rid), (v, _) in z.items():
            if solver.boolean_value(v):
                out[key] = rid
        left.extend(c[0] for c in items if c[0] not in out)
    return out, left, "exact"


def solve(forum, seconds, workers):
    t_build = time.perf_counter()
    m = cp_model.CpModel()
    busy = defaultdict(list)  # (participant, slot) -> vars
    rvars = []  # (request index, start, var)
    pvars = []
    items_r, items_p = [], []
    for i, (r, ss) in enumerate(zip(forum.requests, request_starts(forum))):
        vs = []
        for t in ss:
            v = m.new_bool_var("")
            vs.append(v)
            rvars.append((i, t, v))
            items_r.append((r.size, r.slots, t, v))
            for p in r.participants:
                for u in range(t, t + r.slots):
                    busy[(p, u)].append(v)
        if len(vs) > 1:
            m.add_at_most_one(vs)
    for i, (p, ss) in enumerate(zip(forum.panels, panel_starts(forum))):
        vs = []
        for t in ss:
            v = m.new_bool_var("")
            vs.append(v)
            pvars.append((i, t, v))
            items_p.append((p.audience, p.slots, t, v))
            for s in p.speakers:
                for u in range(t, t + p.slots):
                    busy[(s, u)].append(v)
        if len(vs) > 1:
            m.add_at_most_one(vs)
    n_busy = 0
    for vs in busy.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
            n_busy += 1
    n_rooms = add_room_counts(m, items_r, [r.capacity for r in forum.bilateral_rooms()], forum.T)
    n_rooms += add_room_counts(m, items_p, [h.capacity for h in forum.halls()], forum.T)
    m.maximize(cp_model.LinearExpr.weighted_sum(
        [v for _, _, v in rvars] + [v for _, _, v in pvars],
        [forum.requests[i].weight for i, _, _ in rvars] + [PANEL_WEIGHT] * len(pvars)))
    build = time.perf_counter() - t_build

    solver = cp_model.CpSolver()
    _params(solver, seconds, workers)
    t0 = time.perf_counter()
    st = solver.solve(m)
    wall = time.perf_counter() - t0
    res = {
        "status": status_word(st),
        "variables": len(rvars) + len(pvars),
        "participant_constraints": n_busy,
        "room_count_constraints": n_rooms,
        "build_seconds": round(build, 3),
        "solve_seconds": round(wall, 3),
        "solver_wall_time": round(solver.wall_time, 3),
        "best_bound_combined": solver.best_objective_bound,
    }
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        res.update(objective=None, panels_placed=None, scheduled=None, schedule=None)
        return res
    sched_r = [(i, t) for i, t, v in rvars if solver.boolean_value(v)]
    sched_p = [(i, t) for i, t, v in pvars if solver.boolean_value(v)]
    obj = sum(forum.requests[i].weight for i, _ in sched_r)
    res.update(objective=obj, panels_placed=len(sched_p), scheduled=len(sched_r),
               objective_combined=solver.objective_value)
    # explicit rooms
    ra, rleft, rmeth = assign_rooms(forum, [(i, forum.requests[i].size, t, forum.requests[i].slots, forum.requests[i].weight)
                                            for i, t in sched_r], forum.bilateral_rooms())
    pa, pleft, pmeth = assign_rooms(forum, [(i, forum.panels[i].audience, t, forum.panels[i].slots, PANEL_WEIGHT)
                                            for i, t in sched_p], forum.halls())
    res["room_assignment"] = {"method_requests": rmeth, "method_panels": pmeth,
                              "requests_without_room": len(rleft), "panels_without_room": len(pleft),
                              "objective_with_rooms": obj - sum(forum.requests[i].weight for i in rleft)}
    S = forum.S
    res["schedule"] = {
        "objective": res["room_assignment"]["objective_with_rooms"],
        "scheduled": len(ra),
        "requests": len(forum.requests),
        "panels_placed": len(pa),
        "assignments": [{"request": forum.requests[i].id, "day": t // S, "slot": t % S, "room": ra[i]}
                        for i, t in sched_r if i in ra],
        "panel_assignments": [{"panel": forum.panels[i].id, "day": t // S, "slot": t % S, "room": pa[i]}
                              for i, t in sched_p if i in pa],
    }
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", help="write the result (with CP-SAT's schedule, rooms assigned) as JSON")
    a = ap.parse_args()
    t0 = time.perf_counter()
    forum = forum_io.load(a.dir)
    load_s = time.perf_counter() - t0
    pm = max_panels(forum, a.seconds, a.workers)
    res = solve(forum, a.seconds, a.workers)
    res["load_seconds"] = round(load_s, 3)
    res["panels"] = pm
    # bilateral bound: combined bound minus the panel weight of the most panels placeable
    # together (valid for any schedule that places that many; needs the panel count proven)
    pstar = pm["max_together"] or 0  # a feasible count: the bound stays valid even unproven
    trivial = sum(r.weight for r, ss in zip(forum.requests, request_starts(forum)) if ss)
    own = int(res["best_bound_combined"] + 1e-6) - PANEL_WEIGHT * pstar
    if res["status"] == "none" and res["best_bound_combined"] <= 0:
        own = None  # the search never started: no bound from CP-SAT
    res["bound"] = trivial if own is None else min(own, trivial)
    res["bound_source"] = "CP-SAT" if own is not None and own <= trivial else "trivial (sum of weights of requests with a feasible start)"
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f)
    obj = res["objective"]
    ra = res.get("room_assignment") or {}
    print(f"CP-SAT {res['status']}: bilateral objective {obj}, bound {res['bound']}, panels {res['panels_placed']}"
          f" (most placeable together {pm['max_together']} {pm['status']}, individually {pm['individually_placeable']}),"
          f" {res['variables']} booleans, build {res['build_seconds']} s, solve {res['solve_seconds']} s"
          + (f", rooms assigned ({ra.get('method_requests')}): {ra.get('requests_without_room')} requests without a room"
             if ra else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
