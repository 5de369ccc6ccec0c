//! The indices and the exact methods that compute them.

use crate::error::PowerError;
use crate::game::Game;
use crate::ratio::Ratio;
use num_bigint::BigUint;
use num_traits::{One, Zero};
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// A power index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Index {
    /// Shapley–Shubik: the share of orderings in which the player is pivotal.
    ShapleyShubik,
    /// Penrose–Banzhaf, normalised to sum to one.
    Banzhaf,
    /// Penrose–Banzhaf absolute: the probability of being decisive, swings / 2^(n−1).
    BanzhafAbsolute,
    /// Johnston: swings weighted by 1 / (number of critical members), normalised.
    Johnston,
    /// Deegan–Packel: Σ over minimal winning coalitions containing the player of 1/|S|,
    /// over the number of minimal winning coalitions.
    DeeganPackel,
    /// Holler's public good index: minimal winning coalitions containing the player, over
    /// the sum of that count over all players.
    Holler,
}

impl Index {
    /// All six, in output order.
    pub const ALL: [Index; 6] = [
        Index::ShapleyShubik,
        Index::Banzhaf,
        Index::BanzhafAbsolute,
        Index::Johnston,
        Index::DeeganPackel,
        Index::Holler,
    ];

    /// The name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Index::ShapleyShubik => "shapley_shubik",
            Index::Banzhaf => "banzhaf",
            Index::BanzhafAbsolute => "banzhaf_absolute",
            Index::Johnston => "johnston",
            Index::DeeganPackel => "deegan_packel",
            Index::Holler => "holler",
        }
    }
}

impl FromStr for Index {
    type Err = PowerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Index::ALL
            .into_iter()
            .find(|i| i.name() == s.trim())
            .ok_or_else(|| PowerError::UnknownIndex(s.to_string()))
    }
}

/// How the values were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Every coalition visited: all indices, exact.
    Enumeration,
    /// Generating functions over the weights of one weighted clause: exact.
    GeneratingFunction,
}

/// Exact values per index and player.
#[derive(Clone, Debug, PartialEq)]
pub struct PowerResult {
    /// Player ids, in game order.
    pub players: Vec<String>,
    /// The method used.
    pub method: Method,
    /// Values per index, in player order.
    pub values: BTreeMap<Index, Vec<Ratio>>,
    /// Number of winning coalitions, when the method counts them.
    pub winning_coalitions: Option<BigUint>,
    /// Number of minimal winning coalitions, when the method counts them.
    pub minimal_winning_coalitions: Option<BigUint>,
}

impl PowerResult {
    /// The values of one index (empty if it was not asked for).
    pub fn get(&self, i: Index) -> &[Ratio] {
        self.values.get(&i).map_or(&[], Vec::as_slice)
    }
}

/// Largest game for exhaustive enumeration (2^n coalitions).
pub const ENUMERATION_LIMIT: usize = 24;

/// Computes the requested indices exactly.
///
/// Single weighted clauses (`weight >= q`) use generating functions for Shapley–Shubik and
/// Banzhaf at any size; every other case, and Johnston, Deegan–Packel and Holler, enumerate
/// all coalitions, up to [`ENUMERATION_LIMIT`] players.
///
/// # Errors
/// [`PowerError::TooLarge`] when no exact method of this version fits the game.
pub fn compute(game: &Game, indices: &[Index]) -> Result<PowerResult, PowerError> {
    let n = game.n();
    let needs_enumeration = indices
        .iter()
        .any(|i| matches!(i, Index::Johnston | Index::DeeganPackel | Index::Holler));
    if n <= ENUMERATION_LIMIT && (needs_enumeration || game.rule.as_clause().is_none() || n <= 16) {
        return Ok(enumerate(game, indices));
    }
    if needs_enumeration {
        return Err(PowerError::TooLarge {
            n,
            reason: format!(
                "Johnston, Deegan–Packel and Holler are computed by enumeration, up to {ENUMERATION_LIMIT} players; ask for --index shapley_shubik,banzhaf,banzhaf_absolute"
            ),
        });
    }
    match game.rule.as_clause() {
        Some((dim, quota)) => generating_function(game, dim, quota, indices),
        None => Err(PowerError::TooLarge {
            n,
            reason: format!(
                "boolean combinations of clauses are enumerated, up to {ENUMERATION_LIMIT} players"
            ),
        }),
    }
}

fn factorials(n: usize) -> Vec<BigUint> {
    let mut f = vec![BigUint::one()];
    for k in 1..=n {
        let next = &f[k - 1] * BigUint::from(k);
        f.push(next);
    }
    f
}

