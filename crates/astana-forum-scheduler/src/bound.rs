//! An upper bound on the bilateral value that holds for every schedule placing the same
//! panels, wherever they go.
//!
//! The time-indexed model: a meeting r starts at one of its starts t (all its people
//! present, one day, some bilateral room seating it open throughout) or not at all; each
//! panel that is placed starts at one of its starts (speakers present, a large enough hall
//! open). Per person and slot, at most one meeting or panel; per slot and room class (rooms
//! seating at least k), at most as many meetings of k or more people as such rooms are
//! open. Panels are variables of the model, not fixed, so the bound does not depend on
//! where this schedule put them. Halls are left out (panels compete for halls only with
//! panels; leaving that out only loosens the bound).
//!
//! Two relaxations of it; the smaller value is reported:
//! - its LP relaxation, solved exactly (simplex, `microlp`) when it has at most
//!   [`LP_MAX_COLUMNS`] (meeting or panel, start) columns, where it fits the time budget
//!   (≈ 0.4 s at 11,000 columns; the 100,000 of the bench's small forum take 34 s);
//! - a Lagrangian relaxation with one price per person and per room class, the same in
//!   every slot, minimised by subgradient steps. For any prices λ, μ ≥ 0,
//!   L = Σ λ·slots present + Σ μ·room-slots + Σ_r max(0, w_r − len_r·price_r)
//!   − Σ_panels len·price_panel is at least the value of every such schedule (weak
//!   duality), so it is valid wherever the steps stop. It ignores which slots coincide.

use crate::model::Forum;
use crate::subgradient::Steps;

/// How the bound was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The exact LP relaxation of the time-indexed model.
    TimeIndexedLp,
    /// Lagrangian prices per person and room class (the LP was too large for the budget).
    Lagrangian,
}

impl Method {
    /// Its name in the output.
    pub fn name(self) -> &'static str {
        match self {
            Method::TimeIndexedLp => "time-indexed LP relaxation",
            Method::Lagrangian => "Lagrangian relaxation (prices per person and room class)",
        }
    }
}

/// The bound and how it was obtained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The bound, an integer (the objective is one).
    pub value: u64,
    /// The relaxation that gave it.
    pub method: Method,
}

/// The largest LP solved exactly, in (meeting or panel, start) columns: a deterministic
/// stand-in for a time budget of about a second.
pub const LP_MAX_COLUMNS: usize = 20_000;
/// The LP solver's time limit, seconds.
const LP_SECONDS: u64 = 10;
/// Subgradient steps for the Lagrangian prices.
const STEPS: usize = 400;

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
            // Same starts as the solver: back to back within a day, no break inside.
            .filter(|t| f.block_fits(t % per_day, len))
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
    let mut sizes: Vec<usize> = f
        .requests
        .iter()
        .map(|q| dedup(&q.participants).len())
        .collect();
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
            method: Method::Lagrangian,
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
    // One price per person and class, the same in every slot: an item's price is then the
    // same at every start, so a step costs one pass over the items.
    let avail_n: Vec<f64> = avail.iter().map(|m| f64::from(m.count_ones())).collect();
    let cap_sum: Vec<f64> = (0..nc)
        .map(|c| cap_room[c * h..(c + 1) * h].iter().sum())
        .collect();
    let mut lam_p = vec![0.0f64; np];
    let mut mu_c = vec![0.0f64; nc];
    let mut steps = Steps::new(f64::INFINITY);
    for _ in 0..STEPS {
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
            // A placed panel is always in; a meeting only when it pays for its time.
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
        if !steps.update(l, lower as f64, [&mut lam_p, &mut mu_c], [&g_p, &g_c]) {
            break;
        }
    }
    // The objective is an integer, and float rounding is far below 1e-6 here.
    let mut out = Bound {
        value: ((steps.best + 1e-6).floor().max(lower as f64)) as u64,
        method: Method::Lagrangian,
    };
    let columns: usize = items.iter().map(|it| it.starts.len()).sum();
    if columns <= LP_MAX_COLUMNS {
        if let Some(v) = lp(&items, np, &cap_room, h) {
            // The simplex works in floating point: 1e-4 of slack keeps a value a hair
            // below an integer from rounding down past the optimum.
            let v = ((v + 1e-4).floor().max(lower as f64)) as u64;
            if v <= out.value {
                out = Bound {
                    value: v,
                    method: Method::TimeIndexedLp,
                };
            }
        }
    }
    out
}

/// The LP relaxation of the time-indexed model; none if the solver fails.
fn lp(items: &[Item], people: usize, cap_room: &[f64], h: usize) -> Option<f64> {
    use microlp::{
        ComparisonOp, OptimizationDirection, Problem, SolutionStatus, SolveOutcome, Variable,
    };
    let mut p = Problem::new(OptimizationDirection::Maximize);
    // A safety net only (≤ LP_MAX_COLUMNS columns solve in about a second): past it the
    // Lagrangian bound stands.
    p.set_time_limit(std::time::Duration::from_secs(LP_SECONDS));
    let mut person: Vec<Vec<Variable>> = vec![Vec::new(); people * h];
    let mut room: Vec<Vec<Variable>> = vec![Vec::new(); cap_room.len()];
    for item in items {
        let vars: Vec<(Variable, f64)> = item
            .starts
            .iter()
            .map(|&t| {
                let v = p.add_var(item.value, (0.0, 1.0));
                for s in t..t + item.len {
                    for &q in &item.people {
                        person[q * h + s].push(v);
                    }
                    if let Some(k) = item.class {
                        for c in 0..=k {
                            room[c * h + s].push(v);
                        }
                    }
                }
                (v, 1.0)
            })
            .collect();
        let op = if item.class.is_some() {
            ComparisonOp::Le
        } else {
            ComparisonOp::Eq
        };
        p.add_constraint(&vars[..], op, 1.0);
    }
    // Rows that cannot bind (a person's slot with one column, fewer meetings than rooms)
    // are left out.
    for vars in person.iter().filter(|v| v.len() > 1) {
        let e: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
        p.add_constraint(&e[..], ComparisonOp::Le, 1.0);
    }
    for (vars, &cap) in room.iter().zip(cap_room) {
        if vars.len() as f64 > cap {
            let e: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
            p.add_constraint(&e[..], ComparisonOp::Le, cap);
        }
    }
    match p.solve() {
        // Only a proven optimum is an upper bound; a feasible point is not.
        Ok(SolveOutcome::Solution(s)) if s.status() == SolutionStatus::Optimal => {
            Some(s.objective())
        }
        _ => None,
    }
}
