"""Independent check of a forum schedule in astana's `--json` shape against a forum folder.

    check.py FORUM_DIR SCHEDULE.json [--out verdict.json]

Checks every hard constraint of issue 6 (none of astana's code is used): known and distinct
requests and panels; day and slot in range; the item's consecutive slots within one day; the
room exists, has the right kind (bilateral for requests, hall for panels) and the capacity
(participants for a request, audience for a panel); every participant and speaker available
throughout; no participant in two things at once; no room holding two things at once. It
recomputes the objective as the sum of (6 - priority) over the scheduled requests and checks
the JSON's own counts (objective, scheduled, requests, panels_placed, unscheduled, gap).
Prints one line (`feasible` or the violations by constraint, with examples) and exits 0.
"""
import argparse
import json
import sys
from collections import defaultdict

import forum_io


def verify(forum, sched):
    S, D = forum.S, forum.D
    rooms = {r.id: r for r in forum.rooms}
    rq = {r.id: r for r in forum.requests}
    pn = {p.id: p for p in forum.panels}
    viol = defaultdict(list)
    person_at = defaultdict(list)  # (participant index, slot) -> item labels
    room_at = defaultdict(list)  # (room id, slot) -> item labels
    seen_r, seen_p = set(), set()
    objective = 0
    scheduled = 0

    def place(kind, label, people, length, size, want_kind, a):
        d, s = forum_io.day_slot_index(forum, a.get("day"), a.get("slot"))
        if d is None or s is None or not (0 <= d < D) or not (0 <= s < S):
            viol["day/slot out of range"].append(f"{label} at day {a.get('day')} slot {a.get('slot')}")
            return False
        if s + length > S:
            viol["consecutive slots within one day"].append(f"{label} ({length} slots) starts at day {d} slot {s} of {S}")
        t = d * S + s
        room = rooms.get(str(a.get("room")))
        if room is None:
            viol["unknown room"].append(f"{label} in room {a.get('room')}")
        else:
            if room.kind != want_kind:
                viol[f"room kind ({kind} needs a {want_kind})"].append(f"{label} in {room.id} ({room.kind})")
            if room.capacity < size:
                viol["room capacity"].append(f"{label} needs {size} seats, {room.id} has {room.capacity}")
        for u in range(t, min(t + length, (d + 1) * S)):
            if room is not None:
                room_at[(room.id, u)].append(label)
            for p in people:
                person_at[(p, u)].append(label)
                if not (forum.arrives[p] <= u <= forum.departs[p]):
                    viol["availability"].append(f"{label}: {forum.pids[p]} not available at day {u // S} slot {u % S}")
        return True

    for a in sched.get("assignments", []):
        rid = str(a.get("request"))
        r = rq.get(rid)
        if r is None:
            viol["unknown request"].append(rid)
            continue
        if rid in seen_r:
            viol["request scheduled twice"].append(rid)
            continue
        seen_r.add(rid)
        if place("request", f"request {rid}", r.participants, r.slots, r.size, "bilateral", a):
            objective += r.weight
            scheduled += 1
    for a in sched.get("panel_assignments", []):
        pid = str(a.get("panel"))
        p = pn.get(pid)
        if p is None:
            viol["unknown panel"].append(pid)
            continue
        if pid in seen_p:
            viol["panel placed twice"].append(pid)
            continue
        seen_p.add(pid)
        place("panel", f"panel {pid}", p.speakers, p.slots, p.audience, "hall", a)
    for (p, u), items in person_at.items():
        if len(items) > 1:
            viol["participant double-booked"].append(f"{forum.pids[p]} at day {u // S} slot {u % S}: {', '.join(items)}")
    for (room, u), items in room_at.items():
        if len(items) > 1:
            viol["room double-booked"].append(f"{room} at day {u // S} slot {u % S}: {', '.join(items)}")

    # the JSON's own figures
    notes = []
    if "objective" in sched and sched["objective"] is not None and abs(float(sched["objective"]) - objective) > 1e-6:
        notes.append(f"reported objective {sched['objective']} != recomputed {objective}")
    if "scheduled" in sched and sched["scheduled"] != scheduled:
        notes.append(f"reported scheduled {sched['scheduled']} != {scheduled} assignments")
    if "requests" in sched and sched["requests"] != len(forum.requests):
        notes.append(f"reported requests {sched['requests']} != {len(forum.requests)} in requests.csv")
    if "panels_placed" in sched and sched["panels_placed"] != len(seen_p):
        notes.append(f"reported panels_placed {sched['panels_placed']} != {len(seen_p)} panel assignments")
    if "unscheduled" in sched:
        un = {str(u.get("request")) for u in sched["unscheduled"]}
        missing = set(rq) - seen_r - un
        both = un & seen_r
        if missing:
            notes.append(f"{len(missing)} unscheduled requests not listed in `unscheduled` (e.g. {sorted(missing)[:3]})")
        if both:
            notes.append(f"{len(both)} requests both scheduled and listed unscheduled (e.g. {sorted(both)[:3]})")
        unreasoned = [u for u in sched["unscheduled"] if not str(u.get("reason", "")).strip()]
        if unreasoned:
            notes.append(f"{len(unreasoned)} unscheduled entries without a reason")
    ub = sched.get("upper_bound")
    gap = None
    if ub is not None and float(ub) > 0:
        gap = (float(ub) - objective) / float(ub)
        if objective > float(ub) + 1e-6:
            notes.append(f"upper_bound {ub} is below the recomputed objective {objective}: not a valid bound")
        if "gap" in sched and sched["gap"] is not None:
            g = float(sched["gap"])
            # accept a fraction or a percentage
            if not (abs(g - gap) < 1e-4 or abs(g / 100 - gap) < 1e-4):
                notes.append(f"reported gap {g} != (upper_bound - objective) / upper_bound = {gap:.6f}")
    return {
        "feasible": not viol,
        "violations": {k: {"count": len(v), "examples": v[:5]} for k, v in viol.items()},
        "objective": objective,
        "scheduled": scheduled,
        "panels_placed": len(seen_p),
        "panel_ids": sorted(seen_p),
        "gap_recomputed": gap,
        "notes": notes,
    }


def summary(v):
    if v["feasible"]:
        s = "feasible"
    else:
        s = "INFEASIBLE: " + "; ".join(f"{k} x{x['count']} (e.g. {x['examples'][0]})" for k, x in v["violations"].items())
    if v["notes"]:
        s += "; " + "; ".join(v["notes"])
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("schedule")
    ap.add_argument("--out")
    a = ap.parse_args()
    forum = forum_io.load(a.dir)
    with open(a.schedule) as f:
        sched = json.load(f)
    if "schedule" in sched and "assignments" not in sched:  # cpsat.py / greedy.py result files
        sched = sched["schedule"] or {}
    v = verify(forum, sched)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(v, f)
    print(summary(v))


if __name__ == "__main__":
    main()
