//! Exact counts of outcomes without visiting every outcome: meet in the middle.
//!
//! The issues are split into a first half A and a second half B (B as large as fits in
//! [`HALF_LIMIT`] outcomes). B's outcomes are enumerated once, with each party's partial
//! sum, and sorted per party. For each outcome `a` of A (in row-major order) the B outcomes
//! that satisfy one party's constraint are a contiguous range of that party's sorted order,
//! found by binary search; the outcomes satisfying every party are the intersection of
//! those ranges, taken as bitsets (one word per 64 outcomes of B) or, when one range is
//! small, by checking its members one by one.
//!
//! Exact against the scan: an outcome's utility is the sum of its terms taken left to
//! right in floating point, and `sum(a) + sum(b)` can differ from it in the last bits. The
//! difference is bounded (`δ`, from the number of additions and the largest possible sum),
//! so a pair more than 2δ inside a constraint is certainly in, more than 2δ outside
//! certainly out, and only the pairs in between are summed left to right and checked. The
//! count is therefore the same integer a scan of every outcome gives, and the first
//! outcome in row-major order the same outcome.

use crate::analysis::Progress;
use crate::domain::Negotiation;
use std::cell::OnceCell;

/// Most outcomes of the second half (more when the last issue alone has more values).
pub const HALF_LIMIT: usize = 1 << 16;

/// A count of outcomes: exact, or bounds when counting exactly would pass the work limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Count {
    /// The exact number.
    Exact(u128),
    /// Not counted to the end: the number lies between the two bounds (inclusive).
    Bounds {
        /// Outcomes counted before the work limit.
        at_least: u128,
        /// Those plus every outcome not looked at.
        at_most: u128,
        /// Why the count stopped (the work limit).
        reason: String,
    },
}

impl Count {
    /// The exact number, if counted to the end.
    pub fn exact(&self) -> Option<u128> {
        match self {
            Count::Exact(n) => Some(*n),
            Count::Bounds { .. } => None,
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Exact(n) => write!(f, "{n}"),
            Count::Bounds {
                at_least, at_most, ..
            } => write!(f, "between {at_least} and {at_most}"),
        }
    }
}

/// What one party's sum (before the cap) must be: `lo ≤ s ≤ hi`, as floats.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Range {
    lo: f64,
    hi: f64,
}

/// Floats in order as integers (the order of `f64::total_cmp`).
fn to_ord(x: f64) -> i128 {
    let b = x.to_bits() as i64;
    i128::from(b ^ ((((b >> 63) as u64) >> 1) as i64))
}

fn from_ord(o: i128) -> f64 {
    let o = o as i64;
    f64::from_bits((o ^ ((((o >> 63) as u64) >> 1) as i64)) as u64)
}

/// The smallest float from −∞ to +∞ where a non-decreasing predicate holds.
fn first_true(pred: impl Fn(f64) -> bool) -> Option<f64> {
    if !pred(f64::INFINITY) {
        return None;
    }
    if pred(f64::NEG_INFINITY) {
        return Some(f64::NEG_INFINITY);
    }
    let (mut lo, mut hi) = (to_ord(f64::NEG_INFINITY), to_ord(f64::INFINITY));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if pred(from_ord(mid)) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(from_ord(hi))
}

/// The largest float from −∞ to +∞ where a non-increasing predicate holds.
fn last_true(pred: impl Fn(f64) -> bool) -> Option<f64> {
    first_true(|x| !pred(x)).map_or(Some(f64::INFINITY), |x| {
        let before = from_ord(to_ord(x) - 1);
        (x > f64::NEG_INFINITY).then_some(before)
    })
}

impl Range {
    /// Rational for a party of reservation `r`: `min(s, 1) ≥ r`.
    pub(crate) fn rational(r: f64) -> Option<Range> {
        first_true(|s| s.min(1.0) >= r).map(|lo| Range {
            lo,
            hi: f64::INFINITY,
        })
    }

