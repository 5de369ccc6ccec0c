//! Shapley–Shubik and Banzhaf of one weighted clause `[q; w]` in double precision, for
//! games past the exact methods' limits, with a stated error bound.
//!
//! Player i's pivot probability when every other player joins independently with
//! probability t is P_i(t) = Pr[q − w_i ≤ S_{−i} < q], a polynomial of degree n − 1 in t
//! (the multilinear extension). Banzhaf absolute is P_i(½); Shapley–Shubik is ∫₀¹ P_i(t) dt,
//! which Gauss–Legendre with ⌈n/2⌉ nodes integrates exactly (degree ≤ 2m − 1), up to
//! rounding.
//!
//! At each node the distribution of the total weight S of all players is built by a DP
//! over weight sums, and each distinct weight's leave-one-out distribution is peeled off
//! it (g[k] = (f[k] − p·g[k − v]) / (1 − p)). That division is stable only for p ≤ ½
//! (the error carried along is multiplied by p / (1 − p) ≤ 1 per step), so a node t > ½
//! is computed in the dual game: the players outside the coalition join with probability
//! 1 − t and i is pivotal iff their weight T_{−i} lies in [Q − w_i, Q) with Q = W − q + 1.
//! Gauss–Legendre nodes come in pairs t, 1 − t, so one distribution at p = min(t, 1 − t)
//! and one removal per distinct weight serve both nodes of a pair.
//!
//! Sums further than x = √(Σw² · ln(10²⁰) / 2) from the mean p·W have probability below
//! 10⁻²⁰ (Hoeffding), so the DP keeps only [p·W − x − max w, min(Q, p·W + x)): this changes
//! each P_i by at most 2·10⁻²⁰.

use crate::error::PowerError;
use crate::game::Game;
use crate::indices::{Index, Options};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Double-precision values with their error bound.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatValues {
    /// Player ids, in game order.
    pub players: Vec<String>,
    /// Gauss–Legendre nodes used for Shapley–Shubik (`None`: not asked, Banzhaf needs none).
    pub nodes: Option<usize>,
    /// Values per index, in player order.
    pub values: BTreeMap<Index, Vec<f64>>,
    /// Per index, a bound on the absolute error of every value (rounding and the
    /// 10⁻²⁰ tail cut; the quadrature itself is exact).
    pub bounds: BTreeMap<Index, f64>,
}

impl FloatValues {
    /// The values of one index (empty if it was not asked for).
    pub fn get(&self, i: Index) -> &[f64] {
        self.values.get(&i).map_or(&[], Vec::as_slice)
    }
}

/// Element updates a second, one thread, release build (measured on the 2-core machine;
/// the DP and removal loops vectorise).
const RATE: f64 = 1.5e9;

