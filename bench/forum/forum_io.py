"""Reads a forum folder (issue 6, point 1) into plain Python structures shared by the CP-SAT
model, the greedy baseline and the independent checker.

Time is a global slot index t = day * S + slot (S slots a day). A participant is available
from `arrives` to `departs`, both `DAY_INDEX:SLOT_INDEX`, 0-based and inclusive. An item
(request or panel) of length L started at t occupies t .. t + L - 1, all within one day.
"""
import csv
import os
import tomllib
from dataclasses import dataclass, field


@dataclass
class Room:
    id: str
    name: str
    kind: str  # "bilateral" or "hall"
    capacity: int


@dataclass
class Request:
    id: str
    participants: list  # participant indices, distinct
    priority: int
    slots: int

    @property
    def weight(self):
        return 6 - min(5, max(1, self.priority))

    @property
    def size(self):
        return len(self.participants)


@dataclass
class Panel:
    id: str
    title: str
    speakers: list  # participant indices, distinct
    slots: int
    audience: int


@dataclass
class Forum:
    name: str
    days: list
    slot_times: list
    slot_minutes: int
    rooms: list
    pids: list  # participant ids
    arrives: list  # global slot, inclusive
    departs: list  # global slot, inclusive
    requests: list
    panels: list
    pindex: dict = field(default_factory=dict)

    @property
    def D(self):
        return len(self.days)

    @property
    def S(self):
        return len(self.slot_times)

    @property
    def T(self):
        return self.D * self.S

    def starts(self, people, length):
        """Feasible start slots of an item: within one day, every person available throughout."""
        S = self.S
        lo = max((self.arrives[p] for p in people), default=0)
        hi = min((self.departs[p] for p in people), default=self.T - 1)
        return [t for t in range(lo, hi - length + 2) if t % S + length <= S]

    def bilateral_rooms(self):
        return [r for r in self.rooms if r.kind == "bilateral"]

    def halls(self):
        return [r for r in self.rooms if r.kind == "hall"]


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        header = [h.strip() for h in next(rd)]
        for row in rd:
            if not row or all(not c.strip() for c in row):
                continue
            yield {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}


def _ids(text):
    out = []
    for x in text.split(";"):
        x = x.strip()
        if x and x not in out:
            out.append(x)
    return out


def load(folder):
    with open(os.path.join(folder, "forum.toml"), "rb") as f:
        meta = tomllib.load(f)
    days = [str(d) for d in meta["days"]]
    slot_times = [str(s) for s in meta["slots"]]
    S = len(slot_times)
    T = len(days) * S

    def when(v, default):
        if not v:
            return default
        d, s = v.split(":")
        return int(d) * S + int(s)

    rooms = [Room(r["id"], r.get("name", ""), r["kind"], int(r["capacity"]))
             for r in _rows(os.path.join(folder, "rooms.csv"))]
    pids, arr, dep = [], [], []
    for r in _rows(os.path.join(folder, "participants.csv")):
        pids.append(r["id"])
        arr.append(when(r.get("arrives", ""), 0))
        dep.append(when(r.get("departs", ""), T - 1))
    pindex = {p: i for i, p in enumerate(pids)}
    requests = [Request(r["id"], [pindex[p] for p in _ids(r["participants"])], int(r["priority"]), int(r["slots"]))
                for r in _rows(os.path.join(folder, "requests.csv"))]
    panels = [Panel(r["id"], r.get("title", ""), [pindex[p] for p in _ids(r["speakers"])], int(r["slots"]), int(r["audience"]))
              for r in _rows(os.path.join(folder, "panels.csv"))]
    return Forum(meta.get("name", ""), days, slot_times, int(meta.get("slot_minutes", 60)), rooms,
                 pids, arr, dep, requests, panels, pindex)


def write(folder, forum_meta, rooms, participants, requests, panels):
    """Writes a forum folder. forum_meta: dict(name, timezone, days, slots, slot_minutes);
    rooms: (id, name, kind, capacity); participants: (id, name, delegation, role, priority,
    arrives "D:S", departs "D:S"); requests: (id, [ids], priority, slots); panels: (id, title,
    [speaker ids], slots, audience)."""
    os.makedirs(folder, exist_ok=True)
    q = lambda s: '"' + str(s) + '"'
    with open(os.path.join(folder, "forum.toml"), "w") as f:
        f.write(f"name = {q(forum_meta['name'])}\n")
        f.write(f"timezone = {q(forum_meta['timezone'])}\n")
        f.write("days = [" + ", ".join(q(d) for d in forum_meta["days"]) + "]\n")
        f.write("slots = [" + ", ".join(q(s) for s in forum_meta["slots"]) + "]\n")
        f.write(f"slot_minutes = {forum_meta['slot_minutes']}\n")

    def table(name, header, rows):
        with open(os.path.join(folder, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    table("rooms.csv", ["id", "name", "kind", "capacity"], rooms)
    table("participants.csv", ["id", "name", "delegation", "role", "priority", "arrives", "departs"], participants)
    table("requests.csv", ["id", "participants", "priority", "slots"],
          [(i, ";".join(p), pr, s) for i, p, pr, s in requests])
    table("panels.csv", ["id", "title", "speakers", "slots", "audience"],
          [(i, t, ";".join(s), n, a) for i, t, s, n, a in panels])


def day_slot_index(forum, day, slot):
    """Day and slot of a schedule entry as indices: integers, or an ISO date / "HH:MM"."""
    if isinstance(day, str) and not day.strip().lstrip("-").isdigit():
        d = forum.days.index(day) if day in forum.days else None
    else:
        d = int(day)
    if isinstance(slot, str) and not slot.strip().lstrip("-").isdigit():
        s = forum.slot_times.index(slot) if slot in forum.slot_times else None
    else:
        s = int(slot)
    return d, s
