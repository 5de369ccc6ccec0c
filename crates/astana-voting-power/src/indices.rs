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

    /// The indices that swing counts alone determine (every method gives them).
    pub const SWING_BASED: [Index; 3] =
        [Index::ShapleyShubik, Index::Banzhaf, Index::BanzhafAbsolute];

    /// Whether the index needs minimal winning coalitions or critical-member counts
    /// (Johnston, Deegan–Packel, Holler), which not every method provides.
    pub fn needs_coalition_structure(self) -> bool {
        !Index::SWING_BASED.contains(&self)
    }

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
    /// Generating functions over the weights (one clause, or several small ones): exact.
    GeneratingFunction,
    /// Meet in the middle over one large weight and small ones (double majorities): exact.
    MeetInTheMiddle,
    /// Coalitions counted by how many players of each kind they hold (interchangeable
    /// players have equal weights): all six indices, exact.
    Kinds,
    /// Only the winning coalitions visited, by a search that abandons a branch as soon as
    /// adding every remaining player could not win: all six indices, exact; cost in
    /// proportion to the number of winning coalitions.
    WinningCoalitions,
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

/// Largest game the automatic choice enumerates coalition by coalition (2^n of them); larger
/// games with several clauses visit only their winning coalitions.
pub const ENUMERATION_LIMIT: usize = 24;

/// Largest game enumerated when enumeration is forced (a cross-check taking minutes).
pub const FORCED_ENUMERATION_LIMIT: usize = 30;

/// How long and how large an exact computation may be before it is refused. Costs are
/// estimated before any work starts, from operation counts and rates measured on a 2-core
/// machine (release build); they are estimates, within a factor of about two.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Estimated seconds.
    pub seconds: f64,
    /// Estimated peak memory, bytes.
    pub bytes: u64,
}

impl Default for Limits {
    /// 60 seconds and 3 GiB.
    fn default() -> Limits {
        Limits {
            seconds: 60.0,
            bytes: 3 << 30,
        }
    }
}

impl Limits {
    /// No limit (the caller insists).
    pub const NONE: Limits = Limits {
        seconds: f64::INFINITY,
        bytes: u64::MAX,
    };

    pub(crate) fn check(&self, what: &str, seconds: f64, bytes: u64) -> Result<(), PowerError> {
        if seconds > self.seconds || bytes > self.bytes {
            return Err(PowerError::OverBudget {
                what: what.to_string(),
                seconds,
                bytes,
                limits: *self,
            });
        }
        Ok(())
    }
}

/// Called with (work done, total work) during long computations, in the method's own units.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// How [`compute_opts`] runs.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Force a method (`None`: chosen automatically).
    pub method: Option<Method>,
    /// Refuse work estimated above these.
    pub limits: Limits,
    /// Told of progress on long runs.
    pub progress: Option<Progress<'a>>,
}

impl Options<'_> {
    pub(crate) fn tick(&self, done: u64, total: u64) {
        if let Some(p) = self.progress {
            p(done, total);
        }
    }
}

/// Computes the requested indices exactly, within the default [`Limits`].
///
/// Small games (≤ 16 players) are enumerated. Otherwise: few kinds of player → counting by
/// kinds; one weighted clause (`weight >= q`) → generating functions (all six indices);
/// a double majority whose players differ in one large weight (the EU Council) → meet in
/// the middle (all six, up to 35 players); several clauses over small weights →
/// multi-dimensional generating functions (Shapley–Shubik and Banzhaf); anything else →
/// a search that visits only the winning coalitions (all six, up to 63 players, as long
/// as their estimated number fits the limits).
///
/// # Errors
/// [`PowerError::TooLarge`] when no exact method of this version fits the game,
/// [`PowerError::OverBudget`] when the one that fits would exceed the limits,
/// [`PowerError::NoDecision`] when every coalition wins or none does.
pub fn compute(game: &Game, indices: &[Index]) -> Result<PowerResult, PowerError> {
    compute_opts(game, indices, &Options::default())
}

/// [`compute`] with the method forced (`None`: choose as [`compute`] does). Useful to
/// cross-check the exact methods.
///
/// # Errors
/// As [`compute`]; also [`PowerError::TooLarge`] when the forced method cannot handle the
/// game or the indices.
pub fn compute_with(
    game: &Game,
    indices: &[Index],
    method: Option<Method>,
) -> Result<PowerResult, PowerError> {
    compute_opts(
        game,
        indices,
        &Options {
            method,
            ..Options::default()
        },
    )
}

