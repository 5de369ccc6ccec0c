//! Meet in the middle for rules with one large weight (a population) and small ones
//! (counts, veto flags): the EU Council's double majority. For each player, the other
//! players are split into two halves; each half's coalitions are grouped by their small
//! weights and sorted by the large one. A coalition S without the player is a swing when
//! S loses and S plus the player wins, which, the rule being monotone, bounds S's large
//! weight to an interval for each value of the small weights: counted by binary search.
//! About n · 2^(n/2) · log operations instead of 2^n.

use crate::game::Game;
use num_bigint::BigUint;
use std::collections::BTreeMap;

/// Largest game this method takes on (two halves of 2^17 coalitions per player).
pub(crate) const MAX_PLAYERS: usize = 35;

/// Swing counts per player by size, or `None` when the game does not have this shape.
pub(crate) fn swings_by_size(game: &Game) -> Option<Vec<Vec<BigUint>>> {
    let n = game.n();
    if !(2..=MAX_PLAYERS).contains(&n) {
        return None;
    }
    let k = game.dims.len();
    let totals: Vec<u128> = game.weights.iter().map(|w| w.iter().sum()).collect();
    // The large dimension: the one with the largest total; the others must be small.
    let big = (0..k).max_by_key(|&d| totals[d])?;
    let small: Vec<usize> = (0..k).filter(|&d| d != big).collect();
    let mut radix = Vec::new();
    for &d in &small {
        radix.push(usize::try_from(totals[d]).ok()?.checked_add(1)?);
    }
    let states: usize = radix.iter().try_fold(1usize, |a, &r| a.checked_mul(r))?;
    if states > 100_000 {
        return None;
    }
    let encode = |v: &[u128]| -> usize {
        small
            .iter()
            .zip(&radix)
            .rev()
            .fold(0usize, |acc, (&d, &r)| acc * r + v[d] as usize)
    };
    // threshold[σ]: least large weight that wins with small weights σ (u128::MAX: never).
    let mut threshold = vec![u128::MAX; states];
    let mut v = vec![0u128; k];
    for (code, slot) in threshold.iter_mut().enumerate() {
        let mut c = code;
        for (&d, &r) in small.iter().zip(&radix) {
            v[d] = (c % r) as u128;
            c /= r;
        }
        v[big] = totals[big];
        if !game.rule.wins(&v) {
            continue;
        }
        let (mut lo, mut hi) = (0u128, totals[big]);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            v[big] = mid;
            if game.rule.wins(&v) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        *slot = lo;
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let others: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        let (a, b) = others.split_at(others.len() / 2);
        // Every coalition of a half as (small-weight code, size, large weight), sums built
        // incrementally (a mask's sums are those of the mask without its lowest player, plus
        // that player), then grouped by sorting.
        let half = |players: &[usize]| -> BTreeMap<(usize, usize), Vec<u128>> {
            let m = players.len();
            let mut sums = vec![0u128; k << m];
            for mask in 1usize..(1 << m) {
                let low = mask.trailing_zeros() as usize;
                let prev = mask & (mask - 1);
                for d in 0..k {
                    sums[mask * k + d] = sums[prev * k + d] + game.weights[d][players[low]];
                }
            }
            let mut items: Vec<(usize, usize, u128)> = (0usize..(1 << m))
                .map(|mask| {
                    let v = &sums[mask * k..(mask + 1) * k];
                    (encode(v), mask.count_ones() as usize, v[big])
                })
                .collect();
            items.sort_unstable();
            let mut groups: BTreeMap<(usize, usize), Vec<u128>> = BTreeMap::new();
            for chunk in items.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
                groups.insert(
                    (chunk[0].0, chunk[0].1),
                    chunk.iter().map(|x| x.2).collect(),
                );
            }
            groups
        };
        let left = half(a);
        let right = half(b);
        let own: Vec<u128> = game.weights.iter().map(|w| w[i]).collect();
        let own_code = encode(&own);
        let mut by = vec![0u64; n];
        // Small-weight codes add digit by digit; decode once per group pair.
        let decode = |code: usize| -> Vec<usize> {
            let mut c = code;
            radix
                .iter()
                .map(|&r| {
                    let x = c % r;
                    c /= r;
                    x
                })
                .collect()
        };
        let own_digits = decode(own_code);
        for (&(lc, ls), lv) in &left {
            let ld = decode(lc);
            for (&(rc, rs), rv) in &right {
                let rd = decode(rc);
                // σ = left + right; σ' = σ + the player's small weights.
                let mut sigma = 0usize;
                let mut sigma_plus = 0usize;
                let mut mult = 1usize;
                for (t, &r) in radix.iter().enumerate() {
                    let x = ld[t] + rd[t];
                    sigma += x * mult;
                    sigma_plus += (x + own_digits[t]).min(r - 1) * mult;
                    mult *= r;
                }
                let lose_below = threshold[sigma];
                let win_from = threshold[sigma_plus];
                if win_from == u128::MAX {
                    continue;
                }
                // S loses: x + y < lose_below; S + i wins: x + y + p_i >= win_from. Both
                // bounds on y fall as x rises (lv ascending): two pointers walk rv once.
                let need = win_from.saturating_sub(own[big]);
                let mut count = 0u64;
                let (mut from, mut to) = (rv.len(), rv.len());
                for &x in lv {
                    let lo = need.saturating_sub(x);
                    let hi = lose_below.saturating_sub(x);
                    while from > 0 && rv[from - 1] >= lo {
                        from -= 1;
                    }
                    while to > 0 && rv[to - 1] >= hi {
                        to -= 1;
                    }
                    if to > from {
                        count += (to - from) as u64;
                    }
                }
                by[ls + rs] += count;
            }
        }
        out.push(by.into_iter().map(BigUint::from).collect());
    }
    Some(out)
}
