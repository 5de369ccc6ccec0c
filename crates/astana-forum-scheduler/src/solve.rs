//! The scheduler: panels first, then bilateral value. A priority-ordered construction that
//! puts each meeting where it hurts the remaining requests least, then local search that
//! inserts unscheduled requests by moving or ejecting lower-value meetings in their way.
//! An upper bound ([`crate::bound`]) says how far the schedule can be from the best
//! possible, wherever the panels go.

use crate::model::Forum;
use crate::subgradient::Steps;
use std::time::Instant;

/// Where a request or panel sits: (start slot, room index).
pub type Place = (usize, usize);

/// A schedule: a place (or none) per request and per panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schedule {
    /// Per request.
    pub requests: Vec<Option<Place>>,
    /// Per panel.
    pub panels: Vec<Option<Place>>,
}

/// Solver settings.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Wall-clock cap on the local search, seconds. A run it ends is not reproducible.
    pub seconds: f64,
    /// Work budget of the local search: insertion attempts (one unscheduled request tried
    /// by insertion, then by moving or ejecting meetings in its way). Counted, not timed,
    /// so the same seed and budget give the same schedule on any machine and under load.
    pub work: u64,
    /// Seed for tie-breaking orders.
    pub seed: u64,
}

/// Default work budget: about twice the attempts the bench's forums take to reach a local
/// optimum (17,600 for 5,000 requests, 51,360 for 20,000), so they end on their own.
pub const DEFAULT_WORK: u64 = 100_000;

/// Default time cap, seconds: a safety net well above what the default work takes on the
/// bench's forums (about 3 s for 20,000 requests), so a default run is reproducible.
pub const DEFAULT_SECONDS: f64 = 30.0;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seconds: DEFAULT_SECONDS,
            work: DEFAULT_WORK,
            seed: 1,
        }
    }
}

/// What ended the local search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A pass found nothing to insert: the search ended on its own (reproducible).
    LocalOptimum,
    /// The work budget ran out (reproducible: the same seed and budget give this schedule).
    Work,
    /// The time cap ran out first: the schedule depends on the machine and its load.
    Time,
}

impl Stop {
    /// The name shown in text and JSON (`stopped_by`).
    pub fn name(self) -> &'static str {
        match self {
            Stop::LocalOptimum => "local optimum",
            Stop::Work => "work budget",
            Stop::Time => "time cap",
        }
    }

    /// Whether the same seed and settings give the same schedule anywhere.
    pub fn reproducible(self) -> bool {
        self != Stop::Time
    }
}

/// A solved schedule with its value, bound and reasons.
#[derive(Clone, Debug)]
pub struct Solution {
    /// The schedule.
    pub schedule: Schedule,
    /// Σ (6 − priority) over scheduled requests.
    pub objective: u64,
    /// An upper bound on the objective of every schedule that places the same panels,
    /// wherever they go (see [`crate::bound`]).
    pub upper_bound: u64,
    /// The relaxation that gave the bound.
    pub bound_method: crate::bound::Method,
    /// Why each unscheduled request is unscheduled.
    pub unscheduled: Vec<(usize, String)>,
    /// Why each panel that could not be placed could not be.
    pub panels_impossible: Vec<(usize, String)>,
    /// Local-search passes run.
    pub passes: usize,
    /// Insertion attempts the local search made (the unit of [`Settings::work`]).
    pub work: u64,
    /// What ended the local search (of the two runs, the time cap if either hit it, else
    /// the work budget if either hit it).
    pub stopped_by: Stop,
}

const FREE: u32 = u32::MAX;
const PANEL: u32 = u32::MAX - 1;

fn block(mask: u128, len: usize) -> u128 {
    let mut m = mask;
    for i in 1..len {
        m &= mask >> i;
    }
    m
}

fn span(t: usize, len: usize) -> u128 {
    (if len >= 128 {
        u128::MAX
    } else {
        (1u128 << len) - 1
    }) << t
}

