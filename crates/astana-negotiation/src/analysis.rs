//! Where agreement is possible and which settlement is fair: the Pareto frontier of the
//! rational outcomes and the Nash, Kalai–Smorodinsky, egalitarian and welfare points.
//!
//! Utilities are additive, so the frontier never needs the whole outcome space: the Pareto
//! set of a sum is inside the sum of the Pareto sets. The frontier is built issue by issue,
//! keeping only non-dominated partial sums (a skyline), then capped at 1 as GENIUS caps
//! utilities and filtered to the rational outcomes. A single streaming pass over the space
//! (no outcome is stored) then counts the rational outcomes and the outcomes tied with each
//! reported point, and finds each point's first outcome in row-major order.

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
    /// Outcomes with exactly these utilities (`None` when the space was too large to scan).
    pub ties: Option<u64>,
}

/// The analysis of a negotiation.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Size of the outcome space.
    pub outcomes: u128,
    /// Outcomes giving every party at least its reservation value (`None` if not scanned).
    pub rational_outcomes: Option<u64>,
    /// Reservation values.
    pub reservation: Vec<f64>,
    /// Best utility per party over all outcomes (the ideal point).
    pub ideal: Vec<f64>,
    /// Worst utility per party over all outcomes.
    pub worst: Vec<f64>,
    /// The Pareto frontier of the rational outcomes, one point per distinct utility vector,
    /// by welfare descending (then first utility descending).
    pub pareto: Vec<Point>,
    /// Nash: maximises Π(uᵢ − rᵢ) over rational outcomes.
    pub nash: Option<Settlement>,
    /// Kalai–Smorodinsky: maximises minᵢ (uᵢ − rᵢ)/(Mᵢ − rᵢ), Mᵢ the ideal utility.
    pub kalai_smorodinsky: Option<Settlement>,
    /// Egalitarian: maximises minᵢ (uᵢ − rᵢ).
    pub egalitarian: Option<Settlement>,
    /// Every frontier point of maximal Σuᵢ.
    pub max_welfare: Vec<Settlement>,
}

/// Largest outcome space scanned for counts and ties.
pub const SCAN_LIMIT: u128 = 200_000_000;

/// Utilities closer than this are the same utility: sums taken in different orders differ
/// in the last bits, and a point must not survive on rounding noise.
pub const UTILITY_RESOLUTION: f64 = 1e-12;

/// A utility on the resolution grid.
fn key(u: f64) -> i64 {
    (u / UTILITY_RESOLUTION).round() as i64
}

/// Non-dominated points of `items` (sums, outcome prefix), compared on the resolution grid;
/// equal vectors keep the first prefix in row-major order.
fn skyline(items: Vec<(Vec<f64>, Vec<u32>)>) -> Vec<(Vec<f64>, Vec<u32>)> {
    let mut items: Vec<(Vec<i64>, Vec<f64>, Vec<u32>)> = items
        .into_iter()
        .map(|(s, o)| (s.iter().map(|&x| key(x)).collect(), s, o))
        .collect();
    let n = items.first().map_or(0, |x| x.0.len());
    if n == 2 {
        // Sort by the first utility descending, then the second descending: a point
        // survives iff its second utility beats every point before it.
        items.sort_by(|a, b| {
            b.0[0]
                .cmp(&a.0[0])
                .then(b.0[1].cmp(&a.0[1]))
                .then(a.2.cmp(&b.2))
        });
        let mut out = Vec::new();
        let mut best = i64::MIN;
        for (k, s, o) in items {
            if k[1] > best {
                best = k[1];
                out.push((s, o));
            }
        }
        return out;
    }
    // By sum descending: only an earlier point can dominate a later one (a point of equal
    // sum dominates only if equal).
    items.sort_by(|a, b| {
        let (sa, sb): (i64, i64) = (a.0.iter().sum(), b.0.iter().sum());
        sb.cmp(&sa).then(a.2.cmp(&b.2))
    });
    let mut kept: Vec<Vec<i64>> = Vec::new();
    let mut out = Vec::new();
    for (k, s, o) in items {
        if !kept.iter().any(|q| q.iter().zip(&k).all(|(x, y)| x >= y)) {
            kept.push(k);
            out.push((s, o));
        }
    }
    out
}

/// The Pareto frontier of the rational outcomes (see the module documentation).
pub fn pareto(neg: &Negotiation) -> Vec<Point> {
    let n = neg.parties.len();
    let mut front: Vec<(Vec<f64>, Vec<u32>)> = vec![(vec![0.0; n], Vec::new())];
    for (j, issue) in neg.issues.iter().enumerate() {
        let mut next = Vec::with_capacity(front.len() * issue.values.len());
        for (s, prefix) in &front {
            for v in 0..issue.values.len() {
                let sums: Vec<f64> = s
                    .iter()
                    .zip(&neg.parties)
                    .map(|(x, p)| x + p.terms[j][v])
                    .collect();
                let mut o = prefix.clone();
                o.push(v as u32);
                next.push((sums, o));
            }
        }
        front = skyline(next);
    }
    let capped = front
        .into_iter()
        .map(|(s, o)| (s.into_iter().map(|x| x.min(1.0)).collect::<Vec<f64>>(), o))
        .collect();
    let mut out: Vec<Point> = skyline(capped)
        .into_iter()
        .filter(|(u, _)| u.iter().zip(&neg.parties).all(|(x, p)| *x >= p.reservation))
        .map(|(utilities, outcome)| Point { outcome, utilities })
        .collect();
    let welfare = |p: &Point| p.utilities.iter().sum::<f64>();
    out.sort_by(|a, b| {
        welfare(b)
            .total_cmp(&welfare(a))
            .then_with(|| b.utilities[0].total_cmp(&a.utilities[0]))
    });
    out
}

