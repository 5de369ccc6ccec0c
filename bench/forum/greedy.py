"""A plain priority-ordered greedy, the baseline of issue 6 point 7.

    greedy.py FORUM_DIR [--out result.json]

Panels first (in file order), then requests by priority (1 first; file order within a
priority); each item goes to its earliest start (day, slot) at which all its people are
available and free for its whole length and some room of the right kind and capacity is free
throughout (the smallest such room). No look-ahead, no repair. Writes the schedule in
astana's `--json` shape.
"""
import argparse
import json
import sys
import time

import forum_io


def greedy(forum):
    S, T = forum.S, forum.T
    busy = [bytearray(T) for _ in forum.pids]
    room_busy = {r.id: bytearray(T) for r in forum.rooms}
    bil = sorted(forum.bilateral_rooms(), key=lambda r: r.capacity)
    halls = sorted(forum.halls(), key=lambda r: r.capacity)

    def put(people, length, size, rooms):
        eligible = [r for r in rooms if r.capacity >= size]
        if not eligible:
            return None
        for t in forum.starts(people, length):
            span = range(t, t + length)
            if any(busy[p][u] for p in people for u in span):
                continue
            for r in eligible:
                rb = room_busy[r.id]
                if not any(rb[u] for u in span):
                    for u in span:
                        rb[u] = 1
                        for p in people:
                            busy[p][u] = 1
                    return t, r.id
        return None

    panels, assignments, unscheduled = [], [], []
    for p in forum.panels:
        x = put(p.speakers, p.slots, p.audience, halls)
        if x:
            panels.append({"panel": p.id, "day": x[0] // S, "slot": x[0] % S, "room": x[1]})
    objective = 0
    for r in sorted(forum.requests, key=lambda r: r.priority):  # stable: file order within a priority
        x = put(r.participants, r.slots, r.size, bil)
        if x:
            assignments.append({"request": r.id, "day": x[0] // S, "slot": x[0] % S, "room": x[1]})
            objective += r.weight
        else:
            unscheduled.append({"request": r.id, "reason": "no free start"})
    return {"objective": objective, "scheduled": len(assignments), "requests": len(forum.requests),
            "panels_placed": len(panels), "assignments": assignments, "panel_assignments": panels,
            "unscheduled": unscheduled}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--out")
    a = ap.parse_args()
    forum = forum_io.load(a.dir)
    t0 = time.perf_counter()
    s = greedy(forum)
    s["seconds"] = round(time.perf_counter() - t0, 3)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(s, f)
    print(f"greedy: objective {s['objective']}, {s['scheduled']} requests, {s['panels_placed']} panels, {s['seconds']} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