/// [`compute`] with a forced method, other limits and a progress callback.
///
/// # Errors
/// As [`compute_with`].
pub fn compute_opts(
    game: &Game,
    indices: &[Index],
    opts: &Options<'_>,
) -> Result<PowerResult, PowerError> {
    if let Some(why) = game.no_decision() {
        return Err(PowerError::NoDecision(why));
    }
    let n = game.n();
    let limits = &opts.limits;
    match opts.method {
        // Forced, enumeration goes further than the automatic choice: a slow cross-check.
        Some(Method::Enumeration) if n <= FORCED_ENUMERATION_LIMIT => {
            limits.check(
                "enumeration of all coalitions",
                enumeration_seconds(game),
                0,
            )?;
            return Ok(enumerate(game, indices, opts));
        }
        Some(Method::Enumeration) => {
            return Err(too_large(
                n,
                &format!("enumeration is limited to {FORCED_ENUMERATION_LIMIT} players"),
            ))
        }
        Some(Method::WinningCoalitions) => return crate::winning::compute(game, indices, opts),
        Some(Method::GeneratingFunction) => {
            if indices.iter().any(|i| i.needs_coalition_structure()) {
                return Err(too_large(
                    n,
                    "generating functions give Shapley–Shubik and Banzhaf only",
                ));
            }
            if let Some((dim, quota)) = game.rule.as_clause() {
                return generating_function(game, dim, quota, indices, opts);
            }
            return crate::multidim::swings_by_size(game, &opts.limits)
                .map(|by| from_swings(game, &by, indices, Method::GeneratingFunction))
                .ok_or_else(|| {
                    too_large(
                        n,
                        "the weight totals are too large for generating functions (or over the cost limits)",
                    )
                });
        }
        Some(Method::Kinds) => {
            return crate::types::counts(game)
                .map(|c| from_counts(game, c, indices))
                .ok_or_else(|| too_large(n, "too many kinds of player"));
        }
        Some(Method::MeetInTheMiddle) if indices.iter().any(|i| i.needs_coalition_structure()) => {
            return mitm_all(game, indices, &opts.limits).ok_or_else(|| {
                too_large(n, "meet in the middle needs one large weight and players that differ only in it, up to 35 players")
            });
        }
        Some(Method::MeetInTheMiddle) => {
            return crate::mitm::swings_by_size(game, &opts.limits)
                .map(|by| from_swings(game, &by, indices, Method::MeetInTheMiddle))
                .ok_or_else(|| too_large(n, "meet in the middle needs one large weight and small others, up to 35 players"));
        }
        None => {}
    }
    let needs_structure = indices.iter().any(|i| i.needs_coalition_structure());
    // Enumeration gives every index and the coalition counts; above 16 players it is only
    // worth its 2^n cost when no cheaper method applies.
    // Few kinds of player (vetoes and elected seats): every index at once, cheaply.
    if n > 12 {
        if let Some(c) = crate::types::counts(game) {
            return Ok(from_counts(game, c, indices));
        }
    }
    if n <= 16 {
        return Ok(enumerate(game, indices, opts));
    }
    let clause = game.rule.as_clause();
    if let Some((dim, quota)) = clause {
        return match weighted_all(game, dim, quota, indices, opts) {
            Err(PowerError::TooLarge { .. }) if n <= ENUMERATION_LIMIT => {
                Ok(enumerate(game, indices, opts))
            }
            other => other,
        };
    }
    if needs_structure {
        if let Some(r) = mitm_all(game, indices, &opts.limits) {
            return Ok(r);
        }
        return crate::winning::compute(game, indices, opts);
    }
    let by_size = crate::multidim::swings_by_size(game, &opts.limits)
        .map(|b| (b, Method::GeneratingFunction))
        .or_else(|| {
            crate::mitm::swings_by_size(game, &opts.limits).map(|b| (b, Method::MeetInTheMiddle))
        });
    match by_size {
        Some((by_size, method)) => Ok(from_swings(game, &by_size, indices, method)),
        None => crate::winning::compute(game, indices, opts),
    }
}

/// Estimated seconds to enumerate all 2^n coalitions (about 25 million a second).
fn enumeration_seconds(game: &Game) -> f64 {
    2f64.powi(game.n() as i32) * (1.0 + game.dims.len() as f64) / 5e7
}

