//! Any rule, by visiting only its winning coalitions: a depth-first search over the players
//! (most weighty first) that abandons a branch as soon as adding every player not yet
//! decided could not make the coalition win. The rule is monotone, so that test is exact;
//! every branch kept holds at least one winning coalition, so the search costs about
//! n × (number of winning coalitions) steps instead of 2^n. Each winning coalition gives
//! its critical members, hence all six indices (as full enumeration does). Qualified
//! majorities win rarely: the EU Council under the Nice rules (27 members, three weights)
//! has about 2 % of its 2^27 coalitions winning.
//!
//! The number of winning coalitions is estimated before starting, from a seeded sample of
//! random coalitions, so that a run the limits do not allow is refused at once.

use crate::error::PowerError;
use crate::game::Game;
use crate::indices::{from_coalition_counts, CoalitionCounts, Index, Method, Options, PowerResult};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Largest game (coalitions are 64-bit masks; counts fit in 64 bits).
pub(crate) const MAX_PLAYERS: usize = 63;

/// Random coalitions drawn to estimate the share that wins.
const SAMPLES: u64 = 4096;

/// Steps (a winning coalition's member checked, one weight dimension) a second, on one
/// core of the release build.
const RATE: f64 = 2.5e8;

/// Players decided before the search is split between threads (2^PREFIX branches).
const PREFIX: usize = 8;

/// Upper estimate of the number of winning coalitions: the sampled share plus two
/// standard deviations (and two coalitions), times 2^n.
pub(crate) fn estimate_winning(game: &Game) -> f64 {
    let n = game.n();
    let k = game.dims.len();
    let mut rng = astana_model::rng::Rng::new(0x5eed);
    let mut sums = vec![0u128; k];
    let mut hits = 0u64;
    for _ in 0..SAMPLES {
        sums.iter_mut().for_each(|s| *s = 0);
        let mut bits = 0u64;
        for i in 0..n {
            if i % 64 == 0 {
                bits = rng.next_u64();
            }
            if bits >> (i % 64) & 1 == 1 {
                for (d, s) in sums.iter_mut().enumerate() {
                    *s += game.weights[d][i];
                }
            }
        }
        hits += u64::from(game.rule.wins(&sums));
    }
    let h = hits as f64;
    ((h + 2.0 * h.sqrt() + 2.0) / SAMPLES as f64).min(1.0) * 2f64.powi(n as i32)
}

