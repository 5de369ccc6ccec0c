//! An upper bound on the bilateral value that holds for every schedule placing the same
//! panels, wherever they go: a Lagrangian relaxation of the time-indexed model.
//!
//! The model: a meeting r starts at one of its starts t (all its people present, one day,
//! some bilateral room seating it open throughout) or not at all; each panel that is placed
//! starts at one of its starts (speakers present, some large enough hall open). Per person
//! and slot, at most one meeting or panel; per slot and room class (rooms seating at least
//! k), at most as many meetings of k or more people as there are such rooms open. Pricing
//! each (person, slot) and (class, slot) capacity at λ, μ ≥ 0 gives, for any prices,
//!
//!   L = Σ λ + Σ μ·rooms + Σ_r max(0, max_t w_r − price_r(t)) − Σ_panels min_t price_k(t)
//!
//! which is at least the value of every such schedule (weak duality). Panels are in the
//! model, not fixed, so the bound does not depend on where this schedule put them. The
//! prices are found by subgradient steps, first tied over time (one price per person and
//! class: the classic bound, cheap and near its best within a few hundred steps), then per
//! slot, which also sees that people's free slots must coincide. The best L is the
//! Lagrangian dual of a relaxation whose subproblems are integral, i.e. the time-indexed
//! LP relaxation's value when the steps converge; any step's L is valid on its own.
//! Halls are not priced (panels compete for halls only with panels; leaving that out only
//! loosens the bound).

use crate::model::Forum;

/// What was computed, for the output's label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The bound, an integer (the objective is one).
    pub value: u64,
    /// Subgradient steps run with prices per slot (0: only the time-free prices).
    pub timed_steps: usize,
}

/// Work allowed for the bound, in (request, start) evaluations: bounded so that the bound
/// never costs more than a fraction of the solve on the largest forums (and is
/// deterministic, unlike a wall-clock budget).
const WORK: usize = 60_000_000;
/// Steps with time-free prices, then at most this many with prices per slot.
const TIED_STEPS: usize = 400;
const TIMED_STEPS: usize = 1500;

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

/// One item of the relaxation: a meeting (value > 0) or a placed panel (value 0, must be
/// placed), with its people, length, room class and possible starts.
struct Item {
    value: f64,
    people: Vec<usize>,
    len: usize,
    /// Room class index (meetings) — classes 0..=class are charged.
    class: Option<usize>,
    starts: Vec<usize>,
}

