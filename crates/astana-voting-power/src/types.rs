//! Games with few distinct kinds of player: players with the same weights in every
//! dimension are interchangeable, so a coalition is described by how many of each kind it
//! holds. Visiting every such count vector (with its multiplicity, a product of binomial
//! coefficients) gives all six indices exactly in Π (m_t + 1) steps: the UN Security
//! Council and its reform models (vetoes and elected seats), consensus bodies.

use crate::game::Game;
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// Largest number of count vectors visited.
pub(crate) const MAX_VECTORS: usize = 2_000_000;

/// The counts the index formulas need, per player.
pub(crate) struct Counts {
    pub(crate) swings_by_size: Vec<Vec<BigUint>>,
    pub(crate) crit_by_count: Vec<Vec<BigUint>>,
    pub(crate) mwc_by_size: Vec<Vec<BigUint>>,
    pub(crate) winning: BigUint,
    pub(crate) mwc: BigUint,
}

fn binomials(n: usize) -> Vec<Vec<BigUint>> {
    let mut c: Vec<Vec<BigUint>> = vec![vec![BigUint::one()]];
    for i in 1..=n {
        let mut row = vec![BigUint::one(); i + 1];
        for j in 1..i {
            row[j] = &c[i - 1][j - 1] + &c[i - 1][j];
        }
        c.push(row);
    }
    c
}

/// Exact counts by kinds of player, or `None` when there are too many count vectors.
pub(crate) fn counts(game: &Game) -> Option<Counts> {
    let n = game.n();
    let k = game.dims.len();
    // Kinds: distinct weight vectors, with their members.
    let mut kinds: Vec<(Vec<u128>, Vec<usize>)> = Vec::new();
    for i in 0..n {
        let wv: Vec<u128> = (0..k).map(|d| game.weights[d][i]).collect();
        match kinds.iter_mut().find(|(w, _)| *w == wv) {
            Some((_, members)) => members.push(i),
            None => kinds.push((wv, vec![i])),
        }
    }
    let sizes: Vec<usize> = kinds.iter().map(|(_, m)| m.len()).collect();
    let vectors = sizes
        .iter()
        .try_fold(1usize, |a, &m| a.checked_mul(m + 1))?;
    if vectors > MAX_VECTORS {
        return None;
    }
    let binom = binomials(n);
    let t = kinds.len();
    let mut out = Counts {
        swings_by_size: vec![vec![BigUint::zero(); n]; n],
        crit_by_count: vec![vec![BigUint::zero(); n + 1]; n],
        mwc_by_size: vec![vec![BigUint::zero(); n + 1]; n],
        winning: BigUint::zero(),
        mwc: BigUint::zero(),
    };
    // Per kind: (size s without the player, critical count c, is minimal) → count of
    // coalitions containing one given member of that kind; distributed to members at the end.
    let mut per_kind_swing = vec![vec![BigUint::zero(); n]; t];
    let mut per_kind_crit = vec![vec![BigUint::zero(); n + 1]; t];
    let mut per_kind_mwc = vec![vec![BigUint::zero(); n + 1]; t];
    let mut vec_k = vec![0usize; t];
    let mut sums = vec![0u128; k];
    let mut less = vec![0u128; k];
    for _ in 0..vectors {
        for (d, sum) in sums.iter_mut().enumerate() {
            *sum = kinds
                .iter()
                .zip(&vec_k)
                .map(|((w, _), &c)| w[d] * c as u128)
                .sum();
        }
        if game.rule.wins(&sums) {
            let total: usize = vec_k.iter().sum();
            let mult: BigUint = (0..t).map(|u| &binom[sizes[u]][vec_k[u]]).product();
            out.winning += &mult;
            let critical: Vec<bool> = (0..t)
                .map(|u| {
                    vec_k[u] > 0 && {
                        for ((l, s), w) in less.iter_mut().zip(&sums).zip(&kinds[u].0) {
                            *l = s - w;
                        }
                        !game.rule.wins(&less)
                    }
                })
                .collect();
            let crit_count: usize = (0..t).filter(|&u| critical[u]).map(|u| vec_k[u]).sum();
            let minimal = (0..t).all(|u| vec_k[u] == 0 || critical[u]);
            if minimal {
                out.mwc += &mult;
            }
            for u in (0..t).filter(|&u| critical[u]) {
                // Coalitions with this vector that contain a given member of kind u.
                let with: BigUint = (0..t)
                    .map(|v| {
                        if v == u {
                            binom[sizes[v] - 1][vec_k[v] - 1].clone()
                        } else {
                            binom[sizes[v]][vec_k[v]].clone()
                        }
                    })
                    .product();
                per_kind_swing[u][total - 1] += &with;
                per_kind_crit[u][crit_count] += &with;
                if minimal {
                    per_kind_mwc[u][total] += &with;
                }
            }
        }
        // Next count vector (mixed radix).
        for u in 0..t {
            vec_k[u] += 1;
            if vec_k[u] <= sizes[u] {
                break;
            }
            vec_k[u] = 0;
        }
    }
    for (u, (_, members)) in kinds.iter().enumerate() {
        for &i in members {
            out.swings_by_size[i] = per_kind_swing[u].clone();
            out.crit_by_count[i] = per_kind_crit[u].clone();
            out.mwc_by_size[i] = per_kind_mwc[u].clone();
        }
    }
    Some(out)
}