/// Shapley–Shubik from swing counts by coalition size: a swing into a coalition of `s`
/// others is pivotal in s!(n−1−s)! of the n! orderings.
fn shapley_shubik(n: usize, swings_by_size: &[Vec<BigUint>]) -> Vec<Ratio> {
    let f = factorials(n);
    swings_by_size
        .iter()
        .map(|by| {
            let num: BigUint = by
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.is_zero())
                .map(|(s, c)| c * &f[s] * &f[n - 1 - s])
                .sum();
            Ratio::new(num, f[n].clone())
        })
        .collect()
}

fn normalise(parts: &[Ratio]) -> Vec<Ratio> {
    // Σ a_i/b_i over a common denominator.
    let den = parts.iter().fold(BigUint::one(), |acc, r| {
        num_integer::lcm(acc, r.denom().clone())
    });
    let nums: Vec<BigUint> = parts
        .iter()
        .map(|r| r.numer() * (&den / r.denom()))
        .collect();
    let total: BigUint = nums.iter().sum();
    nums.into_iter()
        .map(|x| Ratio::new(x, total.clone()))
        .collect()
}

fn banzhaf(n: usize, swings: &[BigUint]) -> (Vec<Ratio>, Vec<Ratio>) {
    let total: BigUint = swings.iter().sum();
    let half = BigUint::one() << (n.max(1) - 1);
    (
        swings
            .iter()
            .map(|s| Ratio::new(s.clone(), total.clone()))
            .collect(),
        swings
            .iter()
            .map(|s| Ratio::new(s.clone(), half.clone()))
            .collect(),
    )
}

/// Visits all 2^n coalitions. Sums come from two precomputed halves of the player set, so
/// each coalition costs one addition per weight dimension.
fn enumerate(game: &Game, indices: &[Index]) -> PowerResult {
    let n = game.n();
    let k = game.dims.len();
    let lo_n = n / 2;
    let hi_n = n - lo_n;
    let half_sums = |from: usize, len: usize| -> Vec<Vec<u128>> {
        (0..1usize << len)
            .map(|m| {
                (0..k)
                    .map(|d| {
                        (0..len)
                            .filter(|b| m >> b & 1 == 1)
                            .map(|b| game.weights[d][from + b])
                            .sum()
                    })
                    .collect()
            })
            .collect()
    };
    let lo = half_sums(0, lo_n);
    let hi = half_sums(lo_n, hi_n);
    let mut swings_by_size = vec![vec![0u64; n]; n];
    let mut crit_by_count = vec![vec![0u64; n + 1]; n];
    let mut mwc_by_size = vec![vec![0u64; n + 1]; n];
    let (mut winning, mut mwc) = (0u64, 0u64);
    let mut sums = vec![0u128; k];
    let mut less = vec![0u128; k];
    let mut critical: Vec<usize> = Vec::with_capacity(n);
    for (h, hs) in hi.iter().enumerate() {
        for (l, ls) in lo.iter().enumerate() {
            for d in 0..k {
                sums[d] = ls[d] + hs[d];
            }
            if !game.rule.wins(&sums) {
                continue;
            }
            winning += 1;
            let mask = (h << lo_n) | l;
            let size = mask.count_ones() as usize;
            critical.clear();
            for i in 0..n {
                if mask >> i & 1 == 0 {
                    continue;
                }
                for d in 0..k {
                    less[d] = sums[d] - game.weights[d][i];
                }
                if !game.rule.wins(&less) {
                    critical.push(i);
                }
            }
            for &i in &critical {
                swings_by_size[i][size - 1] += 1;
                crit_by_count[i][critical.len()] += 1;
            }
            if critical.len() == size {
                mwc += 1;
                for &i in &critical {
                    mwc_by_size[i][size] += 1;
                }
            }
        }
    }
    let big = |v: &Vec<u64>| v.iter().map(|&x| BigUint::from(x)).collect::<Vec<_>>();
    let mut values = BTreeMap::new();
    let swings: Vec<BigUint> = swings_by_size
        .iter()
        .map(|v| v.iter().map(|&x| BigUint::from(x)).sum())
        .collect();
    let (bz, bza) = banzhaf(n, &swings);
    for &ix in indices {
        let v = match ix {
            Index::ShapleyShubik => {
                shapley_shubik(n, &swings_by_size.iter().map(big).collect::<Vec<_>>())
            }
            Index::Banzhaf => bz.clone(),
            Index::BanzhafAbsolute => bza.clone(),
            Index::Johnston => {
                // Σ_c count_c / c per player, then normalised; common denominator lcm(1..n).
                let l = (1..=n as u64)
                    .fold(BigUint::one(), |a, c| num_integer::lcm(a, BigUint::from(c)));
                let parts: Vec<Ratio> = crit_by_count
                    .iter()
                    .map(|by| {
                        let num: BigUint = by
                            .iter()
                            .enumerate()
                            .skip(1)
                            .map(|(c, &x)| BigUint::from(x) * (&l / BigUint::from(c as u64)))
                            .sum();
                        Ratio::new(num, l.clone())
                    })
                    .collect();
                normalise(&parts)
            }
            Index::DeeganPackel => {
                let l = (1..=n as u64)
                    .fold(BigUint::one(), |a, c| num_integer::lcm(a, BigUint::from(c)));
                mwc_by_size
                    .iter()
                    .map(|by| {
                        let num: BigUint = by
                            .iter()
                            .enumerate()
                            .skip(1)
                            .map(|(s, &x)| BigUint::from(x) * (&l / BigUint::from(s as u64)))
                            .sum();
                        Ratio::new(num, &l * BigUint::from(mwc))
                    })
                    .collect()
            }
            Index::Holler => {
                let counts: Vec<u64> = mwc_by_size.iter().map(|v| v.iter().sum()).collect();
                let total: u64 = counts.iter().sum();
                counts
                    .iter()
                    .map(|&c| Ratio::new(BigUint::from(c), BigUint::from(total)))
                    .collect()
            }
        };
        values.insert(ix, v);
    }
    PowerResult {
        players: game.players.clone(),
        method: Method::Enumeration,
        values,
        winning_coalitions: Some(BigUint::from(winning)),
        minimal_winning_coalitions: Some(BigUint::from(mwc)),
    }
}

