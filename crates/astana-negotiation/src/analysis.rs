//! Where agreement is possible and which settlement is fair: the Pareto frontier of the
//! rational outcomes and the Nash, Kalai–Smorodinsky, egalitarian and welfare points.
//!
//! Utilities are additive, so the frontier never needs the whole outcome space: the Pareto
//! set of a sum is inside the sum of the Pareto sets. The frontier is built issue by issue,
//! keeping only non-dominated partial sums (a skyline) that can still reach every party's
//! reservation value, then capped at 1 as GENIUS caps utilities and filtered to the
//! rational outcomes. The rational outcomes, the outcomes tied with each reported point and
//! each point's first outcome in row-major order are then counted exactly by meeting in
//! the middle ([`crate::count`]), without visiting every outcome.
//!
//! The frontier's cost is estimated before each issue from how fast it has grown so far;
//! when the estimate passes [`Limits::max_frontier_work`] the frontier is not built and the
//! settlements are found by scanning every outcome instead (exact, [`Method::Scan`]).
//!
//! Ties: two criterion values within a relative 1e-12 are the same value; among tied
//! points the one of higher welfare wins (utilities on the 1e-12 grid), then the one whose
//! first outcome comes first in row-major order (the last issue varying fastest).

use crate::count::{Count, Counter, Range};
use crate::domain::Negotiation;

/// An outcome and its utilities.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Value index per issue.
    pub outcome: Vec<u32>,
    /// Utility per party.
    pub utilities: Vec<f64>,
}

/// A settlement: the chosen point, the value of its criterion and how many outcomes share
/// its utilities.
#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    /// The point.
    pub point: Point,
    /// The criterion's value (product of gains, smallest normalised gain, ...).
    pub value: f64,
    /// Rational outcomes with exactly these utilities (on the 1e-12 grid).
    pub ties: Count,
}

/// How the settlements were found.
#[derive(Clone, Debug, PartialEq)]
pub enum Method {
    /// From the Pareto frontier, built issue by issue.
    Frontier,
    /// By scanning every outcome, the frontier not being built; the reason says why.
    Scan {
        /// Why the frontier was not built (its estimated cost and the limit).
        reason: String,
    },
}

/// The analysis of a negotiation.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Size of the outcome space.
    pub outcomes: u128,
    /// Outcomes giving every party at least its reservation value.
    pub rational_outcomes: Count,
    /// Reservation values.
    pub reservation: Vec<f64>,
    /// Best utility per party over all outcomes (the ideal point).
    pub ideal: Vec<f64>,
    /// Worst utility per party over all outcomes.
    pub worst: Vec<f64>,
    /// How the settlements were found; with [`Method::Scan`], `pareto` is empty.
    pub method: Method,
    /// The Pareto frontier of the rational outcomes, one point per distinct utility vector,
    /// by welfare descending (then first utility descending).
    pub pareto: Vec<Point>,
    /// Nash: maximises Π(uᵢ − rᵢ) over rational outcomes.
    pub nash: Option<Settlement>,
    /// Kalai–Smorodinsky: maximises minᵢ (uᵢ − rᵢ)/(Mᵢ − rᵢ), Mᵢ the ideal utility.
    pub kalai_smorodinsky: Option<Settlement>,
    /// Egalitarian: maximises minᵢ (uᵢ − rᵢ).
    pub egalitarian: Option<Settlement>,
    /// Every point of maximal Σuᵢ (distinct utilities), the first in row-major order first.
    pub max_welfare: Vec<Settlement>,
}

/// Largest outcome space scanned by default when the frontier is not built.
pub const SCAN_LIMIT: u128 = 200_000_000;

/// Default bound on the work of counting (bitset words, checks and search steps, a few
/// nanoseconds each: the 10⁹-outcome test domain takes 7·10⁸ in 1.7 s); past it a count
/// is given as bounds.
pub const COUNT_WORK_LIMIT: f64 = 1e10;

