"""Self-test of the benchmark's Python parts (no astana needed):

    selftest.py [N_RANDOM]

1. the hand-made forum in ./tiny and N_RANDOM (default 30) random tiny forums (gen.py's
   generator, scaled down) solved by exhaustive search with explicit rooms (each item: skip,
   or a start and a room) and by cpsat.py: the optimum (10^6 per panel + sum of 6 - priority)
   must agree, and CP-SAT's schedule with its rooms assigned must pass check.py;
2. the greedy's schedules pass check.py;
3. check.py catches every kind of injected violation.
"""
import copy
import os
import random
import sys
import tempfile

import check
import cpsat
import forum_io
import gen
import greedy

HERE = os.path.dirname(os.path.abspath(__file__))


def exhaustive(forum):
    S, T = forum.S, forum.T
    items = []  # (weight, people, length, options [(start, room id)])
    for p in forum.panels:
        opts = [(t, h.id) for t in forum.starts(p.speakers, p.slots) for h in forum.halls() if h.capacity >= p.audience]
        items.append((cpsat.PANEL_WEIGHT, p.speakers, p.slots, opts))
    for r in forum.requests:
        opts = [(t, b.id) for t in forum.starts(r.participants, r.slots) for b in forum.bilateral_rooms() if b.capacity >= r.size]
        items.append((r.weight, r.participants, r.slots, opts))
    items = [x for x in items if x[3]]
    items.sort(key=lambda x: -x[0])
    rest = [0] * (len(items) + 1)
    for i in range(len(items) - 1, -1, -1):
        rest[i] = rest[i + 1] + items[i][0]
    busy = set()
    best = [0]

    def go(i, val):
        if val > best[0]:
            best[0] = val
        if i == len(items) or val + rest[i] <= best[0]:
            return
        w, people, L, opts = items[i]
        for t, room in opts:
            keys = [("p", p, u) for p in people for u in range(t, t + L)] + [("r", room, u) for u in range(t, t + L)]
            if any(k in busy for k in keys):
                continue
            busy.update(keys)
            go(i + 1, val + w)
            busy.difference_update(keys)
        go(i + 1, val)

    go(0, 0)
    return best[0]


def inject(forum, sched):
    """Yield (expected violation key, broken schedule)."""
    a = sched["assignments"]
    rq = {r.id: r for r in forum.requests}
    rooms = {r.id: r for r in forum.rooms}
    if len(a) >= 2:
        s = copy.deepcopy(sched)
        x, y = s["assignments"][0], s["assignments"][1]
        y["day"], y["slot"], y["room"] = x["day"], x["slot"], x["room"]
        yield "room double-booked", s
    if a:
        s = copy.deepcopy(sched)
        s["assignments"][0]["room"] = forum.halls()[0].id
        yield "room kind (request needs a bilateral)", s
        s = copy.deepcopy(sched)
        s["assignments"].append(dict(s["assignments"][0]))
        yield "request scheduled twice", s
        s = copy.deepcopy(sched)
        s["assignments"][0]["slot"] = forum.S - 1 + 0 * rq[s["assignments"][0]["request"]].slots
        if rq[s["assignments"][0]["request"]].slots > 1:
            yield "consecutive slots within one day", s
    small = min(forum.bilateral_rooms(), key=lambda r: r.capacity)
    for x in a:
        if rq[x["request"]].size > small.capacity:
            s = copy.deepcopy(sched)
            for y in s["assignments"]:
                if y["request"] == x["request"]:
                    y["room"] = small.id
            yield "room capacity", s
            break
    # a participant with limited availability, in a request moved outside it
    for x in a:
        r = rq[x["request"]]
        for p in r.participants:
            if forum.arrives[p] > 0:
                s = copy.deepcopy(sched)
                for y in s["assignments"]:
                    if y["request"] == x["request"]:
                        y["day"], y["slot"] = 0, 0
                yield "availability", s
                break
        else:
            continue
        break
    # two requests sharing a participant put at the same slot in different rooms
    by_p = {}
    for x in a:
        for p in rq[x["request"]].participants:
            if p in by_p:
                s = copy.deepcopy(sched)
                i = next(i for i, y in enumerate(s["assignments"]) if y["request"] == x["request"])
                j = next(i for i, y in enumerate(s["assignments"]) if y["request"] == by_p[p]["request"])
                s["assignments"][i]["day"] = s["assignments"][j]["day"]
                s["assignments"][i]["slot"] = s["assignments"][j]["slot"]
                s["assignments"][i]["room"] = "__elsewhere__"
                yield "participant double-booked", s
                break
            by_p[p] = x
        else:
            continue
        break


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    failures = 0
    cases = [("tiny", forum_io.load(os.path.join(HERE, "tiny")))]
    tmp = tempfile.mkdtemp()
    rng = random.Random(7)
    for k in range(n):
        d = os.path.join(tmp, f"r{k}")
        gen.generate(d, participants=rng.randint(5, 9), requests=rng.randint(5, 9), panels=rng.randint(0, 2),
                     days=rng.randint(1, 2), slots_per_day=rng.randint(2, 3), bilateral_rooms=rng.randint(1, 3),
                     halls=rng.randint(1, 2), seed=k, long_share=0.35)
        cases.append((f"random {k}", forum_io.load(d)))
    for name, forum in cases:
        best = exhaustive(forum)
        res = cpsat.solve(forum, 20, 2)
        got = round(res["objective_combined"])
        v = check.verify(forum, res["schedule"])
        ra = res["room_assignment"]
        rooms_ok = ra["requests_without_room"] == 0 and ra["panels_without_room"] == 0
        # the per-slot room counts relax 'one room throughout' for multi-slot items: CP-SAT may
        # exceed the exhaustive optimum only when its rooms cannot all be assigned
        ok = res["status"] == "OPTIMAL" and v["feasible"] and (got == best if rooms_ok else got >= best)
        g = greedy.greedy(forum)
        gv = check.verify(forum, g)
        ok = ok and gv["feasible"] and g["objective"] + cpsat.PANEL_WEIGHT * g["panels_placed"] <= best
        for key, broken in inject(forum, res["schedule"] if res["schedule"]["assignments"] else g):
            bv = check.verify(forum, broken)
            if key not in bv["violations"]:
                print(f"  {name}: injected '{key}' not caught: {check.summary(bv)}")
                ok = False
        failures += not ok
        if not ok or name == "tiny" or not rooms_ok:
            print(f"{name}: exhaustive {best}, CP-SAT {got} {res['status']}, rooms {'ok' if rooms_ok else ra},"
                  f" check {check.summary(v)}, greedy {g['objective']} ({check.summary(gv)}) -> {'ok' if ok else 'FAIL'}")
    print(f"{len(cases) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