/// Shapley–Shubik, Banzhaf and Banzhaf absolute of a game with one weighted clause, in
/// double precision, within `opts.limits`.
///
/// # Errors
/// [`PowerError::NoFloat`] when the rule is not one weighted clause, an index other than
/// those three is asked for, or the estimated cost exceeds the limits;
/// [`PowerError::NoDecision`] when every coalition wins or none does.
pub fn float_indices(
    game: &Game,
    indices: &[Index],
    opts: &Options<'_>,
) -> Result<FloatValues, PowerError> {
    let n = game.n();
    let no = |reason: String| PowerError::NoFloat { n, reason };
    if let Some(why) = game.no_decision() {
        return Err(PowerError::NoDecision(why));
    }
    if let Some(ix) = indices.iter().find(|i| i.needs_coalition_structure()) {
        return Err(no(format!(
            "{} has no floating-point method in this version",
            ix.name()
        )));
    }
    let Some((dim, quota)) = game.rule.as_clause() else {
        return Err(no(
            "the floating-point method takes one weighted clause (weight >= quota)".into(),
        ));
    };
    let w: Vec<usize> = game.weights[dim]
        .iter()
        .map(|&x| usize::try_from(x).unwrap_or(usize::MAX))
        .collect();
    let total: u128 = game.weights[dim].iter().sum();
    // no_decision() guarantees 1 ≤ q ≤ W.
    let (q, big_w) = match (usize::try_from(quota), usize::try_from(total)) {
        (Ok(q), Ok(t)) if t <= 1 << 40 => (q, t),
        _ => return Err(no("the weights are too large".into())),
    };
    let dual_q = big_w - q + 1;
    let want_ss = indices.contains(&Index::ShapleyShubik);
    let want_bz = indices.contains(&Index::Banzhaf) || indices.contains(&Index::BanzhafAbsolute);
    let mut distinct: Vec<usize> = w.iter().copied().filter(|&v| v > 0).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let sum_sq: f64 = w.iter().map(|&v| (v as f64) * (v as f64)).sum();
    let spread = (sum_sq * (1e20f64).ln() / 2.0).sqrt();
    let max_w = distinct.last().copied().unwrap_or(0);
    let plan = Plan {
        w: &w,
        distinct: &distinct,
        q,
        dual_q,
        big_w,
        spread,
        max_w,
    };
    let m = n.div_ceil(2);
    let (t, gw) = gauss_legendre(m);
    // Node pairs (t, 1 − t) share p = min(t, 1 − t); a middle node (odd m) is alone.
    let pairs: Vec<(f64, f64, f64)> = (0..m.div_ceil(2))
        .map(|k| {
            let j = m - 1 - k;
            if j == k {
                (t[k], gw[k], 0.0)
            } else {
                (t[k], gw[k], gw[j])
            }
        })
        .collect();
    // Cost: per p, the DP over every player plus one removal per distinct weight.
    // Node pairs run on up to two threads (the machine the rates were measured on has two
    // cores); Banzhaf's single node on one.
    // Whatever the limits, the arrays are capped (8 GiB each): past that the allocation
    // itself would fail.
    if plan.range(0.5).1 > 1 << 30 {
        return Err(no(
            "the weight sums to track exceed 2^30 (a quota or total above a billion weight units)"
                .into(),
        ));
    }
    let threads = rayon::current_num_threads().clamp(1, 2) as f64;
    let per_p = |p: f64| {
        let (lo, hi) = plan.range(p);
        let seconds = (w.len() + distinct.len()) as f64 * (hi as f64).max(1.0) / RATE;
        (seconds, 8 * (hi as u64 + 1) + 8 * (hi - lo) as u64)
    };
    let (mut seconds, mut bytes) = (0.0, 0u64);
    if want_ss {
        for &(p, _, _) in &pairs {
            let (s, b) = per_p(p);
            seconds += s / threads;
            bytes = bytes.max(b.saturating_mul(threads as u64));
        }
    }
    if want_bz {
        let (s, b) = per_p(0.5);
        seconds += s;
        bytes = bytes.max(b);
    }
    if seconds > opts.limits.seconds || bytes > opts.limits.bytes {
        return Err(no(format!(
            "it would take about {} and {} of memory (estimated; limits {} and {})",
            crate::error::duration(seconds),
            crate::error::bytes(bytes),
            crate::error::duration(opts.limits.seconds),
            crate::error::bytes(opts.limits.bytes)
        )));
    }
    // Rounding: the DP's entries carry relative error ≤ 2n·u, the removal at most doubles
    // the sum of those errors along each chain, its own rounding adds ≤ 3u per unit of
    // probability and the window sum (compensated) 2u; the quadrature adds ≤ (n + m)·u
    // (node and weight errors, the weighted sum). Doubled for safety; DESIGN.md derives it.
    let u = f64::EPSILON / 2.0;
    let bound_p = 2.0 * ((4 * n + 5) as f64 * u) + 2e-20;
    let mut values = BTreeMap::new();
    let mut bounds = BTreeMap::new();
    // Players of equal weight have equal values; a zero weight is a dummy.
    let per_weight = |sums: &[f64]| -> Vec<f64> {
        w.iter()
            .map(|&x| match distinct.binary_search(&x) {
                Ok(k) if x > 0 => sums[k],
                _ => 0.0,
            })
            .collect()
    };
    let steps = u64::from(want_ss) * pairs.len() as u64 + u64::from(want_bz);
    let done = AtomicU64::new(0);
    let tick = || opts.tick(done.fetch_add(1, Ordering::Relaxed) + 1, steps);
    if want_ss {
        let parts: Vec<Vec<f64>> = pairs
            .par_iter()
            .map(|&(p, w_lo, w_hi)| {
                let (a, b) = plan.pivots(p);
                tick();
                a.iter().zip(&b).map(|(x, y)| w_lo * x + w_hi * y).collect()
            })
            .collect();
        // Summed in node order, so the result does not depend on the threads.
        let mut ss = vec![0.0; distinct.len()];
        for part in &parts {
            for (s, x) in ss.iter_mut().zip(part) {
                *s += x;
            }
        }
        values.insert(Index::ShapleyShubik, per_weight(&ss));
        let bound = bound_p + 2.0 * (n + m) as f64 * u;
        bounds.insert(Index::ShapleyShubik, bound);
    }
    if want_bz {
        let (eta, _) = plan.pivots(0.5);
        tick();
        let abs = per_weight(&eta);
        if indices.contains(&Index::BanzhafAbsolute) {
            values.insert(Index::BanzhafAbsolute, abs.clone());
            bounds.insert(Index::BanzhafAbsolute, bound_p);
        }
        if indices.contains(&Index::Banzhaf) {
            // β_i = η_i / Ση: |δβ_i| ≤ (|δη_i| + β_i·|δΣ|) / Σ
            //                ≤ bound·(1 + n·max β) / (Σ − n·bound).
            let sum: f64 = abs.iter().sum();
            let slack = sum - n as f64 * bound_p;
            let top = abs.iter().copied().fold(0.0, f64::max) / sum;
            let bound = if slack > 0.0 {
                bound_p * (1.0 + n as f64 * (top + bound_p)) / slack
            } else {
                f64::INFINITY
            };
            values.insert(Index::Banzhaf, abs.iter().map(|x| x / sum).collect());
            bounds.insert(Index::Banzhaf, bound);
        }
    }
    Ok(FloatValues {
        players: game.players.clone(),
        nodes: want_ss.then_some(m),
        values,
        bounds,
    })
}