/// All six indices by meet in the middle; swings and the coalition structure are computed
/// only when asked for, side by side.
fn mitm_all(game: &Game, indices: &[Index], limits: &Limits) -> Option<PowerResult> {
    let n = game.n();
    let want_swings = indices.iter().any(|i| Index::SWING_BASED.contains(i));
    let want_j = indices.contains(&Index::Johnston);
    let want_c = want_j || indices.iter().any(|i| i.needs_coalition_structure());
    // The coalition structure needs players that differ in one weight only: checked first,
    // so that swings are not computed for nothing.
    if want_c && !crate::mitm::differ_in_one_weight(game) {
        return None;
    }
    let (by_size, critical) = std::thread::scope(|s| {
        let swings = s.spawn(|| want_swings.then(|| crate::mitm::swings_by_size(game, limits)));
        let critical = want_c.then(|| crate::mitm::critical(game, want_j));
        (join(swings), critical)
    });
    let by_size = by_size.unwrap_or(Some(vec![Vec::new(); n]))?;
    let mut r = from_swings(game, &by_size, indices, Method::MeetInTheMiddle);
    if let Some(c) = critical {
        let c = c?;
        let over = |x: &[u128], d: &BigUint| -> Vec<Ratio> {
            x.iter()
                .map(|&v| Ratio::new(BigUint::from(v), d.clone()))
                .collect()
        };
        let l = BigUint::from(c.l);
        let mwc = BigUint::from(c.mwc);
        for &ix in indices {
            let v = match ix {
                Index::Johnston => normalise(&over(&c.johnston, &l)),
                Index::DeeganPackel => over(&c.deegan_packel, &(&l * &mwc)),
                Index::Holler => normalise(&over(&c.holler, &BigUint::one())),
                _ => continue,
            };
            r.values.insert(ix, v);
        }
        r.minimal_winning_coalitions = Some(mwc);
    }
    Some(r)
}

/// All indices from counts by kinds of player.
fn from_counts(game: &Game, c: crate::types::Counts, indices: &[Index]) -> PowerResult {
    let n = game.n();
    let swings: Vec<BigUint> = c.swings_by_size.iter().map(|v| v.iter().sum()).collect();
    let (bz, bza) = banzhaf(n, &swings);
    let mwc_total = c.mwc.clone();
    let mut values = BTreeMap::new();
    for &ix in indices {
        let v = match ix {
            Index::ShapleyShubik => shapley_shubik(n, &c.swings_by_size),
            Index::Banzhaf => bz.clone(),
            Index::BanzhafAbsolute => bza.clone(),
            Index::Johnston => johnston(n, &c.crit_by_count),
            Index::DeeganPackel => deegan_packel(n, &c.mwc_by_size, &mwc_total),
            Index::Holler => holler(&c.mwc_by_size),
        };
        values.insert(ix, v);
    }
    PowerResult {
        players: game.players.clone(),
        method: Method::Kinds,
        values,
        winning_coalitions: Some(c.winning),
        minimal_winning_coalitions: Some(c.mwc),
    }
}

/// Every index of one weighted clause by generating functions.
fn weighted_all(
    game: &Game,
    dim: usize,
    quota: u128,
    indices: &[Index],
    opts: &Options<'_>,
) -> Result<PowerResult, PowerError> {
    let want_j = indices.contains(&Index::Johnston);
    let want_m = indices.contains(&Index::DeeganPackel) || indices.contains(&Index::Holler);
    // Refuse before the generating function runs, so that a caller falling back to fewer
    // indices does not pay for it twice.
    if want_j || want_m {
        crate::weighted::feasible(game, dim, quota, want_j, want_m)?;
    }
    let basic: Vec<Index> = indices
        .iter()
        .copied()
        .filter(|i| {
            matches!(
                i,
                Index::ShapleyShubik | Index::Banzhaf | Index::BanzhafAbsolute
            )
        })
        .collect();
    let mut result = generating_function(game, dim, quota, &basic, opts)?;
    if want_j || want_m {
        let n = game.n();
        let x = crate::weighted::extra(game, dim, quota, want_j, want_m)?;
        for &ix in indices {
            let v = match ix {
                Index::Johnston => johnston(n, &x.crit_by_count),
                Index::DeeganPackel => deegan_packel(n, &x.mwc_by_size, &BigUint::from(x.mwc)),
                Index::Holler => holler(&x.mwc_by_size),
                _ => continue,
            };
            result.values.insert(ix, v);
        }
        if want_m {
            result.minimal_winning_coalitions = Some(BigUint::from(x.mwc));
        }
    }
    Ok(result)
}