/// The frontier point maximising `score` (ties: higher welfare, then the earlier outcome
/// in row-major order).
fn best_by(front: &[Point], score: impl Fn(&[f64]) -> f64) -> Option<(Point, f64)> {
    let welfare = |p: &Point| p.utilities.iter().sum::<f64>();
    front
        .iter()
        .map(|p| (p, score(&p.utilities)))
        .max_by(|(a, sa), (b, sb)| {
            sa.total_cmp(sb)
                .then(welfare(a).total_cmp(&welfare(b)))
                .then(b.outcome.cmp(&a.outcome))
        })
        .map(|(p, s)| (p.clone(), s))
}

/// Analyses a negotiation.
pub fn analyze(neg: &Negotiation) -> Analysis {
    let r: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
    let ideal: Vec<f64> = neg
        .parties
        .iter()
        .map(|p| {
            p.terms
                .iter()
                .map(|t| t.iter().copied().fold(0.0, f64::max))
                .sum::<f64>()
                .min(1.0)
        })
        .collect();
    let worst: Vec<f64> = neg
        .parties
        .iter()
        .map(|p| {
            p.terms
                .iter()
                .map(|t| t.iter().copied().fold(f64::INFINITY, f64::min))
                .sum::<f64>()
                .min(1.0)
        })
        .collect();
    let front = pareto(neg);
    let nash = best_by(&front, |u| u.iter().zip(&r).map(|(x, ri)| x - ri).product());
    let ks = best_by(&front, |u| {
        u.iter()
            .zip(&r)
            .zip(&ideal)
            .map(|((x, ri), m)| if m > ri { (x - ri) / (m - ri) } else { 1.0 })
            .fold(f64::INFINITY, f64::min)
    });
    let egal = best_by(&front, |u| {
        u.iter()
            .zip(&r)
            .map(|(x, ri)| x - ri)
            .fold(f64::INFINITY, f64::min)
    });
    let welfare = |u: &[f64]| u.iter().sum::<f64>();
    let top = front
        .iter()
        .map(|p| welfare(&p.utilities))
        .fold(f64::NEG_INFINITY, f64::max);
    let welfare_points: Vec<(Point, f64)> = front
        .iter()
        .filter(|p| welfare(&p.utilities) == top)
        .map(|p| (p.clone(), top))
        .collect();
    let present = [nash.is_some(), ks.is_some(), egal.is_some()];
    let mut points: Vec<(Point, f64)> = Vec::new();
    points.extend(nash);
    points.extend(ks);
    points.extend(egal);
    let singles = points.len();
    points.extend(welfare_points);
    let outcomes = neg.outcome_count();
    let (rational, ties, firsts) = if outcomes <= SCAN_LIMIT && !points.is_empty() {
        scan(neg, &r, &points)
    } else {
        (None, vec![None; points.len()], vec![None; points.len()])
    };
    let mut settlements: Vec<Settlement> = points
        .into_iter()
        .zip(ties.into_iter().zip(firsts))
        .map(|((mut point, value), (ties, first))| {
            if let Some(first) = first {
                point.outcome = first;
            }
            Settlement { point, value, ties }
        })
        .collect();
    let max_welfare = settlements.split_off(singles);
    let mut it = settlements.into_iter();
    let mut next = |present: bool| if present { it.next() } else { None };
    Analysis {
        outcomes,
        rational_outcomes: rational,
        reservation: r,
        ideal,
        worst,
        pareto: front,
        nash: next(present[0]),
        kalai_smorodinsky: next(present[1]),
        egalitarian: next(present[2]),
        max_welfare,
    }
}

type ScanResult = (Option<u64>, Vec<Option<u64>>, Vec<Option<Vec<u32>>>);

/// One pass over every outcome: rational outcomes, and per point the outcomes with exactly
/// its utilities and the first of them.
fn scan(neg: &Negotiation, r: &[f64], points: &[(Point, f64)]) -> ScanResult {
    let mut rational = 0u64;
    let mut ties = vec![0u64; points.len()];
    let mut firsts: Vec<Option<Vec<u32>>> = vec![None; points.len()];
    let mut u = vec![0.0; r.len()];
    neg.for_each_outcome(|o, sums| {
        for (x, s) in u.iter_mut().zip(sums) {
            *x = s.min(1.0);
        }
        if u.iter().zip(r).all(|(x, ri)| x >= ri) {
            rational += 1;
            for (k, (p, _)) in points.iter().enumerate() {
                if p.utilities.iter().zip(&u).all(|(a, b)| key(*a) == key(*b)) {
                    ties[k] += 1;
                    if firsts[k].is_none() {
                        firsts[k] = Some(o.to_vec());
                    }
                }
            }
        }
    });
    (Some(rational), ties.into_iter().map(Some).collect(), firsts)
}