/// The solver's working state.
#[derive(Clone)]
pub(crate) struct State<'a> {
    pub(crate) f: &'a Forum,
    pub(crate) horizon: usize,
    pub(crate) avail: Vec<u128>,
    pub(crate) busy: Vec<u128>,
    pub(crate) room_busy: Vec<u128>,
    /// Occupant per (participant, slot): a request index, PANEL or FREE.
    occ: Vec<u32>,
    /// Occupant per (room, slot).
    room_occ: Vec<u32>,
    /// Starts whose block of length L stays in one day, per L.
    day_ok: Vec<u128>,
    /// Bilateral rooms by capacity, smallest first.
    bilateral: Vec<usize>,
    pub(crate) schedule: Schedule,
    /// Pending demand per (participant, slot), for choosing quiet slots.
    pressure: Vec<u32>,
    /// Requests that must not be moved (kept assignments when re-planning).
    frozen: Vec<bool>,
}

impl<'a> State<'a> {
    pub(crate) fn new(f: &'a Forum) -> State<'a> {
        let horizon = f.horizon();
        let per_day = f.slots.len();
        let all = span(0, horizon);
        let avail: Vec<u128> = f
            .participants
            .iter()
            .map(|p| span(p.arrives, p.departs + 1 - p.arrives.min(p.departs + 1)) & all)
            .collect();
        let max_len = per_day.max(1);
        let day_ok = (0..=max_len)
            .map(|len| {
                let mut m = 0u128;
                for t in 0..horizon {
                    if f.block_fits(t % per_day, len) {
                        m |= 1u128 << t;
                    }
                }
                m
            })
            .collect();
        let mut bilateral: Vec<usize> = (0..f.rooms.len()).filter(|&r| !f.rooms[r].hall).collect();
        bilateral.sort_by_key(|&r| (f.rooms[r].capacity, r));
        // A closed room is taken, immovably, from its closing slot on.
        let mut room_busy = vec![0u128; f.rooms.len()];
        let mut room_occ = vec![FREE; f.rooms.len() * horizon];
        for (r, room) in f.rooms.iter().enumerate() {
            if let Some(c) = room.closed_from {
                for t in c.min(horizon)..horizon {
                    room_busy[r] |= 1u128 << t;
                    room_occ[r * horizon + t] = PANEL;
                }
            }
        }
        State {
            f,
            horizon,
            avail,
            busy: vec![0; f.participants.len()],
            room_busy,
            occ: vec![FREE; f.participants.len() * horizon],
            room_occ,
            day_ok,
            bilateral,
            schedule: Schedule {
                requests: vec![None; f.requests.len()],
                panels: vec![None; f.panels.len()],
            },
            pressure: vec![0; f.participants.len() * horizon],
            frozen: vec![false; f.requests.len()],
        }
    }

    fn occupy(&mut self, people: &[usize], room: usize, t: usize, len: usize, who: u32) {
        let m = span(t, len);
        for &p in people {
            self.busy[p] |= m;
            for s in t..t + len {
                self.occ[p * self.horizon + s] = who;
            }
        }
        self.room_busy[room] |= m;
        for s in t..t + len {
            self.room_occ[room * self.horizon + s] = who;
        }
    }

    fn release(&mut self, people: &[usize], room: usize, t: usize, len: usize) {
        let m = !span(t, len);
        for &p in people {
            self.busy[p] &= m;
            for s in t..t + len {
                self.occ[p * self.horizon + s] = FREE;
            }
        }
        self.room_busy[room] &= m;
        for s in t..t + len {
            self.room_occ[room * self.horizon + s] = FREE;
        }
    }

    /// Starts where every one of `people` is present (and, with `free`, not busy) for
    /// `len` slots within one day.
    fn starts(&self, people: &[usize], len: usize, free: bool) -> u128 {
        let mut m = span(0, self.horizon);
        for &p in people {
            m &= self.avail[p];
            if free {
                m &= !self.busy[p];
            }
        }
        block(m, len) & self.day_ok.get(len).copied().unwrap_or(0)
    }

    /// The smallest bilateral room seating `n` that is free over [t, t + len).
    fn room_for(&self, n: usize, t: usize, len: usize) -> Option<usize> {
        let m = span(t, len);
        self.bilateral
            .iter()
            .copied()
            .find(|&r| self.f.rooms[r].capacity as usize >= n && self.room_busy[r] & m == 0)
    }

    fn score(&self, people: &[usize], t: usize, len: usize) -> u64 {
        people
            .iter()
            .map(|&p| {
                (t..t + len)
                    .map(|s| u64::from(self.pressure[p * self.horizon + s]))
                    .sum::<u64>()
            })
            .sum()
    }

    fn add_pressure(&mut self, r: usize, sign: i32) {
        let req = &self.f.requests[r];
        let starts = self.starts(&req.participants, req.slots, false);
        let mut cover = 0u128;
        let mut m = starts;
        while m != 0 {
            let t = m.trailing_zeros() as usize;
            cover |= span(t, req.slots);
            m &= m - 1;
        }
        for &p in &req.participants {
            let mut c = cover;
            while c != 0 {
                let s = c.trailing_zeros() as usize;
                let x = &mut self.pressure[p * self.horizon + s];
                *x = x.saturating_add_signed(sign);
                c &= c - 1;
            }
        }
    }

    /// Places request r at its best free start with a room; false if there is none.
    fn insert(&mut self, r: usize) -> bool {
        let req = &self.f.requests[r];
        let (len, n) = (req.slots, req.participants.len());
        let mut m = self.starts(&req.participants, len, true);
        let mut best: Option<(u64, usize, usize)> = None;
        while m != 0 {
            let t = m.trailing_zeros() as usize;
            m &= m - 1;
            if let Some(room) = self.room_for(n, t, len) {
                let sc = self.score(&req.participants, t, len);
                if best.is_none_or(|b| sc < b.0) {
                    best = Some((sc, t, room));
                }
            }
        }
        let Some((_, t, room)) = best else {
            return false;
        };
        let people = self.f.requests[r].participants.clone();
        self.occupy(&people, room, t, len, r as u32);
        self.schedule.requests[r] = Some((t, room));
        true
    }

    fn remove(&mut self, r: usize) {
        if let Some((t, room)) = self.schedule.requests[r].take() {
            let req = &self.f.requests[r];
            let people = req.participants.clone();
            self.release(&people, room, t, req.slots);
        }
    }

    /// Places panels, hardest first; returns why the others could not be placed.
    fn place_panels(&mut self) -> Vec<(usize, String)> {
        let f = self.f;
        let mut halls: Vec<usize> = (0..f.rooms.len()).filter(|&r| f.rooms[r].hall).collect();
        halls.sort_by_key(|&r| (f.rooms[r].capacity, r));
        let options = |st: &State<'_>, k: usize| -> u32 {
            let p = &f.panels[k];
            st.starts(&p.speakers, p.slots, false).count_ones()
                * halls
                    .iter()
                    .filter(|&&h| f.rooms[h].capacity >= p.audience)
                    .count() as u32
        };
        // Panels already placed (kept when re-planning) stay where they are.
        let mut order: Vec<usize> = (0..f.panels.len())
            .filter(|&k| self.schedule.panels[k].is_none())
            .collect();
        order.sort_by_key(|&k| {
            (
                options(self, k),
                std::cmp::Reverse(f.panels[k].speakers.len()),
                k,
            )
        });
        let mut impossible = Vec::new();
        for k in order {
            let p = &f.panels[k];
            let fits: Vec<usize> = halls
                .iter()
                .copied()
                .filter(|&h| f.rooms[h].capacity >= p.audience)
                .collect();
            if fits.is_empty() {
                impossible.push((k, format!("no hall seats an audience of {}", p.audience)));
                continue;
            }
            if self.starts(&p.speakers, p.slots, false) == 0 {
                impossible.push((
                    k,
                    format!(
                        "the speakers are never all present for {} consecutive slots",
                        p.slots
                    ),
                ));
                continue;
            }
            let mut m = self.starts(&p.speakers, p.slots, true);
            let mut best: Option<(u64, usize, usize)> = None;
            while m != 0 {
                let t = m.trailing_zeros() as usize;
                m &= m - 1;
                let span_m = span(t, p.slots);
                if let Some(&h) = fits.iter().find(|&&h| self.room_busy[h] & span_m == 0) {
                    let sc = self.score(&p.speakers, t, p.slots);
                    if best.is_none_or(|b| sc < b.0) {
                        best = Some((sc, t, h));
                    }
                }
            }
            match best {
                Some((_, t, h)) => {
                    let speakers = p.speakers.clone();
                    self.occupy(&speakers, h, t, p.slots, PANEL);
                    self.schedule.panels[k] = Some((t, h));
                }
                None => {
                    // Closed halls are named as such: "taken" would send the reader
                    // looking for another panel.
                    let mut open = self.starts(&p.speakers, p.slots, false);
                    let mut any_open = false;
                    while open != 0 && !any_open {
                        let t = open.trailing_zeros() as usize;
                        open &= open - 1;
                        any_open = fits
                            .iter()
                            .any(|&h| f.rooms[h].closed_from.is_none_or(|c| t + p.slots <= c));
                    }
                    impossible.push((
                        k,
                        if any_open {
                            "every hall large enough is taken, or a speaker is on another panel, whenever the speakers are all present".into()
                        } else {
                            "every hall large enough is closed whenever the speakers are all present".into()
                        },
                    ));
                }
            }
        }
        impossible
    }