/// The bound over every schedule that places the panels marked in `placed` (the value of
/// any schedule is at most this), given `lower` (the value of a known schedule, which
/// steers the step sizes).
pub fn upper_bound(f: &Forum, placed: &[bool], lower: u64) -> Bound {
    let h = f.horizon();
    let per_day = f.slots.len().max(1);
    let all = span(0, h.min(128));
    let avail: Vec<u128> = f
        .participants
        .iter()
        .map(|p| {
            if p.departs < p.arrives {
                0
            } else {
                span(p.arrives, p.departs + 1 - p.arrives) & all
            }
        })
        .collect();
    let open: Vec<u128> = f
        .rooms
        .iter()
        .map(|r| match r.closed_from {
            Some(c) if c < h => all & span(0, c),
            _ => all,
        })
        .collect();
    let day_ok = |len: usize| -> u128 {
        (0..h)
            .filter(|t| len >= 1 && t % per_day + len <= per_day)
            .fold(0u128, |m, t| m | 1u128 << t)
    };
    let starts_of = |people: &[usize], len: usize, rooms: &mut dyn Iterator<Item = usize>| {
        let mut m = all;
        for &p in people {
            m &= avail[p];
        }
        let room_ok = rooms.fold(0u128, |acc, r| acc | block(open[r], len));
        let mut s = block(m, len) & day_ok(len) & room_ok;
        let mut v = Vec::new();
        while s != 0 {
            v.push(s.trailing_zeros() as usize);
            s &= s - 1;
        }
        v
    };
    let bilateral: Vec<usize> = (0..f.rooms.len()).filter(|&r| !f.rooms[r].hall).collect();
    let dedup = |v: &[usize]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    };
    // Room classes: the distinct meeting sizes.
    let mut sizes: Vec<usize> = f.requests.iter().map(|q| dedup(&q.participants).len()).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut items: Vec<Item> = Vec::new();
    for q in &f.requests {
        let people = dedup(&q.participants);
        let n = people.len();
        let mut rooms = bilateral
            .iter()
            .copied()
            .filter(|&r| f.rooms[r].capacity as usize >= n);
        let starts = starts_of(&people, q.slots, &mut rooms);
        if !starts.is_empty() {
            items.push(Item {
                value: q.weight() as f64,
                people,
                len: q.slots,
                class: Some(sizes.partition_point(|&s| s < n)),
                starts,
            });
        }
    }
    for (k, p) in f.panels.iter().enumerate() {
        if !placed.get(k).copied().unwrap_or(false) {
            continue;
        }
        let people = dedup(&p.speakers);
        let mut halls =
            (0..f.rooms.len()).filter(|&r| f.rooms[r].hall && f.rooms[r].capacity >= p.audience);
        let starts = starts_of(&people, p.slots, &mut halls);
        // A placed panel has a start; if none is found the input changed under us, and
        // leaving the panel out keeps the bound valid.
        if !starts.is_empty() {
            items.push(Item {
                value: 0.0,
                people,
                len: p.slots,
                class: None,
                starts,
            });
        }
    }
    if h == 0 || items.iter().all(|it| it.class.is_none()) {
        return Bound {
            value: lower,
            timed_steps: 0,
        };
    }
    // Capacities: 1 per (person, available slot); rooms per (class, slot).
    let np = f.participants.len();
    let mut cap_room = vec![0.0f64; sizes.len() * h];
    for (c, &k) in sizes.iter().enumerate() {
        for &r in &bilateral {
            if f.rooms[r].capacity as usize >= k {
                for s in 0..h {
                    if open[r] >> s & 1 == 1 {
                        cap_room[c * h + s] += 1.0;
                    }
                }
            }
        }
    }
    let nc = sizes.len();
    // Phase 1: one price per person and class, the same in every slot. Then an item's
    // price is the same at every start, so a step costs one pass over the items.
    let avail_n: Vec<f64> = avail.iter().map(|m| f64::from(m.count_ones())).collect();
    let cap_sum: Vec<f64> = (0..nc)
        .map(|c| cap_room[c * h..(c + 1) * h].iter().sum())
        .collect();
    let mut lam_p = vec![0.0f64; np];
    let mut mu_c = vec![0.0f64; nc];
    let mut best = f64::INFINITY;
    let mut best_tied = (lam_p.clone(), mu_c.clone());
    let mut step = 2.0;
    let mut stall = 0;
    for _ in 0..TIED_STEPS {
        let mut l: f64 = lam_p.iter().zip(&avail_n).map(|(x, c)| x * c).sum::<f64>()
            + mu_c.iter().zip(&cap_sum).map(|(x, c)| x * c).sum::<f64>();
        let mut g_p = avail_n.clone();
        let mut g_c = cap_sum.clone();
        for item in &items {
            let len = item.len as f64;
            let mut price: f64 = item.people.iter().map(|&p| lam_p[p]).sum();
            if let Some(k) = item.class {
                price += mu_c[..=k].iter().sum::<f64>();
            }
            let reduced = item.value - len * price;
            if item.class.is_none() || reduced > 0.0 {
                l += reduced;
                for &p in &item.people {
                    g_p[p] -= len;
                }
                if let Some(k) = item.class {
                    for g in &mut g_c[..=k] {
                        *g -= len;
                    }
                }
            }
        }
        if l < best - 1e-9 {
            best = l;
            best_tied = (lam_p.clone(), mu_c.clone());
            stall = 0;
        } else {
            stall += 1;
            if stall >= 15 {
                step /= 2.0;
                stall = 0;
            }
        }
        let norm: f64 = g_p.iter().chain(&g_c).map(|g| g * g).sum();
        if norm < 1e-12 || step < 1e-4 {
            break;
        }
        let t = step * (l - lower as f64).max(1.0) / norm;
        for (x, g) in lam_p.iter_mut().zip(&g_p) {
            *x = (*x - t * g).max(0.0);
        }
        for (x, g) in mu_c.iter_mut().zip(&g_c) {
            *x = (*x - t * g).max(0.0);
        }
    }
    // Phase 2: a price per person and slot and per class and slot, from the best phase-1
    // prices, as many steps as the work budget allows.
    let work: usize = items
        .iter()
        .map(|it| it.starts.len() * (it.people.len() + 1))
        .sum::<usize>()
        .max(1);
    let timed_steps = TIMED_STEPS.min(WORK / work);
    let mut lambda: Vec<f64> = (0..np * h).map(|i| best_tied.0[i / h]).collect();
    let mut mu: Vec<f64> = (0..nc * h).map(|i| best_tied.1[i / h]).collect();
    let mut g_l = vec![0.0f64; np * h];
    let mut g_m = vec![0.0f64; nc * h];
    // Prefix sums over time of each person's prices and each class's cumulated prices.
    let mut pre_l = vec![0.0f64; np * (h + 1)];
    let mut pre_m = vec![0.0f64; nc * (h + 1)];
    let mut step = 1.0;
    let mut stall = 0;
    let mut done_timed = 0;
    for _ in 0..timed_steps {
        done_timed += 1;
        for p in 0..np {
            for s in 0..h {
                pre_l[p * (h + 1) + s + 1] = pre_l[p * (h + 1) + s] + lambda[p * h + s];
            }
        }
        // A meeting of class k pays Σ_{c ≤ k} μ[c] in each slot it uses.
        for s in 0..h {
            let mut cum = 0.0;
            for c in 0..nc {
                cum += mu[c * h + s];
                pre_m[c * (h + 1) + s + 1] = pre_m[c * (h + 1) + s] + cum;
            }
        }
        let mut l = 0.0;
        for p in 0..np {
            for s in 0..h {
                let a = avail[p] >> s & 1 == 1;
                g_l[p * h + s] = if a { 1.0 } else { 0.0 };
                if a {
                    l += lambda[p * h + s];
                }
            }
        }
        for i in 0..mu.len() {
            l += mu[i] * cap_room[i];
            g_m[i] = cap_room[i];
        }
        for item in &items {
            let price = |t: usize| {
                let e = t + item.len;
                let mut c: f64 = item
                    .people
                    .iter()
                    .map(|&p| pre_l[p * (h + 1) + e] - pre_l[p * (h + 1) + t])
                    .sum();
                if let Some(k) = item.class {
                    c += pre_m[k * (h + 1) + e] - pre_m[k * (h + 1) + t];
                }
                c
            };
            let mut pick = (f64::INFINITY, 0usize);
            for &t in &item.starts {
                let c = price(t);
                if c < pick.0 {
                    pick = (c, t);
                }
            }
            let (cost, t) = pick;
            if item.class.is_some() && item.value - cost <= 0.0 {
                continue;
            }
            l += item.value - cost;
            for &p in &item.people {
                for s in t..t + item.len {
                    g_l[p * h + s] -= 1.0;
                }
            }
            if let Some(k) = item.class {
                for c in 0..=k {
                    for s in t..t + item.len {
                        g_m[c * h + s] -= 1.0;
                    }
                }
            }
        }
        if l < best - 1e-9 {
            best = l;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 15 {
                step /= 2.0;
                stall = 0;
            }
        }
        let norm: f64 = g_l.iter().chain(&g_m).map(|g| g * g).sum();
        if norm < 1e-12 || step < 1e-4 {
            break;
        }
        let t = step * (l - lower as f64).max(1.0) / norm;
        for (x, g) in lambda.iter_mut().zip(&g_l) {
            *x = (*x - t * g).max(0.0);
        }
        for (x, g) in mu.iter_mut().zip(&g_m) {
            *x = (*x - t * g).max(0.0);
        }
    }
    // The objective is an integer, and float rounding is far below 1e-6 here.
    Bound {
        value: ((best + 1e-6).floor().max(lower as f64)) as u64,
        timed_steps: done_timed,
    }
}