    /// Rational, with the capped utility at grid point `k` (see [`crate::analysis`]).
    pub(crate) fn tied(r: f64, k: i64, key: fn(f64) -> i64) -> Option<Range> {
        let lo = first_true(|s| {
            let u = s.min(1.0);
            u >= r && key(u) >= k
        })?;
        let hi = last_true(|s| key(s.min(1.0)) <= k)?;
        (lo <= hi).then_some(Range { lo, hi })
    }

    fn holds(&self, s: f64) -> bool {
        self.lo <= s && s <= self.hi
    }
}

/// A count and the first counted outcome in row-major order.
pub(crate) struct Counted {
    pub count: Count,
    pub first: Option<Vec<u32>>,
}

/// The two halves of the outcome space, ready to count in.
pub(crate) struct Counter<'a> {
    neg: &'a Negotiation,
    n: usize,
    /// Issues in the first half.
    h: usize,
    /// Outcomes of the first half.
    na: u128,
    /// Outcomes of the second half.
    nb: usize,
    /// Value index per issue of the second half, per outcome of it.
    digits: Vec<u32>,
    /// Per party: second-half outcomes by their partial sum, and those sums.
    order: Vec<Vec<u32>>,
    sorted: Vec<Vec<f64>>,
    /// Per party: twice the largest difference between the left-to-right sum and
    /// first half + second half.
    margin: Vec<f64>,
    /// Bitset words for the second half.
    words: usize,
    /// Positions of a party's order between stored prefix bitsets.
    stride: usize,
    /// Per party, built on first use: the bitset of `order[..t * stride]` for each t.
    prefix: Vec<OnceCell<Vec<u64>>>,
    /// Work done so far (bitset words, checks, binary-search steps) and the limit.
    pub work: f64,
    budget: f64,
}