/// Default bound on the frontier's estimated dominance tests (about 0.6 ns each on this
/// project's machine: 30 s; the tests actually made stop at 1.5 times this).
pub const FRONTIER_WORK_LIMIT: f64 = 5e10;

/// Most candidate partial agreements held at once while building the frontier (memory:
/// about 20 bytes per party and issue each); beyond it the settlements come from a scan.
pub const FRONTIER_CANDIDATE_LIMIT: usize = 20_000_000;

/// Most distinct max-welfare points a scan keeps.
const MAX_WELFARE_POINTS: usize = 16;

/// Bounds on an analysis, checked before the work is done.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Most dominance tests the frontier may take, as estimated before each issue (and
    /// counted while it runs); beyond it the settlements come from a scan.
    /// `f64::INFINITY` insists: no work limit, and a scan of any size when the frontier
    /// does not fit in memory.
    pub max_frontier_work: f64,
    /// Largest outcome space scanned by the scan method.
    pub max_scan: u128,
    /// Most work spent counting rational and tied outcomes; past it the counts are bounds.
    pub max_count_work: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frontier_work: FRONTIER_WORK_LIMIT,
            max_scan: SCAN_LIMIT,
            max_count_work: COUNT_WORK_LIMIT,
        }
    }
}

/// Progress of a long analysis: `done` of `total` units of its current phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// "frontier" (candidates tested, per issue), "settlements" (outcomes scanned) or
    /// "counts" (first-half outcomes counted).
    pub phase: &'static str,
    /// Units done.
    pub done: u64,
    /// Units in the phase.
    pub total: u64,
}

/// Utilities closer than this are the same utility: sums taken in different orders differ
/// in the last bits, and a point must not survive on rounding noise.
pub const UTILITY_RESOLUTION: f64 = 1e-12;

/// A utility on the resolution grid.
pub(crate) fn key(u: f64) -> i64 {
    (u / UTILITY_RESOLUTION).round() as i64
}

fn welfare_key(u: &[f64]) -> i64 {
    u.iter().map(|&x| key(x)).sum()
}