/// Counts of coalitions (as fixed-width multi-limb integers) by total weight below the
/// quota, and by size when Shapley–Shubik is asked: the coefficients of
/// Π_j (1 + y·x^{w_j}) truncated at x^q. Each player's own counts come from removing its
/// factor (c'_k = c_k − c'_{k−w}), so the whole run is O(n·q) for Banzhaf and O(n²·q) for
/// Shapley–Shubik limb operations.
fn generating_function(
    game: &Game,
    dim: usize,
    quota: u128,
    indices: &[Index],
) -> Result<PowerResult, PowerError> {
    let n = game.n();
    let w: Vec<u128> = game.weights[dim].clone();
    let total: u128 = w.iter().sum();
    if quota == 0 || quota > total {
        // Everyone or no one wins: nobody is ever decisive.
        let zero = vec![Ratio::new(BigUint::zero(), BigUint::one()); n];
        let values = indices.iter().map(|&i| (i, zero.clone())).collect();
        return Ok(PowerResult {
            players: game.players.clone(),
            method: Method::GeneratingFunction,
            values,
            winning_coalitions: None,
            minimal_winning_coalitions: None,
        });
    }
    let q = usize::try_from(quota).map_err(|_| too_large(n, "the quota is too large"))?;
    if q > 50_000_000 {
        return Err(too_large(n, "the quota exceeds 50 million weight units"));
    }
    let limbs = n / 64 + 1;
    let wi: Vec<usize> = w
        .iter()
        .map(|&x| usize::try_from(x).unwrap_or(usize::MAX))
        .collect();
    let want_ss = indices.contains(&Index::ShapleyShubik);
    let sizes = if want_ss { n + 1 } else { 1 };
    if q.saturating_mul(sizes).saturating_mul(limbs) > 400_000_000 {
        return Err(too_large(
            n,
            "Shapley–Shubik by generating function needs more than 3 GB here; ask for --index banzhaf,banzhaf_absolute",
        ));
    }
    let cell = sizes * limbs;
    // c[k][s] for k < q.
    let mut c = vec![0u64; q * cell];
    c[0] = 1;
    for (j, &wj) in wi.iter().enumerate() {
        if wj == 0 {
            // x^0: doubles every count (size shifts by one).
            for k in 0..q {
                add_shifted_self(&mut c[k * cell..(k + 1) * cell], sizes, limbs, want_ss, j);
            }
            continue;
        }
        for k in (wj..q).rev() {
            let (lo, hi) = c.split_at_mut(k * cell);
            let src = &lo[(k - wj) * cell..(k - wj + 1) * cell];
            let dst = &mut hi[..cell];
            add_cell(dst, src, sizes, limbs, want_ss);
        }
    }
    let mut swings_by_size: Vec<Vec<BigUint>> = Vec::with_capacity(n);
    let mut swings: Vec<BigUint> = Vec::with_capacity(n);
    let mut without = vec![0u64; q * cell];
    for &wj in &wi {
        if wj == 0 {
            swings.push(BigUint::zero());
            swings_by_size.push(vec![BigUint::zero(); n]);
            continue;
        }
        // c'_k = c_k − c'_{k−w} (and sizes shift by one).
        without.copy_from_slice(&c);
        for k in wj..q {
            let (lo, hi) = without.split_at_mut(k * cell);
            let src = &lo[(k - wj) * cell..(k - wj + 1) * cell];
            sub_cell(&mut hi[..cell], src, sizes, limbs, want_ss);
        }
        // Swings: coalitions without j with weight in [q − w_j, q − 1].
        let from = q.saturating_sub(wj);
        let mut by = vec![vec![0u64; limbs]; sizes];
        for k in from..q {
            for (s, acc) in by.iter_mut().enumerate() {
                let at = k * cell + s * limbs;
                add_limbs(acc, &without[at..at + limbs]);
            }
        }
        let by: Vec<BigUint> = by.iter().map(|l| to_big(l)).collect();
        swings.push(by.iter().sum());
        swings_by_size.push(if want_ss {
            by[..n].to_vec()
        } else {
            Vec::new()
        });
    }
    let (bz, bza) = banzhaf(n, &swings);
    let mut values = BTreeMap::new();
    for &ix in indices {
        let v = match ix {
            Index::ShapleyShubik => shapley_shubik(n, &swings_by_size),
            Index::Banzhaf => bz.clone(),
            Index::BanzhafAbsolute => bza.clone(),
            _ => {
                return Err(too_large(
                    n,
                    "only Shapley–Shubik and Banzhaf by generating function",
                ))
            }
        };
        values.insert(ix, v);
    }
    Ok(PowerResult {
        players: game.players.clone(),
        method: Method::GeneratingFunction,
        values,
        winning_coalitions: None,
        minimal_winning_coalitions: None,
    })
}

