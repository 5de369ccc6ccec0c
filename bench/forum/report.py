"""Prints one instance's comparison for run.sh.

    report.py small|forum LABEL FORUM_DIR ASTANA.json ASTANA_TIME CPSAT.json [GREEDY.json]

ASTANA_TIME holds `/usr/bin/time -f "%e %M"` output (seconds, peak KB). Every schedule
(astana's, CP-SAT's with its rooms assigned, the greedy's) is checked with check.py's
independent verifier, and objectives are recomputed from the assignments.
"""
import json
import sys

import check
import forum_io


def pct(a, b):
    return f"{100.0 * a / b:.2f}%" if (a is not None and b) else "n/a"


def main():
    kind, label, folder, astana_json, astana_time, cpsat_json = sys.argv[1:7]
    greedy_json = sys.argv[7] if len(sys.argv) > 7 else None
    forum = forum_io.load(folder)
    nb, nh = len(forum.bilateral_rooms()), len(forum.halls())
    print(f"{label}: {len(forum.pids)} participants, {len(forum.requests)} requests, {len(forum.panels)} panels, "
          f"{forum.D} days x {forum.S} slots, {nb} bilateral rooms + {nh} halls")

    cs = json.load(open(cpsat_json))
    pm = cs["panels"]
    pstar = pm["max_together"]
    print(f"  panels: {pm['individually_placeable']} placeable one by one, at most {pstar} together "
          f"(CP-SAT on panels alone, {pm['status']}, {pm['seconds']} s)")

    # CP-SAT
    cobj = cs["objective"]
    cv = None
    if cs.get("schedule"):
        cv = check.verify(forum, cs["schedule"])
    ra = cs.get("room_assignment") or {}
    rooms_note = ""
    if ra:
        if ra["requests_without_room"] or ra["panels_without_room"]:
            rooms_note = (f"; per-slot room counts not realisable for {ra['requests_without_room']} requests / "
                          f"{ra['panels_without_room']} panels (objective with rooms {ra['objective_with_rooms']})")
        else:
            rooms_note = f"; rooms assigned to all ({ra['method_requests']})"
    print(f"  CP-SAT  {cs['status']:<8} objective {cobj if cobj is not None else '-':>6}  bound {cs['bound']:>6}  "
          f"{'' if cs.get('bound_source', 'CP-SAT') == 'CP-SAT' else '(trivial) '}"
          f"panels {cs['panels_placed'] if cs['panels_placed'] is not None else '-'}  "
          f"{cs['variables']} booleans, build {cs['build_seconds']:.1f} s + solve {cs['solve_seconds']:.1f} s"
          f"{rooms_note}; check: {check.summary(cv) if cv else 'no schedule'}")

    # astana
    try:
        a = json.load(open(astana_json))
    except Exception as e:  # noqa: BLE001
        print(f"  astana  no JSON schedule ({e})")
        return
    secs, kb = open(astana_time).read().split()[-2:]
    secs, mb = float(secs), int(kb) / 1024
    av = check.verify(forum, a)
    aobj = av["objective"]
    ub = a.get("upper_bound")
    print(f"  astana  objective {aobj:>6} (reported {a.get('objective')})  upper bound {ub}  gap {a.get('gap')} "
          f"(recomputed {av['gap_recomputed'] * 100 if av['gap_recomputed'] is not None else float('nan'):.2f}%)  "
          f"panels {av['panels_placed']}  scheduled {av['scheduled']}/{len(forum.requests)}  "
          f"{secs:.2f} s  {mb:.0f} MB; check: {check.summary(av)}")
    print(f"  astana  search stopped_by {a.get('stopped_by')!r} after {a.get('work')} insertion attempts "
          f"(reproducible: {a.get('reproducible')})")

    gobj = None
    if greedy_json:
        g = json.load(open(greedy_json))
        gv = check.verify(forum, g)
        gobj = gv["objective"]
        print(f"  greedy  objective {gobj:>6}  panels {gv['panels_placed']}  {g['seconds']:.2f} s (Python); "
              f"check: {check.summary(gv)}")

    # comparisons
    cfeas = cs.get("schedule") and cv and cv["feasible"] and not (ra.get("requests_without_room") or ra.get("panels_without_room"))
    if cobj == 0:
        print(f"  CP-SAT found only the empty schedule in its time limit; astana / CP-SAT bound {pct(aobj, cs['bound'])}"
              + (f", greedy / CP-SAT bound {pct(gobj, cs['bound'])}" if gobj is not None else ""))
    elif cobj is not None:
        line = f"  astana / CP-SAT objective {pct(aobj, cobj)}, astana / CP-SAT bound {pct(aobj, cs['bound'])}"
        if gobj is not None:
            line += f"; greedy / CP-SAT objective {pct(gobj, cobj)}, greedy / CP-SAT bound {pct(gobj, cs['bound'])}"
        print(line)
    else:
        print(f"  CP-SAT found no schedule in its time limit; astana / CP-SAT bound {pct(aobj, cs['bound'])}")
    # astana's bound against what is known to be feasible with the most panels placed
    ub_valid = True
    if ub is not None:
        known = []
        if cfeas and cs["panels_placed"] == pstar and cobj is not None:
            known.append(("CP-SAT", ra.get("objective_with_rooms", cobj)))
        if cs["status"] == "OPTIMAL" and cfeas and cs["panels_placed"] == pstar:
            known.append(("CP-SAT optimum", cobj))
        if greedy_json and gv["feasible"] and gv["panels_placed"] == pstar:
            known.append(("greedy", gobj))
        bad = [(n, v) for n, v in known if v > float(ub) + 1e-6]
        if bad:
            ub_valid = False
            print(f"  astana's upper bound {ub} is INVALID: below the feasible {bad[0][0]} schedule's {bad[0][1]} "
                  f"(with {pstar} panels)")
        elif known:
            print(f"  astana's upper bound {ub} >= every feasible schedule seen with {pstar} panels "
                  f"({', '.join(f'{n} {v}' for n, v in known)}); CP-SAT's bound {cs['bound']}")
    # targets
    all_panels = av["panels_placed"] == pstar
    if kind == "small":
        ref = cobj
        ok = av["feasible"] and bool(ref) and aobj >= 0.995 * ref and secs <= 2.0 and all_panels
        what = "CP-SAT's optimum" if cs["status"] == "OPTIMAL" else f"CP-SAT's best ({cs['status']}, not proven)"
        if not ref:
            what += " (no non-empty CP-SAT schedule to compare with)"
        print(f"  target: >= 99.5% of {what} in <= 2 s: {'MET' if ok else 'NOT MET'} "
              f"({pct(aobj, ref)} in {secs:.2f} s, feasible {av['feasible']}, panels {av['panels_placed']}/{pstar})")
    else:
        g = av["gap_recomputed"]
        ok = av["feasible"] and all_panels and g is not None and g <= 0.03 and secs <= 6.0 and mb < 500 and ub_valid
        print(f"  target: feasible, every placeable panel placed, gap <= 3% in <= 6 s, < 500 MB: "
              f"{'MET' if ok else 'NOT MET'} (feasible {av['feasible']}, panels {av['panels_placed']}/{pstar}, "
              f"gap {g * 100 if g is not None else float('nan'):.2f}%{'' if ub_valid else ' to an invalid bound'}, "
              f"{secs:.2f} s, {mb:.0f} MB{'; ' + '; '.join(av['notes']) if av['notes'] else ''})")


if __name__ == "__main__":
    main()