/// A scoped thread's result, its panic passed on.
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Shapley–Shubik and Banzhaf from swing counts by size.
fn from_swings(
    game: &Game,
    by_size: &[Vec<BigUint>],
    indices: &[Index],
    method: Method,
) -> PowerResult {
    let n = game.n();
    let swings: Vec<BigUint> = by_size.iter().map(|v| v.iter().sum()).collect();
    let (bz, bza) = banzhaf(n, &swings);
    let mut values = BTreeMap::new();
    for &ix in indices {
        let v = match ix {
            Index::ShapleyShubik => shapley_shubik(n, by_size),
            Index::Banzhaf => bz.clone(),
            Index::BanzhafAbsolute => bza.clone(),
            _ => continue,
        };
        values.insert(ix, v);
    }
    PowerResult {
        players: game.players.clone(),
        method,
        values,
        winning_coalitions: None,
        minimal_winning_coalitions: None,
    }
}

fn lcm_to(n: usize) -> BigUint {
    (1..=n as u64).fold(BigUint::one(), |a, c| num_integer::lcm(a, BigUint::from(c)))
}

/// Σ_{k ≥ 1} counts[k] · (l / k): counts weighted by 1/k over the common denominator l.
fn over_k<T: Clone + Into<BigUint>>(counts: &[T], l: &BigUint) -> BigUint {
    counts
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, x)| x.clone().into() * (l / BigUint::from(k as u64)))
        .sum()
}

/// Johnston: Σ over winning coalitions where the player is one of c critical members of
/// 1/c, normalised. `crit_by_count[i][c]` counts those coalitions.
fn johnston<T: Clone + Into<BigUint>>(n: usize, crit_by_count: &[Vec<T>]) -> Vec<Ratio> {
    let l = lcm_to(n);
    let parts: Vec<Ratio> = crit_by_count
        .iter()
        .map(|by| Ratio::new(over_k(by, &l), l.clone()))
        .collect();
    normalise(&parts)
}

/// Deegan–Packel: Σ over minimal winning coalitions of size s containing the player of 1/s,
/// over their number.
fn deegan_packel<T: Clone + Into<BigUint>>(
    n: usize,
    mwc_by_size: &[Vec<T>],
    mwc: &BigUint,
) -> Vec<Ratio> {
    let l = lcm_to(n);
    mwc_by_size
        .iter()
        .map(|by| Ratio::new(over_k(by, &l), &l * mwc))
        .collect()
}