/// All requested indices by visiting the winning coalitions.
pub(crate) fn compute(
    game: &Game,
    indices: &[Index],
    opts: &Options<'_>,
) -> Result<PowerResult, PowerError> {
    let n = game.n();
    let k = game.dims.len();
    if n > MAX_PLAYERS {
        return Err(PowerError::TooLarge {
            n,
            reason: format!(
                "no method of this version fits this rule beyond {MAX_PLAYERS} players; Monte Carlo estimates Shapley–Shubik and Banzhaf"
            ),
        });
    }
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let winning = estimate_winning(game);
    let seconds = winning * (n * (k + 1)) as f64 / RATE / threads as f64;
    opts.limits.check(
        &format!("enumeration of the winning coalitions (about {winning:.2e} of them)"),
        seconds,
        (threads * 3 * n * (n + 1) * 8) as u64,
    )?;
    // Most weighty first (by share of each dimension's total), so that branches that
    // cannot win are cut early.
    let totals: Vec<f64> = game
        .weights
        .iter()
        .map(|w| w.iter().map(|&x| x as f64).sum::<f64>().max(1.0))
        .collect();
    let share = |i: usize| -> f64 { (0..k).map(|d| game.weights[d][i] as f64 / totals[d]).sum() };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| share(b).total_cmp(&share(a)).then(a.cmp(&b)));
    // suffix[i·k + d]: weight d of the players order[i..].
    let mut suffix = vec![0u128; (n + 1) * k];
    for i in (0..n).rev() {
        for d in 0..k {
            suffix[i * k + d] = suffix[(i + 1) * k + d] + game.weights[d][order[i]];
        }
    }
    let prefix = PREFIX.min(n);
    let branches = 1usize << prefix;
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let run = || {
        let mut s = Search {
            game,
            order: &order,
            suffix: &suffix,
            k,
            sums: vec![0u128; (n + 1) * k],
            less: vec![0u128; k],
            critical: Vec::with_capacity(n),
            counts: CoalitionCounts {
                swings_by_size: vec![vec![0; n]; n],
                crit_by_count: vec![vec![0; n + 1]; n],
                mwc_by_size: vec![vec![0; n + 1]; n],
                winning: 0,
                mwc: 0,
            },
        };
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= branches {
                break;
            }
            // Branch b fixes the first `prefix` players of the order by its bits.
            let mut mask = 0u64;
            s.sums[..k].iter_mut().for_each(|x| *x = 0);
            for (pos, &p) in order.iter().enumerate().take(prefix) {
                if b >> pos & 1 == 1 {
                    mask |= 1 << p;
                    for d in 0..k {
                        s.sums[d] += game.weights[d][p];
                    }
                }
            }
            let base: Vec<u128> = s.sums[..k].to_vec();
            s.sums[prefix * k..(prefix + 1) * k].copy_from_slice(&base);
            s.visit(prefix, mask);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            opts.tick(d, branches as u64);
        }
        s.counts
    };
    let parts: Vec<CoalitionCounts> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(run)).collect();
        let mut parts = vec![run()];
        for h in handles {
            parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        parts
    });
    let mut total = CoalitionCounts {
        swings_by_size: vec![vec![0; n]; n],
        crit_by_count: vec![vec![0; n + 1]; n],
        mwc_by_size: vec![vec![0; n + 1]; n],
        winning: 0,
        mwc: 0,
    };
    for p in parts {
        total.winning += p.winning;
        total.mwc += p.mwc;
        for (into, from) in [
            (&mut total.swings_by_size, &p.swings_by_size),
            (&mut total.crit_by_count, &p.crit_by_count),
            (&mut total.mwc_by_size, &p.mwc_by_size),
        ] {
            for (a, b) in into.iter_mut().zip(from) {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            }
        }
    }
    Ok(from_coalition_counts(
        game,
        indices,
        Method::WinningCoalitions,
        &total,
    ))
}

/// One thread's search state.
struct Search<'a> {
    game: &'a Game,
    order: &'a [usize],
    suffix: &'a [u128],
    k: usize,
    /// sums[i·k + d]: weight d of the coalition when the first i players are decided.
    sums: Vec<u128>,
    less: Vec<u128>,
    critical: Vec<usize>,
    counts: CoalitionCounts,
}

impl Search<'_> {
    /// The branch where the first `i` players of the order are decided (members in `mask`,
    /// weights in `sums[i·k..]`). Depth is at most 63.
    fn visit(&mut self, i: usize, mask: u64) {
        let k = self.k;
        let n = self.order.len();
        // With every undecided player added, can it win? If not, nothing below does.
        for d in 0..k {
            self.less[d] = self.sums[i * k + d] + self.suffix[i * k + d];
        }
        if !self.game.rule.wins(&self.less) {
            return;
        }
        if i == n {
            self.winning(mask);
            return;
        }
        let p = self.order[i];
        for d in 0..k {
            self.sums[(i + 1) * k + d] = self.sums[i * k + d] + self.game.weights[d][p];
        }
        self.visit(i + 1, mask | 1 << p);
        for d in 0..k {
            self.sums[(i + 1) * k + d] = self.sums[i * k + d];
        }
        self.visit(i + 1, mask);
    }

    /// Counts one winning coalition (its weights in the last row of `sums`).
    fn winning(&mut self, mask: u64) {
        let k = self.k;
        let n = self.order.len();
        let sums = &self.sums[n * k..(n + 1) * k];
        self.critical.clear();
        let mut m = mask;
        while m != 0 {
            let j = m.trailing_zeros() as usize;
            m &= m - 1;
            for ((l, s), w) in self.less.iter_mut().zip(sums).zip(&self.game.weights) {
                *l = s - w[j];
            }
            if !self.game.rule.wins(&self.less) {
                self.critical.push(j);
            }
        }
        let size = mask.count_ones() as usize;
        let c = &mut self.counts;
        c.winning += 1;
        for &j in &self.critical {
            c.swings_by_size[j][size - 1] += 1;
            c.crit_by_count[j][self.critical.len()] += 1;
        }
        if self.critical.len() == size {
            c.mwc += 1;
            for &j in &self.critical {
                c.mwc_by_size[j][size] += 1;
            }
        }
    }
}