    fn objective(&self) -> u64 {
        self.schedule
            .requests
            .iter()
            .enumerate()
            .filter(|(_, x)| x.is_some())
            .map(|(r, _)| self.f.requests[r].weight())
            .sum()
    }

    /// Tries to insert unscheduled request r at some start by moving or ejecting the
    /// meetings in its way (panels never move). Returns the change in objective (> 0 when
    /// it improved; the state is unchanged otherwise).
    fn eject_insert(&mut self, r: usize, max_blockers: usize) -> i64 {
        let req = self.f.requests[r].clone();
        let (len, n) = (req.slots, req.participants.len());
        let w = req.weight() as i64;
        let mut m = self.starts(&req.participants, len, false);
        let mut cands: Vec<(i64, usize, Vec<usize>)> = Vec::new();
        while m != 0 {
            let t = m.trailing_zeros() as usize;
            m &= m - 1;
            let mut blockers: Vec<usize> = Vec::new();
            let mut panel = false;
            for &p in &req.participants {
                for s in t..t + len {
                    match self.occ[p * self.horizon + s] {
                        FREE => {}
                        PANEL => panel = true,
                        q => {
                            if !blockers.contains(&(q as usize)) {
                                blockers.push(q as usize);
                            }
                        }
                    }
                }
            }
            if panel || blockers.iter().any(|&b| self.frozen[b]) {
                continue;
            }
            // The room to take over: the one whose occupants (beyond the participant
            // blockers) are worth least; rooms held by panels or closed are out.
            let mut best_room: Option<(i64, Vec<usize>)> = None;
            for &room in &self.bilateral {
                if (self.f.rooms[room].capacity as usize) < n {
                    continue;
                }
                let mut extra: Vec<usize> = Vec::new();
                let mut blocked = false;
                for i in 0..len {
                    match self.room_occ[room * self.horizon + t + i] {
                        FREE => {}
                        PANEL => blocked = true,
                        q => {
                            let q = q as usize;
                            if !blockers.contains(&q) && !extra.contains(&q) {
                                extra.push(q);
                            }
                        }
                    }
                }
                if blocked || extra.iter().any(|&q| self.frozen[q]) {
                    continue;
                }
                let cost: i64 = extra
                    .iter()
                    .map(|&q| self.f.requests[q].weight() as i64)
                    .sum();
                if best_room
                    .as_ref()
                    .is_none_or(|b| cost < b.0 || (cost == b.0 && extra.len() < b.1.len()))
                {
                    best_room = Some((cost, extra));
                }
                if best_room.as_ref().is_some_and(|b| b.1.is_empty()) {
                    break;
                }
            }
            let Some((_, extra)) = best_room else {
                continue;
            };
            blockers.extend(extra);
            if blockers.is_empty() || blockers.len() > max_blockers {
                continue;
            }
            let loss: i64 = blockers
                .iter()
                .map(|&b| self.f.requests[b].weight() as i64)
                .sum();
            cands.push((loss, t, blockers));
        }
        cands.sort_by_key(|c| (c.0, c.1));
        for (_, t, blockers) in cands.into_iter().take(16) {
            let saved: Vec<(usize, Option<Place>)> = blockers
                .iter()
                .map(|&b| (b, self.schedule.requests[b]))
                .collect();
            for &b in &blockers {
                self.remove(b);
            }
            let Some(room) = self.room_for(n, t, len) else {
                for &(b, p) in &saved {
                    self.restore(b, p);
                }
                continue;
            };
            self.occupy(&req.participants, room, t, len, r as u32);
            self.schedule.requests[r] = Some((t, room));
            let mut lost = 0i64;
            let mut reinserted = Vec::new();
            for &b in &blockers {
                if self.insert(b) {
                    reinserted.push(b);
                } else {
                    lost += self.f.requests[b].weight() as i64;
                }
            }
            let gain = w - lost;
            if gain > 0 {
                return gain;
            }
            // Undo: r out, re-placed blockers out, originals back.
            self.remove(r);
            for &b in &reinserted {
                self.remove(b);
            }
            for &(b, p) in &saved {
                self.restore(b, p);
            }
        }
        0
    }