/// Holler: minimal winning coalitions containing the player over the sum of those counts.
fn holler<T: Clone + Into<BigUint>>(mwc_by_size: &[Vec<T>]) -> Vec<Ratio> {
    let counts: Vec<BigUint> = mwc_by_size
        .iter()
        .map(|v| v.iter().map(|x| x.clone().into()).sum())
        .collect();
    let total: BigUint = counts.iter().sum();
    counts
        .into_iter()
        .map(|c| Ratio::new(c, total.clone()))
        .collect()
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
fn enumerate(game: &Game, indices: &[Index], opts: &Options<'_>) -> PowerResult {
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
        opts.tick(h as u64, hi.len() as u64);
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
    from_coalition_counts(
        game,
        indices,
        Method::Enumeration,
        &CoalitionCounts {
            swings_by_size,
            crit_by_count,
            mwc_by_size,
            winning,
            mwc,
        },
    )
}

/// What visiting winning coalitions one by one counts, per player.
pub(crate) struct CoalitionCounts {
    /// Swings by the size of the coalition without the player.
    pub(crate) swings_by_size: Vec<Vec<u64>>,
    /// Winning coalitions where the player is one of c critical members, by c.
    pub(crate) crit_by_count: Vec<Vec<u64>>,
    /// Minimal winning coalitions holding the player, by size.
    pub(crate) mwc_by_size: Vec<Vec<u64>>,
    /// Winning coalitions.
    pub(crate) winning: u64,
    /// Minimal winning coalitions.
    pub(crate) mwc: u64,
}

/// All indices from coalition counts.
pub(crate) fn from_coalition_counts(
    game: &Game,
    indices: &[Index],
    method: Method,
    c: &CoalitionCounts,
) -> PowerResult {
    let n = game.n();
    let big = |v: &Vec<u64>| v.iter().map(|&x| BigUint::from(x)).collect::<Vec<_>>();
    let mut values = BTreeMap::new();
    let swings: Vec<BigUint> = c
        .swings_by_size
        .iter()
        .map(|v| v.iter().map(|&x| BigUint::from(x)).sum())
        .collect();
    let (bz, bza) = banzhaf(n, &swings);
    for &ix in indices {
        let v = match ix {
            Index::ShapleyShubik => {
                shapley_shubik(n, &c.swings_by_size.iter().map(big).collect::<Vec<_>>())
            }
            Index::Banzhaf => bz.clone(),
            Index::BanzhafAbsolute => bza.clone(),
            Index::Johnston => johnston(n, &c.crit_by_count),
            Index::DeeganPackel => deegan_packel(n, &c.mwc_by_size, &BigUint::from(c.mwc)),
            Index::Holler => holler(&c.mwc_by_size),
        };
        values.insert(ix, v);
    }
    PowerResult {
        players: game.players.clone(),
        method,
        values,
        winning_coalitions: Some(BigUint::from(c.winning)),
        minimal_winning_coalitions: Some(BigUint::from(c.mwc)),
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
    opts: &Options<'_>,
) -> Result<PowerResult, PowerError> {
    if let Some(why) = game.no_decision() {
        return Err(PowerError::NoDecision(why));
    }
    let n = game.n();
    let w: Vec<u128> = game.weights[dim].clone();
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
    // A coalition below the quota has at most `s_max` members (the lightest players first).
    let mut sorted = wi.clone();
    sorted.sort_unstable();
    let (mut s_max, mut acc) = (0usize, 0usize);
    while s_max < n && acc.saturating_add(sorted[s_max]) < q {
        acc += sorted[s_max];
        s_max += 1;
    }
    let sizes = if want_ss { s_max + 1 } else { 1 };
    // The product's factors go in heaviest first (the product is the same in any order):
    // `heavy[m]` is the total of the m heaviest players, so after j players a coalition of
    // weight x has at least the fewest and at most the most members that can reach it, and
    // no coalition weighs more than `heavy[j]`. Each pass walks only those rows and sizes:
    // a third of the table's cells on the 200-player benchmark.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| wi[b].cmp(&wi[a]).then(a.cmp(&b)));
    let mut heavy = vec![0usize; n + 1];
    for (m, &p) in order.iter().enumerate() {
        heavy[m + 1] = heavy[m].saturating_add(wi[p]);
    }
    let (seconds, bytes) = gf_cost(&wi, &heavy, q, sizes, limbs, want_ss)
        .ok_or_else(|| too_large(n, "the generating function's table would not fit in memory"))?;
    opts.limits.check(
        if want_ss {
            "shapley_shubik by generating functions"
        } else {
            "banzhaf by generating functions"
        },
        seconds,
        bytes,
    )?;
    let cell = sizes * limbs;
    // The product is built limb by limb in separate planes (plane l holds limb l of every
    // count), size by size (a size's counts by weight are contiguous): while few players
    // are in, only the low planes are touched, and each pass streams through the stretch of
    // weights each size can have. Then it is interleaved (weight by weight) for the window
    // sums.
    let plane = q * sizes;
    let mut planes = vec![0u64; limbs * plane];
    planes[0] = 1;
    let mut carry = vec![0u64; BLOCK];
    for (j, &p) in order.iter().enumerate() {
        opts.tick(j as u64, 2 * n as u64);
        // Counts after j + 1 players are below 2^(j+1): higher limbs are still zero.
        let active = ((j + 1) / 64 + 1).min(limbs);
        let rows = Rows {
            sizes,
            w: wi[p],
            q,
            heavy: &heavy,
            j,
            by_size: want_ss,
        };
        rows.add_planes(&mut planes, plane, active, &mut carry);
    }
    let mut c = vec![0u64; q * cell];
    // Blocks of weights, so that the rows written stay in cache while every plane and size
    // is read.
    for k0 in (0..q).step_by(64) {
        let k1 = (k0 + 64).min(q);
        for (l, pl) in planes.chunks_exact(plane).enumerate() {
            for (s, by_weight) in pl.chunks_exact(q).enumerate() {
                for (k, &x) in by_weight.iter().enumerate().take(k1).skip(k0) {
                    c[k * cell + s * limbs + l] = x;
                }
            }
        }
    }
    drop(planes);
    // Cumulative counts C[k] = Σ_{k' <= k} c[k'], in place.
    for k in 1..q {
        let (lo, hi) = c.split_at_mut(k * cell);
        add_limbs(&mut hi[..cell], &lo[(k - 1) * cell..k * cell]);
    }
    // Player i's coalitions without it: c'(x, y) = c(x, y) / (1 + y·x^w) = Σ_j (−y·x^w)^j c.
    // Its swings are the coalitions of weight in [q − w, q − 1]; summed over that window the
    // series becomes Σ_j (−1)^j (window j of c, sizes shifted by j), and the windows
    // [q − (j+1)w, q − 1 − jw] tile [0, q − 1]. With cumulative counts each window costs one
    // subtraction: O(q/w · n) per player. Arithmetic wraps modulo 2^(64·limbs); the result
    // is below 2^(n−1), so it is exact.
    let mut swings_by_size: Vec<Vec<BigUint>> = Vec::with_capacity(n);
    let mut swings: Vec<BigUint> = Vec::with_capacity(n);
    let mut window = vec![0u64; cell];
    for (i, &wj) in wi.iter().enumerate() {
        opts.tick((n + i) as u64, 2 * n as u64);
        if wj == 0 {
            swings.push(BigUint::zero());
            swings_by_size.push(vec![BigUint::zero(); n]);
            continue;
        }
        let mut by = vec![0u64; cell];
        let mut top = q; // the window is [bottom, top)
        let mut j = 0usize;
        while top > 0 && (j < sizes || !want_ss) {
            let bottom = top.saturating_sub(wj);
            window.copy_from_slice(&c[(top - 1) * cell..top * cell]);
            if bottom > 0 {
                sub_limbs_all(&mut window, &c[(bottom - 1) * cell..bottom * cell]);
            }
            // Add or subtract the window, with sizes shifted by j.
            if want_ss {
                for s in j..sizes {
                    let dst = &mut by[s * limbs..(s + 1) * limbs];
                    let src = &window[(s - j) * limbs..(s - j + 1) * limbs];
                    if j.is_multiple_of(2) {
                        add_limbs(dst, src);
                    } else {
                        sub_limbs(dst, src);
                    }
                }
            } else if j.is_multiple_of(2) {
                add_limbs(&mut by, &window);
            } else {
                sub_limbs(&mut by, &window);
            }
            top = bottom;
            j += 1;
        }
        let by: Vec<BigUint> = by.chunks(limbs).map(to_big).collect();
        swings.push(by.iter().sum());
        if want_ss {
            let mut v = by;
            v.resize(n, BigUint::zero());
            swings_by_size.push(v);
        } else {
            swings_by_size.push(Vec::new());
        }
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

/// Estimated (seconds, peak bytes) of [`generating_function`], following its loops: the
/// product adds each player's factor (heaviest first, `heavy` their running totals) over
/// the weights each size can have, on the limbs in use (at [`GF_RATE`]); then each
/// player's windows. `None` when the table's size overflows.
fn gf_cost(
    w: &[usize],
    heavy: &[usize],
    q: usize,
    sizes: usize,
    limbs: usize,
    ss: bool,
) -> Option<(f64, u64)> {
    let bytes = 2u64
        .checked_mul(q as u64)?
        .checked_mul(sizes as u64)?
        .checked_mul(limbs as u64)?
        .checked_mul(8)?;
    let mut seconds = 0.0;
    for j in 0..w.len() {
        let wj = heavy[j + 1].saturating_sub(heavy[j]);
        let active = ((j + 1) / 64 + 1).min(limbs);
        if wj < q {
            let top = (q - 1 - wj).min(heavy[j]);
            // As in `Rows::add_planes`, over at most 256 of the sizes (evenly spread), so
            // that the estimate stays O(n) however many players there are.
            let cells = if ss {
                let count = j.min(sizes.saturating_sub(2)) + 1;
                let step = count.div_ceil(256);
                let sampled: f64 = (0..count)
                    .step_by(step)
                    .map(|m| {
                        let lo = heavy[j] - heavy[j - m];
                        (heavy[m].min(top) + 1).saturating_sub(lo) as f64
                    })
                    .sum();
                sampled * step as f64
            } else {
                (top + 1) as f64
            };
            seconds += cells * active as f64 / GF_RATE;
        }
        let windows = (q / w[j].max(1) + 1).min(if ss { sizes } else { usize::MAX }) as f64;
        seconds += windows * 3.0 * (sizes * limbs) as f64 / 1.5e9;
    }
    seconds += 3.0 * (q * sizes * limbs) as f64 / 1.5e9;
    Some((seconds, bytes))
}

/// Limb additions a second in [`Rows::add_planes`], with the interleaving and page faults
/// folded in: the 200-player benchmark's Shapley–Shubik (5.1·10⁸ limb additions) took about
/// 1.1 s of CPU on this project's 2-core machine under load (release build).
const GF_RATE: f64 = 5e8;

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

/// `dst -= src` over whole cells (all sizes), wrapping.
fn sub_limbs_all(dst: &mut [u64], src: &[u64]) {
    sub_limbs(dst, src);
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

/// Weights per block of [`Rows::add_planes`]: the carries of one block stay in cache.
const BLOCK: usize = 2048;

/// One player's factor (1 + y·x^w) multiplied into the counts: size s at weight x + w gains
/// size s − 1 at weight x.
struct Rows<'a> {
    sizes: usize,
    w: usize,
    q: usize,
    /// Totals of the m heaviest players; the j heaviest are in so far.
    heavy: &'a [usize],
    j: usize,
    by_size: bool,
}

impl Rows<'_> {
    /// One player's factor over limb planes (`plane` counts each, size by size, `q`
    /// weights per size), of which the low `active` can be non-zero. A coalition of m of
    /// the j players in weighs from the m lightest's total to the m heaviest's, and only
    /// those weights are walked; sizes go downwards, so each is read before it is added
    /// to. Limb l of a block of weights is added plane by plane, its carries kept.
    fn add_planes(&self, c: &mut [u64], plane: usize, active: usize, carry: &mut [u64]) {
        let (q, w, j, heavy) = (self.q, self.w, self.j, self.heavy);
        if w >= q {
            return;
        }
        let top = (q - 1 - w).min(heavy[j]);
        if !self.by_size {
            // One row, in place: downwards, so each source is read before it gains.
            for x in (0..=top).rev() {
                let mut cy = 0u64;
                for l in 0..active {
                    let v = c[l * plane + x];
                    let d = &mut c[l * plane + x + w];
                    let (a, c1) = d.overflowing_add(v);
                    let (b, c2) = a.overflowing_add(cy);
                    *d = b;
                    cy = u64::from(c1 | c2);
                }
            }
            return;
        }
        if self.sizes < 2 {
            // No coalition below the quota has a member: nothing to add.
            return;
        }
        for m in (0..=j.min(self.sizes - 2)).rev() {
            let lo = heavy[j] - heavy[j - m];
            let hi = heavy[m].min(top);
            let mut x0 = lo;
            while x0 <= hi {
                let len = (hi + 1 - x0).min(BLOCK);
                for (l, pl) in c.chunks_exact_mut(plane).take(active).enumerate() {
                    let (below, above) = pl.split_at_mut((m + 1) * q);
                    let src = &below[m * q + x0..][..len];
                    let dst = &mut above[w + x0..][..len];
                    // d + s + carry never carries twice (d + s ≤ 2^65 − 2).
                    if l == 0 {
                        for ((d, s), cy) in dst.iter_mut().zip(src).zip(carry.iter_mut()) {
                            let (a, c1) = d.overflowing_add(*s);
                            *d = a;
                            *cy = u64::from(c1);
                        }
                    } else {
                        for ((d, s), cy) in dst.iter_mut().zip(src).zip(carry.iter_mut()) {
                            let (a, c1) = d.overflowing_add(*s);
                            let (b, c2) = a.overflowing_add(*cy);
                            *d = b;
                            *cy = u64::from(c1 | c2);
                        }
                    }
                }
                x0 += len;
            }
        }
    }
}

fn to_big(limbs: &[u64]) -> BigUint {
    let digits: Vec<u32> = limbs
        .iter()
        .flat_map(|&l| [(l & 0xffff_ffff) as u32, (l >> 32) as u32])
        .collect();
    BigUint::new(digits)
}