/// What every node needs.
struct Plan<'a> {
    w: &'a [usize],
    distinct: &'a [usize],
    q: usize,
    dual_q: usize,
    big_w: usize,
    /// Hoeffding half-width: sums further than this from the mean have probability < 10⁻²⁰.
    spread: f64,
    max_w: usize,
}

impl Plan<'_> {
    /// The sums [lo, hi) a node at p ≤ ½ keeps.
    fn range(&self, p: f64) -> (usize, usize) {
        let mean = p * self.big_w as f64;
        let hi = ((mean + self.spread).ceil().max(0.0) as usize).min(self.q.max(self.dual_q));
        let lo = ((mean - self.spread).floor().max(0.0) as usize).saturating_sub(self.max_w);
        (lo.min(hi), hi)
    }

    /// Per distinct weight: its pivot probability at t = p (quota q) and at t = 1 − p
    /// (the dual quota), for p ≤ ½.
    fn pivots(&self, p: f64) -> (Vec<f64>, Vec<f64>) {
        let (lo, hi) = self.range(p);
        let keep = 1.0 - p;
        // The DP for the total weight. Entries below `start` are not kept up to date: an
        // entry k ≥ lo of the final distribution depends only on entries ≥ lo − (weight
        // still to come), so each player updates from there.
        let mut f = vec![0.0f64; hi];
        if hi > 0 {
            f[0] = 1.0;
        }
        let mut rest: usize = self.w.iter().sum();
        for &wj in self.w {
            rest -= wj;
            if wj == 0 {
                continue;
            }
            let start = lo.saturating_sub(rest);
            mix(&mut f, wj, start, p, keep);
        }
        // Each distinct weight's leave-one-out distribution from lo on; below lo it is
        // taken as zero (its true mass there is below 10⁻²⁰).
        let inv = 1.0 / keep;
        let mut g = vec![0.0f64; hi - lo];
        let mut at_q = Vec::with_capacity(self.distinct.len());
        let mut at_dual = Vec::with_capacity(self.distinct.len());
        for &v in self.distinct {
            remove(&f[lo..], &mut g, v, p, inv);
            let window = |quota: usize| {
                let a = quota.saturating_sub(v).max(lo);
                let b = quota.min(hi);
                if a >= b {
                    0.0
                } else {
                    neumaier(&g[a - lo..b - lo])
                }
            };
            at_q.push(window(self.q));
            at_dual.push(window(self.dual_q));
        }
        (at_q, at_dual)
    }
}