    fn restore(&mut self, r: usize, p: Option<Place>) {
        if let Some((t, room)) = p {
            let req = &self.f.requests[r];
            let people = req.participants.clone();
            self.occupy(&people, room, t, req.slots, r as u32);
            self.schedule.requests[r] = Some((t, room));
        }
    }

    /// Why request r is not scheduled, in the current state.
    fn reason(&self, r: usize) -> String {
        let req = &self.f.requests[r];
        let n = req.participants.len();
        if self.starts(&req.participants, req.slots, false) == 0 {
            return format!(
                "the participants are never all present for {} consecutive slots in one day",
                req.slots
            );
        }
        if !self
            .bilateral
            .iter()
            .any(|&room| self.f.rooms[room].capacity as usize >= n)
        {
            return format!("no bilateral room seats {n}");
        }
        if self.starts(&req.participants, req.slots, true) == 0 {
            // The participant whose time is most taken.
            let busiest = req
                .participants
                .iter()
                .copied()
                .max_by_key(|&p| (self.busy[p] & self.avail[p]).count_ones())
                .unwrap_or(0);
            let p = &self.f.participants[busiest];
            return format!(
                "no common free slot: {} ({}) is booked in {} of {} available slots",
                p.name,
                p.id,
                (self.busy[busiest] & self.avail[busiest]).count_ones(),
                self.avail[busiest].count_ones()
            );
        }
        "no bilateral room is free whenever all participants are".into()
    }
}