impl<'a> Counter<'a> {
    /// Splits `neg` (which has at least one outcome) and prepares the second half.
    pub(crate) fn new(neg: &'a Negotiation, budget: f64) -> Counter<'a> {
        let n = neg.parties.len();
        let k = neg.issues.len();
        let size = |j: usize| neg.issues[j].values.len();
        let mut h = k;
        let mut nb = 1usize;
        while h > 0 && (nb == 1 || nb.saturating_mul(size(h - 1)) <= HALF_LIMIT) {
            nb *= size(h - 1);
            h -= 1;
        }
        let na = neg.issues[..h]
            .iter()
            .fold(1u128, |a, i| a.saturating_mul(i.values.len() as u128));
        let kb = k - h;
        let mut digits = vec![0u32; nb * kb];
        let mut sums = vec![0.0f64; nb * n];
        for b in 0..nb {
            let mut rest = b;
            for j in (h..k).rev() {
                digits[b * kb + j - h] = (rest % size(j)) as u32;
                rest /= size(j);
            }
            for (p, party) in neg.parties.iter().enumerate() {
                let mut s = 0.0;
                for j in h..k {
                    s += party.terms[j][digits[b * kb + j - h] as usize];
                }
                sums[b * n + p] = s;
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut sorted = Vec::with_capacity(n);
        let mut margin = Vec::with_capacity(n);
        for (p, party) in neg.parties.iter().enumerate() {
            let mut o: Vec<u32> = (0..nb as u32).collect();
            o.sort_by(|&x, &y| sums[x as usize * n + p].total_cmp(&sums[y as usize * n + p]));
            sorted.push(o.iter().map(|&b| sums[b as usize * n + p]).collect());
            order.push(o);
            // Every partial sum is at most Σ max|term| (and thresholds are near 1 at most)
            // in size; each of the 2·kb + 1 roundings that differ between the two ways of
            // summing is at most 2⁻⁵³ of that, plus the smallest subnormal.
            let big = party
                .terms
                .iter()
                .map(|t| t.iter().fold(0.0f64, |m, x| m.max(x.abs())))
                .sum::<f64>()
                .max(1.0)
                * 1.001;
            let delta = (2 * kb + 4) as f64 * (big * f64::EPSILON / 2.0 + f64::from_bits(1));
            margin.push(2.0 * delta);
        }
        let words = nb.div_ceil(64);
        let stride = 64 * nb.div_ceil(64 * 256).max(1);
        Counter {
            neg,
            n,
            h,
            na,
            nb,
            digits,
            order,
            sorted,
            margin,
            words,
            stride,
            prefix: (0..n).map(|_| OnceCell::new()).collect(),
            work: 0.0,
            budget,
        }
    }

    fn prefix(&self, p: usize) -> &[u64] {
        self.prefix[p].get_or_init(|| {
            let blocks = self.nb / self.stride + 1;
            let mut out = vec![0u64; blocks * self.words];
            for t in 1..blocks {
                let (done, next) = out.split_at_mut(t * self.words);
                next[..self.words].copy_from_slice(&done[(t - 1) * self.words..]);
                for &b in &self.order[p][(t - 1) * self.stride..t * self.stride] {
                    next[b as usize / 64] |= 1 << (b % 64);
                }
            }
            out
        })
    }

    /// ANDs the bitset of positions `x..y` of party `p`'s order into `acc`.
    fn and_range(&self, p: usize, (x, y): (usize, usize), acc: &mut [u64], tmp: &mut [u64]) {
        let pre = self.prefix(p);
        let w = self.words;
        let (bx, by) = (x / self.stride, y / self.stride);
        for ((t, a), b) in tmp
            .iter_mut()
            .zip(&pre[bx * w..(bx + 1) * w])
            .zip(&pre[by * w..(by + 1) * w])
        {
            *t = a ^ b;
        }
        let order = &self.order[p];
        for &b in order[bx * self.stride..x]
            .iter()
            .chain(&order[by * self.stride..y])
        {
            tmp[b as usize / 64] ^= 1 << (b % 64);
        }
        for (a, t) in acc.iter_mut().zip(tmp.iter()) {
            *a &= t;
        }
    }

    /// Outcomes meeting every party's range, and the first of them in row-major order.
    pub(crate) fn count(
        &mut self,
        ranges: &[Option<Range>],
        want_first: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Counted {
        let Some(ranges) = ranges.iter().copied().collect::<Option<Vec<Range>>>() else {
            return Counted {
                count: Count::Exact(0),
                first: None,
            };
        };
        let (n, h, nb, w) = (self.n, self.h, self.nb, self.words);
        let k = self.neg.issues.len();
        let kb = k - h;
        let terms: Vec<&Vec<Vec<f64>>> = self.neg.parties.iter().map(|p| &p.terms).collect();
        let log = f64::from(usize::BITS - nb.leading_zeros());
        let full = (0, nb);
        let mut count = 0u128;
        let mut first: Option<Vec<u32>> = None;
        let mut a = vec![0u32; h];
        let mut prefix = vec![0.0f64; (h + 1) * n];
        let fill = |from: usize, a: &[u32], prefix: &mut [f64]| {
            for j in from..h {
                for p in 0..n {
                    prefix[(j + 1) * n + p] = prefix[j * n + p] + terms[p][j][a[j] as usize];
                }
            }
        };
        fill(0, &a, &mut prefix);
        let mut cert = vec![(0usize, 0usize); n];
        let mut poss = vec![(0usize, 0usize); n];
        let (mut acc_c, mut acc_p, mut tmp) = (vec![0u64; w], vec![0u64; w], vec![0u64; w]);
        let mut done = 0u128;
        loop {
            if self.work > self.budget {
                let left = (self.na - done).saturating_mul(nb as u128);
                return Counted {
                    count: Count::Bounds {
                        at_least: count,
                        at_most: count.saturating_add(left),
                        reason: format!(
                            "counting exactly would take more than {:.1e} steps; {done} of {} first-half outcomes counted",
                            self.budget, self.na
                        ),
                    },
                    first,
                };
            }
            if done & 255 == 0 {
                progress(Progress {
                    phase: "counts",
                    done: u64::try_from(done).unwrap_or(u64::MAX),
                    total: u64::try_from(self.na).unwrap_or(u64::MAX),
                });
            }
            let sa = &prefix[h * n..];
            // Per party, the range of its order certainly in, and the one possibly in.
            let mut empty = false;
            for p in 0..n {
                let (s, m, r) = (sa[p], self.margin[p], ranges[p]);
                let col = &self.sorted[p];
                let from = |t: f64| col.partition_point(|&v| s + v < t);
                let to = |t: f64| col.partition_point(|&v| s + v <= t);
                if m.is_finite() {
                    cert[p] = (from(r.lo + m), to(r.hi - m));
                    poss[p] = (from(r.lo - m), to(r.hi + m));
                } else {
                    cert[p] = (0, 0);
                    poss[p] = full;
                }
                if cert[p].0 > cert[p].1 {
                    cert[p] = (0, 0);
                }
                empty |= poss[p].0 >= poss[p].1;
            }
            self.work += 4.0 * n as f64 * log;
            let mut best: Option<usize> = None;
            let exact = |b: usize| {
                (0..n).all(|p| {
                    let mut s = sa[p];
                    for (j, &d) in self.digits[b * kb..(b + 1) * kb].iter().enumerate() {
                        s += terms[p][h + j][d as usize];
                    }
                    ranges[p].holds(s)
                })
            };
            if empty {
            } else if cert.iter().all(|&c| c == full) {
                count += nb as u128;
                best = Some(0);
            } else {
                let (q, small) = (0..n)
                    .map(|p| (p, poss[p].1 - poss[p].0))
                    .min_by_key(|x| x.1)
                    .unwrap_or((0, nb));
                let direct = (small * (kb + 1) * n) as f64;
                let ranges_used = cert.iter().chain(&poss).filter(|&&c| c != full).count();
                let bits = (ranges_used * (w + 2 * self.stride) + w) as f64;
                if direct <= bits {
                    self.work += direct;
                    for &b in &self.order[q][poss[q].0..poss[q].1] {
                        let b = b as usize;
                        if exact(b) {
                            count += 1;
                            best = Some(best.map_or(b, |x| x.min(b)));
                        }
                    }
                } else {
                    self.work += bits;
                    acc_c.fill(u64::MAX);
                    acc_p.fill(u64::MAX);
                    for p in 0..n {
                        if cert[p] != full {
                            self.and_range(p, cert[p], &mut acc_c, &mut tmp);
                        }
                        if poss[p] != full {
                            self.and_range(p, poss[p], &mut acc_p, &mut tmp);
                        }
                    }
                    if nb % 64 != 0 {
                        acc_c[w - 1] &= (1u64 << (nb % 64)) - 1;
                        acc_p[w - 1] &= (1u64 << (nb % 64)) - 1;
                    }
                    for (i, (&c, &pw)) in acc_c.iter().zip(&acc_p).enumerate() {
                        count += u128::from(c.count_ones());
                        if c != 0 && best.is_none() {
                            best = Some(i * 64 + c.trailing_zeros() as usize);
                        }
                        let mut unsure = pw & !c;
                        while unsure != 0 {
                            let b = i * 64 + unsure.trailing_zeros() as usize;
                            unsure &= unsure - 1;
                            self.work += (kb + 1) as f64 * n as f64;
                            if exact(b) {
                                count += 1;
                                best = Some(best.map_or(b, |x| x.min(b)));
                            }
                        }
                    }
                }
            }
            if let (true, None, Some(b)) = (want_first, &first, best) {
                let mut o = a.clone();
                o.extend_from_slice(&self.digits[b * kb..(b + 1) * kb]);
                first = Some(o);
            }
            done += 1;
            // Odometer step over the first half.
            let mut j = h;
            loop {
                if j == 0 {
                    return Counted {
                        count: Count::Exact(count),
                        first,
                    };
                }
                j -= 1;
                a[j] += 1;
                if (a[j] as usize) < self.neg.issues[j].values.len() {
                    break;
                }
                a[j] = 0;
            }
            fill(j, &a, &mut prefix);
        }
    }
}
