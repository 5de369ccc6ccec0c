//! Bounded searches over every outcome, for callers that cannot afford the Pareto
//! frontier (a live mediation: 12 parties with unlucky profiles on 10⁶ outcomes give a
//! frontier of 3·10⁵ points that takes minutes to build).

use crate::analysis::Point;
use crate::domain::Negotiation;

/// For each weight vector `w` (positive weights, one per party), the outcome maximising
/// the weighted Nash product Σᵢ wᵢ·ln(uᵢ − rᵢ) among the outcomes with uᵢ ≥ `lower[i]`
/// for every party, in one pass over every outcome (O(outcomes × parties × vectors)).
///
/// The region is closed upwards, and the criterion strictly increases with every
/// party's utility where all gains are positive, so each point is Pareto-efficient.
/// Criterion values within a relative 1e-12 are ties, won by higher welfare, then by the
/// first outcome in row-major order. When no outcome of the region has every gain
/// positive, each vector gets the region's highest-welfare outcome (efficient too); `None`
/// when the region is empty.
pub fn weighted_nash(neg: &Negotiation, lower: &[f64], weights: &[Vec<f64>]) -> Vec<Option<Point>> {
    let n = neg.parties.len();
    let r: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
    let mut best: Vec<Option<(f64, f64, Vec<u32>)>> = vec![None; weights.len()];
    let mut top_welfare: Option<(f64, Vec<u32>)> = None;
    let mut u = vec![0.0; n];
    let mut logs = vec![0.0; n];
    neg.for_each_outcome(|o, sums| {
        for (i, s) in sums.iter().enumerate() {
            u[i] = s.min(1.0);
            if u[i] < lower[i] {
                return;
            }
        }
        let welfare: f64 = u.iter().sum();
        if top_welfare.as_ref().is_none_or(|b| welfare > b.0) {
            top_welfare = Some((welfare, o.to_vec()));
        }
        for i in 0..n {
            let g = u[i] - r[i];
            if g <= 0.0 {
                return;
            }
            logs[i] = g.ln();
        }
        for (b, w) in best.iter_mut().zip(weights) {
            let v: f64 = w.iter().zip(&logs).map(|(a, l)| a * l).sum();
            let better = match b {
                None => true,
                Some((bv, bw, _)) => {
                    let eps = 1e-12 * bv.abs().max(1.0);
                    v > *bv + eps || (v >= *bv - eps && welfare > *bw)
                }
            };
            if better {
                *b = Some((v, welfare, o.to_vec()));
            }
        }
    });
    best.into_iter()
        .map(|b| {
            b.map(|(_, _, o)| o)
                .or_else(|| top_welfare.as_ref().map(|t| t.1.clone()))
                .map(|outcome| Point {
                    utilities: neg.utilities(&outcome),
                    outcome,
                })
        })
        .collect()
}

/// The outcome every party strictly prefers to `agreement` (by more than 1e-12, so that
/// rounding never counts as a gain) with the highest product of gains over the
/// reservation values plus 1e-9 × welfare (the single-text criterion,
/// [`crate::protocol::text_score`]); ties to the first in row-major order. One pass over
/// every outcome.
pub fn strict_improvement(neg: &Negotiation, agreement: &[u32]) -> Option<Vec<u32>> {
    let a = neg.utilities(agreement);
    let r: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
    let mut best: Option<(f64, Vec<u32>)> = None;
    let mut capped = vec![0.0; a.len()];
    neg.for_each_outcome(|o, sums| {
        for (c, s) in capped.iter_mut().zip(sums) {
            *c = s.min(1.0);
        }
        if capped.iter().zip(&a).all(|(u, x)| *u > x + 1e-12) {
            let s = crate::protocol::text_score(&capped, &r);
            if best.as_ref().is_none_or(|b| s > b.0) {
                best = Some((s, o.to_vec()));
            }
        }
    });
    best.map(|(_, o)| o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picnic() -> Negotiation {
        let text = r#"name = "Picnic"
[[issue]]
name = "place"
values = ["park", "beach", "lake"]
[[issue]]
name = "food"
values = ["sandwich", "pizza", "salad"]
[[issue]]
name = "day"
values = ["saturday", "sunday"]
[[party]]
id = "a"
reservation = 0.2
weights = { place = 0.5, food = 0.3, day = 0.2 }
evaluations = { place = [1, 5, 3], food = [1, 4, 2], day = [2, 1] }
[[party]]
id = "b"
reservation = 0.1
weights = { place = 0.4, food = 0.4, day = 0.2 }
evaluations = { place = [5, 1, 4], food = [4, 1, 3], day = [3, 1] }
"#;
        crate::native::read("picnic.toml", text).expect("reads")
    }

    /// With equal weights and the reservation values as the lower bound, the point is the
    /// analysis's Nash point; leaning towards a party never gives it less; every point is
    /// on the frontier; an empty region gives `None`.
    #[test]
    fn weighted_nash_points() {
        let neg = picnic();
        let r = [0.2, 0.1];
        let pts = weighted_nash(&neg, &r, &[vec![1.0, 1.0], vec![3.0, 1.0], vec![1.0, 3.0]]);
        let nash = crate::analyze(&neg).nash.expect("nash").point;
        let p: Vec<Point> = pts.into_iter().map(|p| p.expect("a point")).collect();
        assert_eq!(p[0], nash);
        assert!(p[1].utilities[0] >= p[0].utilities[0]);
        assert!(p[2].utilities[1] >= p[0].utilities[1]);
        let frontier = crate::pareto(&neg);
        for q in &p {
            assert!(frontier.iter().any(|f| f.utilities == q.utilities), "{q:?}");
        }
        assert_eq!(
            weighted_nash(&neg, &[1.0, 1.0], &[vec![1.0, 1.0]]),
            vec![None]
        );
    }

    /// Sunday is worse for both: the best strict improvement of a Sunday package (equal to
    /// a brute-force search), and none of an efficient one.
    #[test]
    fn strict_improvements() {
        let neg = picnic();
        let a = [2, 2, 1];
        let ua = neg.utilities(&a);
        let r = [0.2, 0.1];
        let mut best: Option<(f64, Vec<u32>)> = None;
        for o in (0..3).flat_map(|p| (0..3).flat_map(move |f| (0..2).map(move |d| vec![p, f, d]))) {
            let u = neg.utilities(&o);
            if u.iter().zip(&ua).all(|(x, y)| *x > y + 1e-12) {
                let s = crate::protocol::text_score(&u, &r);
                if best.as_ref().is_none_or(|b| s > b.0) {
                    best = Some((s, o));
                }
            }
        }
        let got = strict_improvement(&neg, &a).expect("an improvement");
        assert_eq!(Some(got.clone()), best.map(|b| b.1));
        assert_eq!(got[2], 0, "saturday");
        let nash = crate::analyze(&neg).nash.expect("nash").point;
        assert_eq!(strict_improvement(&neg, &nash.outcome), None);
    }
}