/// f ← f·((1 − p) + p·x^w) on entries ≥ start, in blocks of w so that each block reads
/// only entries below it (vectorisable).
fn mix(f: &mut [f64], w: usize, start: usize, p: f64, keep: f64) {
    let len = f.len();
    let mut top = len;
    while top > start.max(w) {
        let bottom = top.saturating_sub(w).max(start).max(w);
        let (below, above) = f.split_at_mut(bottom);
        let src = &below[bottom - w..top - w];
        for (d, s) in above[..top - bottom].iter_mut().zip(src) {
            *d = keep * *d + p * s;
        }
        top = bottom;
    }
    if start < w.min(len) {
        for x in &mut f[start..w.min(len)] {
            *x *= keep;
        }
    }
}

/// g[k] = (f[k] − p·g[k − v]) / (1 − p), with g = 0 before the start; in blocks of v.
fn remove(f: &[f64], g: &mut [f64], v: usize, p: f64, inv: f64) {
    let len = f.len();
    let head = v.min(len);
    for (d, s) in g[..head].iter_mut().zip(&f[..head]) {
        *d = s * inv;
    }
    let mut bottom = head;
    while bottom < len {
        let top = (bottom + v).min(len);
        let (done, next) = g.split_at_mut(bottom);
        let prev = &done[bottom - v..top - v];
        for ((d, s), x) in next[..top - bottom]
            .iter_mut()
            .zip(&f[bottom..top])
            .zip(prev)
        {
            *d = (s - p * x) * inv;
        }
        bottom = top;
    }
}

/// A compensated sum (Neumaier): error ≤ 2u·Σ|x| whatever the length.
fn neumaier(xs: &[f64]) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &x in xs {
        let t = s + x;
        c += if s.abs() >= x.abs() {
            (s - t) + x
        } else {
            (x - t) + s
        };
        s = t;
    }
    s + c
}

/// Gauss–Legendre nodes and weights on [0, 1], nodes ascending: Newton on the Legendre
/// recurrence from the usual cosine guesses.
pub(crate) fn gauss_legendre(m: usize) -> (Vec<f64>, Vec<f64>) {
    let mut t = vec![0.0; m];
    let mut wt = vec![0.0; m];
    for i in 0..m.div_ceil(2) {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (m as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0f64, x);
            for k in 2..=m {
                let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                p0 = p1;
                p1 = p2;
            }
            // P_m(x) = p1, P_{m−1}(x) = p0.
            dp = m as f64 * (x * p1 - p0) / (x * x - 1.0);
            let dx = p1 / dp;
            x -= dx;
            if dx.abs() < 1e-16 {
                break;
            }
        }
        // x is the i-th largest root; on [0, 1] weights halve.
        let weight = 1.0 / ((1.0 - x * x) * dp * dp);
        t[i] = (1.0 - x) / 2.0;
        t[m - 1 - i] = (1.0 + x) / 2.0;
        wt[i] = weight;
        wt[m - 1 - i] = weight;
    }
    (t, wt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        for m in [1usize, 2, 3, 7, 100, 401] {
            let (t, w) = gauss_legendre(m);
            assert!(t.windows(2).all(|p| p[0] < p[1]), "{m}");
            // ∫₀¹ t^k dt = 1/(k+1) for k ≤ 2m − 1.
            for k in [0, 1, m, 2 * m - 1] {
                let s: f64 = t.iter().zip(&w).map(|(x, y)| y * x.powi(k as i32)).sum();
                assert!((s - 1.0 / (k + 1) as f64).abs() < 1e-13, "m {m} k {k}: {s}");
            }
        }
    }

    #[test]
    fn removal_undoes_mixing() {
        let mut f = vec![0.0; 50];
        f[0] = 1.0;
        for w in [3, 5, 1, 7] {
            mix(&mut f, w, 0, 0.3, 0.7);
        }
        let before = f.clone();
        mix(&mut f, 4, 0, 0.3, 0.7);
        let mut g = vec![0.0; 50];
        remove(&f, &mut g, 4, 0.3, 1.0 / 0.7);
        for (a, b) in g.iter().zip(&before) {
            assert!((a - b).abs() < 1e-15);
        }
    }
}
