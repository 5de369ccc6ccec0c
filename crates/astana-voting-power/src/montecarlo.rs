//! Monte Carlo estimates past the exact limits: Shapley–Shubik from random orderings,
//! Banzhaf from random coalitions, each with its standard error. Seeded and reproducible.

use crate::error::PowerError;
use crate::game::Game;
use crate::indices::{Index, Options};
use astana_model::rng::Rng;
use std::collections::BTreeMap;

/// An estimate and its standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The estimated value.
    pub value: f64,
    /// Its standard error.
    pub stderr: f64,
}

/// Monte Carlo estimates per index and player.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimates {
    /// Samples drawn (per index).
    pub samples: u64,
    /// The seed.
    pub seed: u64,
    /// Values per index, in player order.
    pub values: BTreeMap<Index, Vec<Estimate>>,
}

/// Estimates Shapley–Shubik and Banzhaf (normalised and absolute) with `samples` draws each.
///
/// # Errors
/// [`PowerError::TooLarge`] for Johnston, Deegan–Packel and Holler, which are not estimated.
pub fn monte_carlo(
    game: &Game,
    indices: &[Index],
    samples: u64,
    seed: u64,
) -> Result<Estimates, PowerError> {
    monte_carlo_opts(game, indices, samples, seed, &Options::default())
}

/// [`monte_carlo`] within `opts.limits` (its cost estimated first) and with progress.
///
/// # Errors
/// As [`monte_carlo`]; [`PowerError::OverBudget`] when the samples would take too long,
/// [`PowerError::NoDecision`] when every coalition wins or none does.
pub fn monte_carlo_opts(
    game: &Game,
    indices: &[Index],
    samples: u64,
    seed: u64,
    opts: &Options<'_>,
) -> Result<Estimates, PowerError> {
    if let Some(why) = game.no_decision() {
        return Err(PowerError::NoDecision(why));
    }
    // Per sample: an ordering walked until its pivot (Shapley–Shubik), a coalition and
    // each player's flip (Banzhaf); about 10⁸ player-weight steps a second.
    let per_sample = (game.n() * (game.dims.len() + 2)) as f64;
    let passes = f64::from(u8::from(indices.contains(&Index::ShapleyShubik)))
        + f64::from(u8::from(
            indices.contains(&Index::Banzhaf) || indices.contains(&Index::BanzhafAbsolute),
        ));
    opts.limits.check(
        &format!("Monte Carlo with {samples} samples"),
        samples as f64 * per_sample * passes / 1e8,
        0,
    )?;
    let total = samples.max(1) * passes.max(1.0) as u64;
    let mut done = 0u64;
    if let Some(ix) = indices.iter().find(|i| i.needs_coalition_structure()) {
        return Err(PowerError::TooLarge {
            n: game.n(),
            reason: format!("{} has no Monte Carlo estimator in this version", ix.name()),
        });
    }
    let n = game.n();
    let k = game.dims.len();
    let mut rng = Rng::new(seed);
    let mut values = BTreeMap::new();
    let samples = samples.max(1);
    let share = |hits: &[u64]| -> Vec<Estimate> {
        hits.iter()
            .map(|&h| {
                let p = h as f64 / samples as f64;
                Estimate {
                    value: p,
                    stderr: (p * (1.0 - p) / samples as f64).sqrt(),
                }
            })
            .collect()
    };
    if indices.contains(&Index::ShapleyShubik) {
        // The pivot of a random ordering: the player whose arrival makes the coalition win.
        let mut pivots = vec![0u64; n];
        let mut order: Vec<usize> = (0..n).collect();
        let mut sums = vec![0u128; k];
        for t in 0..samples {
            if t % 4096 == 0 {
                opts.tick(done + t, total);
            }
            for i in (1..n).rev() {
                order.swap(i, rng.below(i + 1));
            }
            sums.iter_mut().for_each(|s| *s = 0);
            for &p in &order {
                for (d, s) in sums.iter_mut().enumerate() {
                    *s += game.weights[d][p];
                }
                if game.rule.wins(&sums) {
                    pivots[p] += 1;
                    break;
                }
            }
        }
        values.insert(Index::ShapleyShubik, share(&pivots));
        done += samples;
    }
    if indices.contains(&Index::Banzhaf) || indices.contains(&Index::BanzhafAbsolute) {
        // A random coalition of the others, each in with probability ½: decisive if adding
        // the player turns it from losing to winning.
        let mut hits = vec![0u64; n];
        let mut member = vec![false; n];
        let mut sums = vec![0u128; k];
        let mut alt = vec![0u128; k];
        for t in 0..samples {
            if t % 4096 == 0 {
                opts.tick(done + t, total);
            }
            sums.iter_mut().for_each(|s| *s = 0);
            let mut bits = 0u64;
            for (i, m) in member.iter_mut().enumerate() {
                if i % 64 == 0 {
                    bits = rng.next_u64();
                }
                *m = bits >> (i % 64) & 1 == 1;
                if *m {
                    for (d, s) in sums.iter_mut().enumerate() {
                        *s += game.weights[d][i];
                    }
                }
            }
            let wins = game.rule.wins(&sums);
            for i in 0..n {
                for d in 0..k {
                    alt[d] = if member[i] {
                        sums[d] - game.weights[d][i]
                    } else {
                        sums[d] + game.weights[d][i]
                    };
                }
                // With i: `wins` if member, else alt; without i: alt if member, else `wins`.
                let (with, without) = if member[i] {
                    (wins, game.rule.wins(&alt))
                } else {
                    (game.rule.wins(&alt), wins)
                };
                if with && !without {
                    hits[i] += 1;
                }
            }
        }
        let abs = share(&hits);
        let total: f64 = abs.iter().map(|e| e.value).sum();
        if indices.contains(&Index::BanzhafAbsolute) {
            values.insert(Index::BanzhafAbsolute, abs.clone());
        }
        if indices.contains(&Index::Banzhaf) {
            // Normalised by the estimated total; the error ignores the total's own spread.
            let norm = abs
                .iter()
                .map(|e| Estimate {
                    value: if total > 0.0 { e.value / total } else { 0.0 },
                    stderr: if total > 0.0 { e.stderr / total } else { 0.0 },
                })
                .collect();
            values.insert(Index::Banzhaf, norm);
        }
    }
    Ok(Estimates {
        samples,
        seed,
        values,
    })
}
