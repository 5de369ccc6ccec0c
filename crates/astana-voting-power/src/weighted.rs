//! Johnston, Deegan–Packel and Holler for one weighted clause `[q; w]`, by generating
//! functions instead of 2^n enumeration. Counts are exact in u128, so n ≤ 127.
//!
//! * Minimal winning coalitions: S is minimal iff W(S) ≥ q and W(S) − min_{j∈S} w_j < q.
//!   Ordering players by weight (heaviest first), each such S is counted once through its
//!   last member m: S = T ∪ {m} with T among the players before m and
//!   q − w_m ≤ W(T) ≤ q − 1. Counting T by size, with or without a given player i, gives
//!   Deegan–Packel and Holler. O(n³·q).
//! * Johnston: in a winning S with excess e = W(S) − q, the critical members are those with
//!   w_j > e. For each e < max w, count coalitions of weight q + e by their number of
//!   members heavier than e. O(max w · n² · (q + max w)).

use crate::error::PowerError;
use crate::game::Game;

/// What the three indices need, as exact counts.
pub(crate) struct Extra {
    /// mwc_by_size[i][s]: minimal winning coalitions of size s containing i.
    pub(crate) mwc_by_size: Vec<Vec<u128>>,
    /// Number of minimal winning coalitions.
    pub(crate) mwc: u128,
    /// crit_by_count[i][c]: winning coalitions where i is one of c critical members.
    pub(crate) crit_by_count: Vec<Vec<u128>>,
}

fn too_large(n: usize, why: &str) -> PowerError {
    PowerError::TooLarge {
        n,
        reason: why.to_string(),
    }
}

/// Whether [`extra`] takes this game on (checked before any other work is done).
pub(crate) fn feasible(
    game: &Game,
    dim: usize,
    quota: u128,
    johnston: bool,
    mwc: bool,
) -> Result<(), PowerError> {
    let n = game.n();
    if n > 127 {
        return Err(too_large(
            n,
            "Johnston, Deegan–Packel and Holler by generating function count in 128 bits, up to 127 players",
        ));
    }
    let q = usize::try_from(quota).map_err(|_| too_large(n, "the quota is too large"))?;
    let max_w = game.weights[dim]
        .iter()
        .map(|&x| usize::try_from(x).unwrap_or(usize::MAX))
        .max()
        .unwrap_or(0);
    let cost_mwc = (n as u128).pow(3).saturating_mul(q as u128);
    let cost_j = (max_w as u128)
        .saturating_mul((n as u128).pow(2))
        .saturating_mul(q.saturating_add(max_w) as u128);
    if (mwc && cost_mwc > 4_000_000_000) || (johnston && cost_j > 4_000_000_000) {
        return Err(too_large(
            n,
            "Johnston, Deegan–Packel and Holler would take too long by generating function here",
        ));
    }
    Ok(())
}

/// Counts for Johnston (`johnston`) and for Deegan–Packel / Holler (`mwc`).
pub(crate) fn extra(
    game: &Game,
    dim: usize,
    quota: u128,
    johnston: bool,
    mwc: bool,
) -> Result<Extra, PowerError> {
    feasible(game, dim, quota, johnston, mwc)?;
    let n = game.n();
    let w: Vec<usize> = game.weights[dim]
        .iter()
        .map(|&x| usize::try_from(x).unwrap_or(usize::MAX))
        .collect();
    let q = usize::try_from(quota).map_err(|_| too_large(n, "the quota is too large"))?;
    let max_w = w.iter().copied().max().unwrap_or(0);
    let mut out = Extra {
        mwc_by_size: vec![vec![0; n + 1]; n],
        mwc: 0,
        crit_by_count: vec![vec![0; n + 1]; n],
    };
    let sizes = n + 1;
    if mwc && q > 0 {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| w[b].cmp(&w[a]).then(a.cmp(&b)));
        // g[W][s]: subsets of the players before m, of weight W < q and size s.
        let mut g = vec![0u128; q * sizes];
        g[0] = 1;
        let mut without = vec![0u128; q * sizes];
        for (pos, &m) in order.iter().enumerate() {
            let wm = w[m];
            if wm > 0 {
                let lo = q.saturating_sub(wm);
                for wt in lo..q {
                    for s in 0..n {
                        let c = g[wt * sizes + s];
                        if c > 0 {
                            out.mwc_by_size[m][s + 1] += c;
                            out.mwc += c;
                        }
                    }
                }
                // Members i before m: subsets T ∋ i, i.e. subsets of the rest of weight in
                // [q − w_m − w_i, q − 1 − w_i], one smaller.
                for &i in &order[..pos] {
                    let wi = w[i];
                    // A zero weight is never critical; a weight of q or more wins alone, so
                    // such a player is in no larger minimal coalition.
                    if wi == 0 || wi >= q {
                        continue;
                    }
                    without.copy_from_slice(&g);
                    for wt in wi..q {
                        for s in 1..sizes {
                            let sub = without[(wt - wi) * sizes + s - 1];
                            without[wt * sizes + s] -= sub;
                        }
                    }
                    let hi = q - wi; // exclusive
                    let lo = q.saturating_sub(wm + wi);
                    for wt in lo..hi {
                        for s in 0..n.saturating_sub(1) {
                            let c = without[wt * sizes + s];
                            if c > 0 {
                                out.mwc_by_size[i][s + 2] += c;
                            }
                        }
                    }
                }
            }
            // Add m to the prefix.
            if wm < q {
                for wt in (wm..q).rev() {
                    for s in (1..sizes).rev() {
                        let add = g[(wt - wm) * sizes + s - 1];
                        g[wt * sizes + s] += add;
                    }
                }
            }
        }
    }
    if johnston {
        let top = q + max_w; // weights of interest: q + e for e < max_w
        for e in 0..max_w {
            // g[W][c]: coalitions of weight W < top with c members heavier than e.
            let mut g = vec![0u128; top * sizes];
            g[0] = 1;
            for &wj in &w {
                let h = usize::from(wj > e);
                // A zero weight only doubles every count (applied below) and is never critical.
                if wj == 0 {
                    continue;
                }
                for wt in (wj..top).rev() {
                    for c in (h..sizes).rev() {
                        let add = g[(wt - wj) * sizes + c - h];
                        g[wt * sizes + c] += add;
                    }
                }
            }
            let zero_players = w.iter().filter(|&&x| x == 0).count() as u32;
            let target = q + e;
            for (i, &wi) in w.iter().enumerate() {
                if wi <= e {
                    continue;
                }
                // Others' coalitions of weight target − w_i with c − 1 heavy members.
                let mut without = g.clone();
                for wt in wi..top {
                    for c in 1..sizes {
                        let sub = without[(wt - wi) * sizes + c - 1];
                        without[wt * sizes + c] -= sub;
                    }
                }
                let at = target - wi;
                for c in 1..sizes {
                    let cnt = without[at * sizes + c - 1] << zero_players;
                    if cnt > 0 {
                        out.crit_by_count[i][c] += cnt;
                    }
                }
            }
        }
    }
    Ok(out)
}