fn too_large(n: usize, reason: &str) -> PowerError {
    PowerError::TooLarge {
        n,
        reason: reason.to_string(),
    }
}

fn add_limbs(dst: &mut [u64], src: &[u64]) {
    let mut carry = 0u64;
    for (d, s) in dst.iter_mut().zip(src) {
        let (a, c1) = d.overflowing_add(*s);
        let (b, c2) = a.overflowing_add(carry);
        *d = b;
        carry = u64::from(c1) + u64::from(c2);
    }
}

fn sub_limbs(dst: &mut [u64], src: &[u64]) {
    let mut borrow = 0u64;
    for (d, s) in dst.iter_mut().zip(src) {
        let (a, b1) = d.overflowing_sub(*s);
        let (b, b2) = a.overflowing_sub(borrow);
        *d = b;
        borrow = u64::from(b1) + u64::from(b2);
    }
}

/// dst[s] += src[s − 1] (with sizes) or dst += src (without).
fn add_cell(dst: &mut [u64], src: &[u64], sizes: usize, limbs: usize, by_size: bool) {
    if by_size {
        for s in (1..sizes).rev() {
            add_limbs(
                &mut dst[s * limbs..(s + 1) * limbs],
                &src[(s - 1) * limbs..s * limbs],
            );
        }
    } else {
        add_limbs(dst, src);
    }
}

fn sub_cell(dst: &mut [u64], src: &[u64], sizes: usize, limbs: usize, by_size: bool) {
    if by_size {
        for s in 1..sizes {
            sub_limbs(
                &mut dst[s * limbs..(s + 1) * limbs],
                &src[(s - 1) * limbs..s * limbs],
            );
        }
    } else {
        sub_limbs(dst, src);
    }
}

/// A zero-weight player: every coalition count c[k][s] gains c[k][s − 1].
fn add_shifted_self(cell: &mut [u64], sizes: usize, limbs: usize, by_size: bool, _j: usize) {
    if by_size {
        for s in (1..sizes).rev() {
            let (lo, hi) = cell.split_at_mut(s * limbs);
            add_limbs(&mut hi[..limbs], &lo[(s - 1) * limbs..s * limbs]);
        }
    } else {
        let copy = cell.to_vec();
        add_limbs(cell, &copy);
    }
}

fn to_big(limbs: &[u64]) -> BigUint {
    let digits: Vec<u32> = limbs
        .iter()
        .flat_map(|&l| [(l & 0xffff_ffff) as u32, (l >> 32) as u32])
        .collect();
    BigUint::new(digits)
}