/// Prices for the second construction: a Lagrangian relaxation given the panels as placed
/// (each participant has so many free slots, each class of room so many room-slots), by
/// subgradient steps. Its bound holds only for these panel places, so it is not reported
/// ([`crate::bound`] gives the reported one); the reduced values order the construction.
fn upper_bound(st: &State<'_>, best: u64) -> (u64, Vec<f64>) {
    let f = st.f;
    let h = st.horizon;
    // Each person's slots left by the panels, computed once.
    let free: Vec<u128> = (0..f.participants.len())
        .map(|p| st.avail[p] & !fixed(&st.occ, p, h))
        .collect();
    // Requests that can be placed at all (presence, panels, a room that seats them).
    let feasible: Vec<usize> = (0..f.requests.len())
        .filter(|&r| {
            let req = &f.requests[r];
            let mut m = span(0, h);
            for &p in &req.participants {
                m &= free[p];
            }
            block(m, req.slots) & st.day_ok.get(req.slots).copied().unwrap_or(0) != 0
                && st
                    .bilateral
                    .iter()
                    .any(|&room| f.rooms[room].capacity as usize >= req.participants.len())
        })
        .collect();
    let cap: Vec<f64> = free.iter().map(|m| m.count_ones() as f64).collect();
    // Room classes: k = distinct meeting sizes.
    let mut sizes: Vec<usize> = feasible
        .iter()
        .map(|&r| f.requests[r].participants.len())
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let room_cap: Vec<f64> = sizes
        .iter()
        .map(|&k| {
            st.bilateral
                .iter()
                .filter(|&&room| f.rooms[room].capacity as usize >= k)
                .map(|&room| (span(0, h) & !fixed(&st.room_occ, room, h)).count_ones() as f64)
                .sum()
        })
        .collect();
    let mut lambda = vec![0.0f64; f.participants.len()];
    let mut mu = vec![0.0f64; sizes.len()];
    let total: f64 = feasible
        .iter()
        .map(|&r| f.requests[r].weight() as f64)
        .sum();
    let mut steps = Steps::new(total);
    for _ in 0..400 {
        let mut ub: f64 = lambda.iter().zip(&cap).map(|(l, c)| l * c).sum::<f64>()
            + mu.iter().zip(&room_cap).map(|(m, c)| m * c).sum::<f64>();
        let mut g_l: Vec<f64> = cap.clone();
        let mut g_m: Vec<f64> = room_cap.clone();
        for &r in &feasible {
            let req = &f.requests[r];
            let len = req.slots as f64;
            let k = sizes.partition_point(|&s| s < req.participants.len());
            let price: f64 = req.participants.iter().map(|&p| lambda[p]).sum::<f64>()
                + mu[..=k].iter().sum::<f64>();
            let reduced = req.weight() as f64 - len * price;
            if reduced > 0.0 {
                ub += reduced;
                for &p in &req.participants {
                    g_l[p] -= len;
                }
                for g in &mut g_m[..=k] {
                    *g -= len;
                }
            }
        }
        if !steps.update(ub, best as f64, [&mut lambda, &mut mu], [&g_l, &g_m]) {
            break;
        }
    }
    // Reduced values at the final prices: what each request is worth after paying for
    // the time it takes from busy people and rooms.
    let mut reduced: Vec<f64> = f.requests.iter().map(|q| q.weight() as f64).collect();
    for &r in &feasible {
        let req = &f.requests[r];
        let k = sizes.partition_point(|&s| s < req.participants.len());
        let price: f64 =
            req.participants.iter().map(|&p| lambda[p]).sum::<f64>() + mu[..=k].iter().sum::<f64>();
        reduced[r] = req.weight() as f64 - req.slots as f64 * price;
    }
    // The bound is on an integer objective.
    ((steps.best + 1e-6).floor().max(best as f64) as u64, reduced)
}