/// `a` and `b` are the same criterion value (relative 1e-12).
fn tied(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

/// Candidates of one issue step, flat: `n` sums and `j` value indices each.
struct Candidates {
    n: usize,
    j: usize,
    sums: Vec<f64>,
    outcomes: Vec<u32>,
}

impl Candidates {
    fn len(&self) -> usize {
        self.sums.len() / self.n.max(1)
    }
    fn sums(&self, i: usize) -> &[f64] {
        &self.sums[i * self.n..(i + 1) * self.n]
    }
    fn outcome(&self, i: usize) -> &[u32] {
        &self.outcomes[i * self.j..(i + 1) * self.j]
    }
}

/// Indices of the non-dominated candidates (utilities on the resolution grid, capped at 1
/// when `cap`); equal vectors keep the first outcome in row-major order. Adds the
/// dominance tests made to `work`; `None` as soon as `work` passes `budget`.
fn skyline(
    c: &Candidates,
    cap: bool,
    work: &mut f64,
    budget: f64,
    progress: &mut dyn FnMut(Progress),
) -> Option<Vec<usize>> {
    let (n, m) = (c.n, c.len());
    let keys: Vec<i64> = c
        .sums
        .iter()
        .map(|&x| key(if cap { x.min(1.0) } else { x }))
        .collect();
    let k = |i: usize| &keys[i * n..(i + 1) * n];
    let mut order: Vec<usize> = (0..m).collect();
    if n == 2 {
        // By the first utility descending, then the second descending: a point survives
        // iff its second utility beats every point before it.
        order.sort_unstable_by(|&a, &b| {
            k(b)[0]
                .cmp(&k(a)[0])
                .then(k(b)[1].cmp(&k(a)[1]))
                .then(c.outcome(a).cmp(c.outcome(b)))
        });
        *work += m as f64;
        let mut best = i64::MIN;
        return Some(
            order
                .into_iter()
                .filter(|&i| {
                    let keep = k(i)[1] > best;
                    best = best.max(k(i)[1]);
                    keep
                })
                .collect(),
        );
    }
    // By sum descending: only an earlier point can dominate a later one (a point of equal
    // sum dominates only if equal, and then the earlier outcome is kept).
    // In i128: keys of uncapped sums saturate at i64::MAX when weights are huge.
    let sums: Vec<i128> = (0..m)
        .map(|i| k(i).iter().map(|&x| i128::from(x)).sum())
        .collect();
    order.sort_unstable_by(|&a, &b| sums[b].cmp(&sums[a]).then(c.outcome(a).cmp(c.outcome(b))));
    // A signature packs each party's utility, coarsened to a few monotone levels, into one
    // word with a guard bit per field: one subtraction tells whether q can dominate p in
    // every coordinate, and only then are the exact keys compared.
    let width = 64 / n.max(1);
    let sig: Vec<u64> = if width >= 2 {
        let levels = (1u64 << (width - 1)) as f64;
        let lo: Vec<i64> = (0..n)
            .map(|p| (0..m).map(|i| k(i)[p]).min().unwrap_or(0))
            .collect();
        let hi: Vec<i64> = (0..n)
            .map(|p| (0..m).map(|i| k(i)[p]).max().unwrap_or(0))
            .collect();
        (0..m)
            .map(|i| {
                (0..n).fold(0u64, |s, p| {
                    let span = (hi[p] - lo[p]) as f64 + 1.0;
                    let level = (((k(i)[p] - lo[p]) as f64 / span) * levels) as u64;
                    s | (level.min(levels as u64 - 1) << (p * width))
                })
            })
            .collect()
    } else {
        vec![0; m]
    };
    let guard: u64 = if width >= 2 {
        (0..n).fold(0, |g, p| g | (1u64 << (p * width + width - 1)))
    } else {
        0
    };
    let mut kept_keys: Vec<i64> = Vec::new();
    let mut kept_sig: Vec<u64> = Vec::new();
    let mut out = Vec::new();
    for (done, &i) in order.iter().enumerate() {
        if done & 4095 == 0 {
            progress(Progress {
                phase: "frontier",
                done: done as u64,
                total: m as u64,
            });
        }
        let (ki, si) = (k(i), sig[i]);
        *work += kept_sig.len() as f64;
        if *work > budget {
            return None;
        }
        let dominated = kept_sig.iter().enumerate().any(|(q, &sq)| {
            ((sq | guard).wrapping_sub(si) & guard) == guard
                && kept_keys[q * n..(q + 1) * n]
                    .iter()
                    .zip(ki)
                    .all(|(a, b)| a >= b)
        });
        if !dominated {
            kept_keys.extend_from_slice(ki);
            kept_sig.push(si);
            out.push(i);
        }
    }
    Some(out)
}

/// The Pareto frontier of the rational outcomes (see the module documentation), without
/// limits.
pub fn pareto(neg: &Negotiation) -> Vec<Point> {
    frontier(neg, f64::INFINITY, &mut |_| {}).unwrap_or_default()
}

/// The frontier, or why it was not built (estimated or counted work above `max_work`, or
/// too many candidates to hold).
fn frontier(
    neg: &Negotiation,
    max_work: f64,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Point>, String> {
    let n = neg.parties.len();
    let k = neg.issues.len();
    // rest[j * n + p]: party p's best sum over issues j.. (to prune partial agreements
    // that can no longer reach p's reservation value).
    let mut rest = vec![0.0f64; (k + 1) * n];
    for j in (0..k).rev() {
        for (p, party) in neg.parties.iter().enumerate() {
            let best = party.terms[j].iter().copied().fold(0.0, f64::max);
            rest[j * n + p] = rest[(j + 1) * n + p] + best;
        }
    }
    let mut front = Candidates {
        n,
        j: 0,
        sums: vec![0.0; n],
        outcomes: Vec::new(),
    };
    let mut work = 0.0;
    let mut sizes: Vec<usize> = Vec::new();
    let mut last_candidates = 0usize;
    for (j, issue) in neg.issues.iter().enumerate() {
        let m = issue.values.len();
        let size = front.len();
        let candidates = size.saturating_mul(m);
        // Estimated dominance tests of this issue and the next, as large a share of the
        // candidates surviving as on the last issue (all of them for the first). Each issue
        // multiplies the work, so the frontier stops before the issue that would pass the
        // limit, or the one before it; an estimate that proves low is caught by the tests
        // counted as they are made.
        let survive = match (sizes.last(), last_candidates) {
            (Some(&kept), c) if c > 0 => kept as f64 / c as f64,
            _ => 1.0,
        };
        let mut estimate = 0.0;
        let mut kept = size as f64;
        let ahead = if sizes.is_empty() { 1 } else { 2 };
        for later in neg.issues[j..].iter().take(ahead) {
            let cand = kept * later.values.len() as f64;
            kept = cand * survive;
            estimate += if n == 2 { cand } else { cand * kept / 2.0 };
        }
        let history = || {
            let s: Vec<String> = sizes.iter().map(usize::to_string).collect();
            if s.is_empty() {
                String::new()
            } else {
                format!(" (frontier sizes so far, issue by issue: {})", s.join(", "))
            }
        };
        if work + estimate > max_work {
            return Err(format!(
                "the Pareto frontier would take about {estimate:.1e} dominance tests at issue {} of {k}{}, more than the limit of {max_work:.1e}",
                j + 1,
                history()
            ));
        }
        if candidates > FRONTIER_CANDIDATE_LIMIT {
            return Err(format!(
                "the Pareto frontier would hold {candidates} partial agreements at issue {} of {k}{}, more than the {FRONTIER_CANDIDATE_LIMIT} it keeps in memory",
                j + 1,
                history()
            ));
        }
        let mut next = Candidates {
            n,
            j: j + 1,
            sums: Vec::new(),
            outcomes: Vec::new(),
        };
        next.sums
            .try_reserve(candidates * n)
            .and_then(|()| next.outcomes.try_reserve(candidates * (j + 1)))
            .map_err(|_| format!("not enough memory for {candidates} partial agreements"))?;
        let reach = &rest[(j + 1) * n..(j + 2) * n];
        let mut sums = vec![0.0; n];
        for i in 0..size {
            for v in 0..m {
                let mut ok = true;
                for (p, party) in neg.parties.iter().enumerate() {
                    sums[p] = front.sums(i)[p] + party.terms[j][v];
                    ok &= sums[p] + reach[p] >= party.reservation;
                }
                if ok {
                    next.sums.extend_from_slice(&sums);
                    next.outcomes.extend_from_slice(front.outcome(i));
                    next.outcomes.push(v as u32);
                }
            }
        }
        let last = j + 1 == k;
        last_candidates = next.len();
        // The estimate can be low: the tests actually made stop at 1.5 times the limit.
        let Some(keep) = skyline(&next, last, &mut work, 1.5 * max_work, progress) else {
            return Err(format!(
                "the Pareto frontier took more than {:.1e} dominance tests by issue {} of {k}{}, 1.5 times the limit of {max_work:.1e}",
                1.5 * max_work,
                j + 1,
                history()
            ));
        };
        sizes.push(keep.len());
        let mut sorted = Candidates {
            n,
            j: j + 1,
            sums: Vec::with_capacity(keep.len() * n),
            outcomes: Vec::with_capacity(keep.len() * (j + 1)),
        };
        for &i in &keep {
            sorted.sums.extend_from_slice(next.sums(i));
            sorted.outcomes.extend_from_slice(next.outcome(i));
        }
        front = sorted;
    }
    let mut out: Vec<Point> = (0..front.len())
        .map(|i| Point {
            outcome: front.outcome(i).to_vec(),
            utilities: front.sums(i).iter().map(|x| x.min(1.0)).collect(),
        })
        .filter(|p| {
            p.utilities
                .iter()
                .zip(&neg.parties)
                .all(|(x, q)| *x >= q.reservation)
        })
        .collect();
    out.sort_by(|a, b| {
        welfare_key(&b.utilities)
            .cmp(&welfare_key(&a.utilities))
            .then_with(|| b.utilities[0].total_cmp(&a.utilities[0]))
    });
    Ok(out)
}

/// The three single-point criteria, in order: Nash, Kalai–Smorodinsky, egalitarian.
fn scores(u: &[f64], r: &[f64], ideal: &[f64]) -> [f64; 3] {
    let mut product = 1.0;
    let mut ks = f64::INFINITY;
    let mut egal = f64::INFINITY;
    for ((x, ri), m) in u.iter().zip(r).zip(ideal) {
        let gain = x - ri;
        product *= gain;
        ks = ks.min(if m > ri { gain / (m - ri) } else { 1.0 });
        egal = egal.min(gain);
    }
    [product, ks, egal]
}

/// The points tied for the best of `score` (then for the highest welfare among them).
fn tied_best(front: &[Point], score: impl Fn(&[f64]) -> f64) -> Vec<(Point, f64)> {
    let scored: Vec<(&Point, f64)> = front.iter().map(|p| (p, score(&p.utilities))).collect();
    let Some(best) = scored.iter().map(|x| x.1).max_by(f64::total_cmp) else {
        return Vec::new();
    };
    let ties: Vec<(&Point, f64)> = scored.into_iter().filter(|x| tied(x.1, best)).collect();
    let top = ties
        .iter()
        .map(|x| welfare_key(&x.0.utilities))
        .max()
        .unwrap_or(0);
    ties.into_iter()
        .filter(|x| welfare_key(&x.0.utilities) == top)
        .map(|(p, s)| (p.clone(), s))
        .collect()
}

/// Analyses a negotiation without a work limit (see [`analyze_with`]): counts are always
/// exact, and a frontier too large to hold in memory gives way to a scan of every outcome
/// however long it takes. For input from others use [`analyze_with`].
pub fn analyze(neg: &Negotiation) -> Analysis {
    let limits = Limits {
        max_frontier_work: f64::INFINITY,
        max_scan: SCAN_LIMIT,
        max_count_work: f64::INFINITY,
    };
    match analyze_with(neg, &limits, &mut |_| {}) {
        Ok(a) => a,
        // Not reached: without a work limit the scan fallback has no size limit.
        Err(_) => Analysis {
            outcomes: neg.outcome_count(),
            rational_outcomes: Count::Bounds {
                at_least: 0,
                at_most: neg.outcome_count(),
                reason: "not analysed".into(),
            },
            reservation: neg.parties.iter().map(|p| p.reservation).collect(),
            ideal: Vec::new(),
            worst: Vec::new(),
            method: Method::Scan {
                reason: String::new(),
            },
            pareto: Vec::new(),
            nash: None,
            kalai_smorodinsky: None,
            egalitarian: None,
            max_welfare: Vec::new(),
        },
    }
}

/// Analyses a negotiation within `limits`, reporting progress.
///
/// # Errors
/// When the frontier is refused (see [`Limits::max_frontier_work`]) and the outcome space
/// is also larger than [`Limits::max_scan`]; the message gives both estimates and limits.
pub fn analyze_with(
    neg: &Negotiation,
    limits: &Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<Analysis, String> {
    let r: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
    let extreme = |pick: fn(f64, f64) -> f64, start: f64| -> Vec<f64> {
        neg.parties
            .iter()
            .map(|p| {
                p.terms
                    .iter()
                    .map(|t| t.iter().copied().fold(start, pick))
                    .sum::<f64>()
                    .min(1.0)
            })
            .collect()
    };
    let ideal = extreme(f64::max, 0.0);
    let worst = extreme(f64::min, f64::INFINITY);
    let outcomes = neg.outcome_count();
    let can_scan = outcomes <= limits.max_scan;
    // An unlimited frontier budget means "insist": a frontier refused for memory then
    // gives way to a scan whatever the outcome count.
    let insist = limits.max_frontier_work == f64::INFINITY;
    let (method, front, groups, rational, ties, firsts) =
        match frontier(neg, limits.max_frontier_work, progress) {
            Ok(front) => {
                let mut groups: Vec<Vec<(Point, f64)>> = (0..3)
                    .map(|c| tied_best(&front, |u| scores(u, &r, &ideal)[c]))
                    .collect();
                groups.push(tied_best(&front, |u| u.iter().sum()));
                let points: Vec<(Point, f64)> = groups.iter().flatten().cloned().collect();
                let (rational, ties, firsts) =
                    counts(neg, &r, &points, limits.max_count_work, progress);
                (Method::Frontier, front, groups, rational, ties, firsts)
            }
            Err(reason) if can_scan || insist => {
                let (rational, best, welfare) = settle_by_scan(neg, &r, &ideal, progress);
                let mut groups: Vec<Vec<Best>> =
                    best.into_iter().map(|b| b.into_iter().collect()).collect();
                groups.push(welfare);
                let ties = groups
                    .iter()
                    .flatten()
                    .map(|b| Count::Exact(u128::from(b.ties)))
                    .collect();
                let firsts = groups
                    .iter()
                    .flatten()
                    .map(|b| Some(b.point.outcome.clone()))
                    .collect();
                let groups = groups
                    .into_iter()
                    .map(|g| g.into_iter().map(|b| (b.point, b.value)).collect())
                    .collect();
                let method = Method::Scan { reason };
                let rational = Count::Exact(u128::from(rational));
                (method, Vec::new(), groups, rational, ties, firsts)
            }
            Err(reason) => {
                return Err(format!(
                    "{outcomes} outcomes: {reason}; and scanning every outcome instead is limited to {} outcomes",
                    limits.max_scan
                ))
            }
        };
    // Back into groups, each point with its first outcome and tie count.
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    let mut settled = groups
        .into_iter()
        .flatten()
        .zip(ties.into_iter().zip(firsts))
        .map(|((mut point, value), (ties, first))| {
            if let Some(first) = first {
                point.outcome = first;
            }
            Settlement { point, value, ties }
        });
    let mut groups: Vec<Vec<Settlement>> = sizes
        .iter()
        .map(|&n| settled.by_ref().take(n).collect())
        .collect();
    for g in &mut groups {
        g.sort_by(|a, b| a.point.outcome.cmp(&b.point.outcome));
    }
    let max_welfare = groups.pop().unwrap_or_default();
    let mut first = groups.into_iter().map(|g| g.into_iter().next());
    let mut next = || first.next().flatten();
    Ok(Analysis {
        outcomes,
        rational_outcomes: rational,
        reservation: r,
        ideal,
        worst,
        method,
        pareto: front,
        nash: next(),
        kalai_smorodinsky: next(),
        egalitarian: next(),
        max_welfare,
    })
}

/// A best point found by a scan: criterion value, welfare on the grid, the point, its
/// utilities on the grid, and the outcomes seen with exactly those utilities.
struct Best {
    value: f64,
    welfare: i64,
    point: Point,
    keys: Vec<i64>,
    ties: u64,
}

impl Best {
    fn new(value: f64, welfare: i64, o: &[u32], u: &[f64], keys: Vec<i64>) -> Best {
        Best {
            value,
            welfare,
            point: Point {
                outcome: o.to_vec(),
                utilities: u.to_vec(),
            },
            keys,
            ties: 1,
        }
    }
}

/// The scan method: one pass over every outcome finds each criterion's best point (the
/// tie rule of the module documentation, applied as the outcomes stream by in row-major
/// order), counts the rational outcomes and the outcomes tied with each best point.
fn settle_by_scan(
    neg: &Negotiation,
    r: &[f64],
    ideal: &[f64],
    progress: &mut dyn FnMut(Progress),
) -> (u64, [Option<Best>; 3], Vec<Best>) {
    let total = u64::try_from(neg.outcome_count()).unwrap_or(u64::MAX);
    let mut best: [Option<Best>; 3] = [None, None, None];
    let mut welfare: Vec<Best> = Vec::new();
    let mut top = f64::NEG_INFINITY;
    let mut u = vec![0.0; r.len()];
    let (mut done, mut rational) = (0u64, 0u64);
    let keys = |u: &[f64]| -> Vec<i64> { u.iter().map(|&x| key(x)).collect() };
    neg.for_each_outcome(|o, sums| {
        done += 1;
        // At the first outcome, then every 2^20.
        if done & ((1 << 20) - 1) == 1 {
            progress(Progress {
                phase: "settlements",
                done,
                total,
            });
        }
        for (x, s) in u.iter_mut().zip(sums) {
            *x = s.min(1.0);
        }
        if u.iter().zip(r).any(|(x, ri)| x < ri) {
            return;
        }
        rational += 1;
        for (slot, value) in best.iter_mut().zip(scores(&u, r, ideal)) {
            match slot {
                Some(b) if !tied(value, b.value) && value < b.value => {}
                Some(b) if tied(value, b.value) => {
                    let k = keys(&u);
                    let w: i64 = k.iter().sum();
                    if k == b.keys {
                        b.ties += 1;
                    } else if w > b.welfare {
                        *slot = Some(Best::new(value, w, o, &u, k));
                    }
                }
                _ => {
                    let k = keys(&u);
                    *slot = Some(Best::new(value, k.iter().sum(), o, &u, k));
                }
            }
        }
        let ws: f64 = u.iter().sum();
        if ws > top || tied(ws, top) {
            let k = keys(&u);
            let w: i64 = k.iter().sum();
            let current = welfare.first().map_or(i64::MIN, |b| b.welfare);
            if w > current {
                welfare.clear();
                top = ws;
            }
            if w >= current {
                let room = welfare.len() < MAX_WELFARE_POINTS;
                match welfare.iter_mut().find(|b| b.keys == k) {
                    Some(b) => b.ties += 1,
                    None if room => welfare.push(Best::new(ws, w, o, &u, k)),
                    None => {}
                }
            }
        }
    });
    (rational, best, welfare)
}

type Counts = (Count, Vec<Count>, Vec<Option<Vec<u32>>>);

/// The rational outcomes, and per point the rational outcomes with exactly its utilities
/// (on the grid) and the first of them in row-major order, counted exactly within `budget`.
fn counts(
    neg: &Negotiation,
    r: &[f64],
    points: &[(Point, f64)],
    budget: f64,
    progress: &mut dyn FnMut(Progress),
) -> Counts {
    if neg.outcome_count() == 0 {
        return (
            Count::Exact(0),
            vec![Count::Exact(0); points.len()],
            vec![None; points.len()],
        );
    }
    let mut counter = Counter::new(neg, budget);
    let rational: Vec<Option<Range>> = r.iter().map(|&x| Range::rational(x)).collect();
    let all = counter.count(&rational, false, progress).count;
    let (ties, firsts) = points
        .iter()
        .map(|(p, _)| {
            let ranges: Vec<Option<Range>> = p
                .utilities
                .iter()
                .zip(r)
                .map(|(&u, &x)| Range::tied(x, key(u), key))
                .collect();
            let c = counter.count(&ranges, true, progress);
            (c.count, c.first)
        })
        .unzip();
    (all, ties, firsts)
}
