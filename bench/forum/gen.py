"""A random forum generator of the benchmark's own, writing the issue-6 folder format; used by
selftest.py (tiny forums) and for developing the CP-SAT model before `astana forum generate`
existed. run.sh uses astana's generator.

    gen.py DIR --participants N --requests M --panels K --days D --slots-per-day S
               --bilateral-rooms B --halls H --seed X

Delegations of 1 + geometric size (mean about 4) with one head (priority 1) in a fifth of
them; roles otherwise minister 2 (10%), deputy 3 (20%), official 4 (35%), business 5 (35%).
Availability: 70% the whole forum, the rest arrive late or leave early (at least a third of
the forum). Requests: 2 people (80%), 3 (15%), 4 (5%) from different delegations, drawn with
weight 1 / priority^2 (senior people are popular); priority the most senior participant's,
one level lower in a third of cases; length 2 slots in `long_share` of them. Panels: 2-4
speakers, 1-2 slots, audience 40-600; bilateral rooms of 2-10 seats, halls of 100-800.
"""
import argparse
import bisect
import datetime
import itertools
import random

import forum_io


def generate(folder, participants, requests, panels, days, slots_per_day, bilateral_rooms, halls, seed, long_share=0.15):
    rng = random.Random(seed)
    S, T = slots_per_day, days * slots_per_day
    start = datetime.date(2025, 5, 29)
    meta = {"name": f"Synthetic forum {seed}", "timezone": "Asia/Almaty",
            "days": [(start + datetime.timedelta(days=d)).isoformat() for d in range(days)],
            "slots": [f"{9 + (30 * s) // 60:02d}:{(30 * s) % 60:02d}" for s in range(S)], "slot_minutes": 30}
    rooms = [(f"B{i + 1}", f"Bilateral room {i + 1}", "bilateral", rng.choice([2, 2, 4, 4, 4, 6, 6, 8, 10]))
             for i in range(bilateral_rooms)]
    rooms += [(f"H{i + 1}", f"Hall {i + 1}", "hall", rng.choice([100, 200, 300, 400, 600, 800])) for i in range(halls)]
    people, deleg_of, prio = [], [], []
    d = 0
    while len(people) < participants:
        size = 1
        while rng.random() < 0.75:
            size += 1
        head = rng.random() < 0.2
        for k in range(size):
            if len(people) >= participants:
                break
            pr = 1 if (head and k == 0) else rng.choices([2, 3, 4, 5], [10, 20, 35, 35])[0]
            if rng.random() < 0.7:
                a, b = 0, T - 1
            else:
                span = rng.randint(max(1, T // 3), T)
                a = rng.randint(0, T - span)
                b = a + span - 1
            i = len(people)
            people.append((f"P{i + 1}", f"Person {i + 1}", f"D{d + 1}", ["head", "minister", "deputy", "official", "business"][pr - 1],
                           pr, f"{a // S}:{a % S}", f"{b // S}:{b % S}"))
            deleg_of.append(d)
            prio.append(pr)
        d += 1
    n = len(people)
    cum = list(itertools.accumulate(1.0 / prio[i] ** 2 for i in range(n)))

    def draw():
        return bisect.bisect_left(cum, rng.random() * cum[-1])

    reqs = []
    for j in range(requests):
        k = rng.choices([2, 3, 4], [80, 15, 5])[0]
        chosen, dels = [], set()
        tries = 0
        while len(chosen) < min(k, n) and tries < 100:
            tries += 1
            p = draw()
            if deleg_of[p] in dels and tries < 50:
                continue
            if p not in chosen:
                chosen.append(p)
                dels.add(deleg_of[p])
        if len(chosen) < 2:
            continue
        pr = min(prio[p] for p in chosen)
        if rng.random() < 1 / 3:
            pr = min(5, pr + 1)
        L = 2 if (S >= 2 and rng.random() < long_share) else 1
        reqs.append((f"R{j + 1}", [people[p][0] for p in chosen], pr, L))
    pans = []
    for j in range(panels):
        sp = list({draw() for _ in range(rng.randint(2, 4))})
        L = 2 if (S >= 2 and rng.random() < 0.3) else 1
        pans.append((f"X{j + 1}", f"Panel {j + 1}", [people[p][0] for p in sp], L, rng.randint(40, 600)))
    forum_io.write(folder, meta, rooms, people, reqs, pans)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    for a, v in [("participants", 1000), ("requests", 5000), ("panels", 40), ("days", 2), ("slots-per-day", 12),
                 ("bilateral-rooms", 25), ("halls", 5), ("seed", 1)]:
        ap.add_argument(f"--{a}", type=int, default=v)
    ap.add_argument("--long-share", type=float, default=0.15)
    a = ap.parse_args()
    generate(a.dir, a.participants, a.requests, a.panels, a.days, a.slots_per_day, a.bilateral_rooms, a.halls, a.seed,
             a.long_share)


if __name__ == "__main__":
    main()