/// The slots of row `i` of an occupancy table held by something immovable (a panel or a
/// closed room).
fn fixed(occ: &[u32], i: usize, horizon: usize) -> u128 {
    occ[i * horizon..(i + 1) * horizon]
        .iter()
        .enumerate()
        .filter(|(_, &o)| o == PANEL)
        .fold(0u128, |m, (s, _)| m | 1u128 << s)
}

/// A small deterministic generator for tie-breaking.
fn mix(seed: u64, x: u64) -> u64 {
    let mut z = seed ^ x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Solves a forum; `progress` is called after each local-search pass with the objective.
pub fn solve(f: &Forum, s: &Settings, progress: &mut dyn FnMut(u64)) -> Solution {
    solve_from(f, None, s, progress).0
}

/// Solves starting from `fixed` (assignments to keep when they are still feasible; the
/// re-planning case). Returns the solution and how many kept assignments moved.
pub fn solve_from(
    f: &Forum,
    fixed: Option<&Schedule>,
    s: &Settings,
    progress: &mut dyn FnMut(u64),
) -> (Solution, usize) {
    let started = Instant::now();
    let mut st = State::new(f);
    for r in 0..f.requests.len() {
        st.add_pressure(r, 1);
    }
    let mut panels_impossible = Vec::new();
    let mut kept_before: Vec<Option<Place>> = vec![None; f.requests.len()];
    if let Some(old) = fixed {
        // Keep every old panel and meeting that still fits, in that order.
        for (k, p) in old.panels.iter().enumerate() {
            if let Some((t, h)) = *p {
                let panel = &f.panels[k];
                let free = st.starts(&panel.speakers, panel.slots, true) >> t & 1 == 1
                    && f.rooms
                        .get(h)
                        .is_some_and(|room| room.hall && room.capacity >= panel.audience)
                    && st.room_busy[h] & span(t, panel.slots) == 0;
                if free {
                    let speakers = panel.speakers.clone();
                    st.occupy(&speakers, h, t, panel.slots, PANEL);
                    st.schedule.panels[k] = Some((t, h));
                }
            }
        }
        for (r, p) in old.requests.iter().enumerate() {
            if let Some((t, room)) = *p {
                let req = &f.requests[r];
                let ok = st.starts(&req.participants, req.slots, true) >> t & 1 == 1
                    && f.rooms
                        .get(room)
                        .is_some_and(|x| !x.hall && x.capacity as usize >= req.participants.len())
                    && st.room_busy[room] & span(t, req.slots) == 0;
                if ok {
                    let people = req.participants.clone();
                    st.occupy(&people, room, t, req.slots, r as u32);
                    st.schedule.requests[r] = Some((t, room));
                    kept_before[r] = Some((t, room));
                    st.frozen[r] = true;
                    st.add_pressure(r, -1);
                }
            }
        }
        // Panels that lost their place are placed again like new ones.
        let missing: Vec<usize> = (0..f.panels.len())
            .filter(|&k| st.schedule.panels[k].is_none())
            .collect();
        if !missing.is_empty() {
            panels_impossible = st.place_panels();
        }
    } else {
        panels_impossible = st.place_panels();
    }
    // Two constructions, each followed by local search: by value per slot, then by the
    // value left after paying the Lagrangian prices of the first run's bound (requests
    // between overbooked people are worth less than they look). The better one is kept.
    let flex: Vec<u32> = (0..f.requests.len())
        .map(|r| {
            st.starts(&f.requests[r].participants, f.requests[r].slots, false)
                .count_ones()
        })
        .collect();
    let base = st.clone();
    let mut passes = 0;
    let density: Vec<f64> = f
        .requests
        .iter()
        .map(|q| q.weight() as f64 / q.slots as f64)
        .collect();
    let mut work = 0u64;
    let mut stops: Vec<Stop> = Vec::new();
    // The limits are checked before each insertion attempt: the work budget first, so a run
    // that reaches it is reproducible even if the time cap was reached too.
    let mut run = |st: &mut State<'_>,
                   value: &[f64],
                   deadline: f64,
                   max_work: u64,
                   passes: &mut usize,
                   work: &mut u64| {
        let mut order: Vec<usize> = (0..f.requests.len())
            .filter(|&r| st.schedule.requests[r].is_none())
            .collect();
        order.sort_by(|&a, &b| {
            value[b]
                .total_cmp(&value[a])
                .then(flex[a].cmp(&flex[b]))
                .then(
                    f.requests[b]
                        .participants
                        .len()
                        .cmp(&f.requests[a].participants.len()),
                )
                .then(mix(s.seed, a as u64).cmp(&mix(s.seed, b as u64)))
        });
        for &r in &order {
            st.add_pressure(r, -1);
            st.insert(r);
        }
        // Local search: insert what is left by moving or ejecting cheaper meetings.
        loop {
            *passes += 1;
            let mut improved = false;
            let mut left: Vec<usize> = (0..f.requests.len())
                .filter(|&r| st.schedule.requests[r].is_none())
                .collect();
            left.sort_by(|&a, &b| {
                value[b].total_cmp(&value[a]).then(
                    mix(s.seed ^ *passes as u64, a as u64)
                        .cmp(&mix(s.seed ^ *passes as u64, b as u64)),
                )
            });
            let mut stop = None;
            for r in left {
                if st.schedule.requests[r].is_some() {
                    continue;
                }
                if *work >= max_work {
                    stop = Some(Stop::Work);
                } else if started.elapsed().as_secs_f64() > deadline {
                    stop = Some(Stop::Time);
                }
                if stop.is_some() {
                    break;
                }
                *work += 1;
                if st.insert(r) || st.eject_insert(r, 3) > 0 {
                    improved = true;
                }
            }
            progress(st.objective());
            if stop.is_some() || !improved {
                return stop.unwrap_or(Stop::LocalOptimum);
            }
        }
    };
    let budget = s.seconds.max(0.0);
    stops.push(run(
        &mut st,
        &density,
        budget / 2.0,
        s.work / 2,
        &mut passes,
        &mut work,
    ));
    // Re-price from the first schedule and build again (a second round of prices gained
    // nothing on the generated forums).
    let (_, reduced) = upper_bound(&st, st.objective());
    let priced: Vec<f64> = reduced
        .iter()
        .zip(&f.requests)
        .map(|(v, q)| v / q.slots as f64)
        .collect();
    let mut second = base;
    stops.push(run(
        &mut second,
        &priced,
        budget,
        s.work,
        &mut passes,
        &mut work,
    ));
    let stopped_by = if stops.contains(&Stop::Time) {
        Stop::Time
    } else if stops.contains(&Stop::Work) {
        Stop::Work
    } else {
        Stop::LocalOptimum
    };
    if second.objective() > st.objective() {
        st = second;
    }
    let objective = st.objective();
    // The bound is over every placement of the panels placed here, not only this one: a
    // schedule that moves a panel can be worth more than this schedule's panels allow.
    let placed: Vec<bool> = st.schedule.panels.iter().map(Option::is_some).collect();
    let bound = crate::bound::upper_bound(f, &placed, objective);
    let unscheduled = (0..f.requests.len())
        .filter(|&r| st.schedule.requests[r].is_none())
        .map(|r| (r, st.reason(r)))
        .collect();
    let moved = kept_before
        .iter()
        .zip(&st.schedule.requests)
        .filter(|(a, b)| a.is_some() && a != b)
        .count();
    (
        Solution {
            schedule: st.schedule,
            objective,
            upper_bound: bound.value,
            bound_method: bound.method,
            unscheduled,
            panels_impossible,
            passes,
            work,
            stopped_by,
        },
        moved,
    )
}
