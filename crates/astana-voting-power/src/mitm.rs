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

/// The least value of weight `big` with which the small weights in `v` win, by binary
/// search (the rule is monotone); `u128::MAX` when even the whole total does not.
fn least_winning(game: &Game, v: &mut [u128], big: usize, total: u128) -> u128 {
    v[big] = total;
    if !game.rule.wins(v) {
        return u128::MAX;
    }
    let (mut lo, mut hi) = (0u128, total);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        v[big] = mid;
        if game.rule.wins(v) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Swing counts per player by size, or `None` when the game does not have this shape.
pub(crate) fn swings_by_size(game: &Game) -> Option<Vec<Vec<BigUint>>> {
    let n = game.n();
    if !(2..=MAX_PLAYERS).contains(&n) {
        return None;
    }
    if let Some(fast) = swings_same_small(game) {
        return Some(fast);
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
        *slot = least_winning(game, &mut v, big, totals[big]);
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

/// Subset sums of `values` grouped by subset size, each group sorted.
fn subset_sums(values: &[u128]) -> Vec<Vec<u128>> {
    let m = values.len();
    let mut sums = vec![0u128; 1 << m];
    let mut by_size: Vec<Vec<u128>> = vec![Vec::new(); m + 1];
    by_size[0].push(0);
    for mask in 1usize..(1 << m) {
        let low = mask.trailing_zeros() as usize;
        sums[mask] = sums[mask & (mask - 1)] + values[low];
        by_size[mask.count_ones() as usize].push(sums[mask]);
    }
    by_size.iter_mut().for_each(|v| v.sort_unstable());
    by_size
}

/// Pairs (x from `left` group a, y from `right` group b) with x + y in
/// `[lo(a + b), hi(a + b))`, counted by a + b; both bounds fall as x rises, so two pointers
/// walk each right group once.
fn count_pairs(
    left: &[Vec<u128>],
    right: &[Vec<u128>],
    range: &dyn Fn(usize) -> (u128, u128),
) -> Vec<u64> {
    // Sizes run to (left.len() − 1) + (right.len() − 1).
    let mut out = vec![0u64; (left.len() + right.len()).saturating_sub(1)];
    for (ls, lv) in left.iter().enumerate() {
        for (rs, rv) in right.iter().enumerate() {
            let (lo, hi) = range(ls + rs);
            if hi <= lo {
                continue;
            }
            let (mut from, mut to) = (rv.len(), rv.len());
            let mut count = 0u64;
            for &x in lv {
                let l = lo.saturating_sub(x);
                let h = hi.saturating_sub(x);
                while from > 0 && rv[from - 1] >= l {
                    from -= 1;
                }
                while to > 0 && rv[to - 1] >= h {
                    to -= 1;
                }
                count += to.saturating_sub(from) as u64;
            }
            out[ls + rs] += count;
        }
    }
    out
}

/// When players differ only in the large weight (the EU: one vote each, populations
/// differ): `(large weights, threshold by number of members)`.
fn same_small(game: &Game) -> Option<(Vec<u128>, Vec<u128>)> {
    let n = game.n();
    let k = game.dims.len();
    let totals: Vec<u128> = game.weights.iter().map(|w| w.iter().sum()).collect();
    let big = (0..k).max_by_key(|&d| totals[d])?;
    let small: Vec<u128> = (0..k)
        .filter(|&d| d != big)
        .map(|d| game.weights[d][0])
        .collect();
    for i in 1..n {
        let mine: Vec<u128> = (0..k)
            .filter(|&d| d != big)
            .map(|d| game.weights[d][i])
            .collect();
        if mine != small {
            return None;
        }
    }
    // threshold[t]: least large weight with which t players win (u128::MAX: never).
    let mut v = vec![0u128; k];
    let threshold = (0..=n)
        .map(|t| {
            for (d, x) in v.iter_mut().enumerate() {
                if d != big {
                    *x = game.weights[d][0] * t as u128;
                }
            }
            least_winning(game, &mut v, big, totals[big])
        })
        .collect();
    Some((game.weights[big].clone(), threshold))
}

/// Swings when players differ only in the large weight: S of size s without i swings iff
/// p(S) lies in [T(s + 1) − p_i, T(s)). The halves are built once; only the half holding i
/// is rebuilt without it.
fn swings_same_small(game: &Game) -> Option<Vec<Vec<BigUint>>> {
    let (p, threshold) = same_small(game)?;
    let n = p.len();
    let (a, b) = p.split_at(n / 2);
    let left = subset_sums(a);
    let right = subset_sums(b);
    let mut out = Vec::with_capacity(n);
    for (i, &pi) in p.iter().enumerate() {
        let range = |s: usize| -> (u128, u128) {
            let win = threshold[s + 1];
            if win == u128::MAX {
                return (0, 0);
            }
            (win.saturating_sub(pi), threshold[s])
        };
        let without = |half: &[u128], skip: usize| -> Vec<Vec<u128>> {
            let rest: Vec<u128> = half
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != skip)
                .map(|(_, &x)| x)
                .collect();
            subset_sums(&rest)
        };
        let counts = if i < a.len() {
            count_pairs(&without(a, i), &right, &range)
        } else {
            count_pairs(&left, &without(b, i - a.len()), &range)
        };
        let mut by: Vec<BigUint> = counts.into_iter().map(BigUint::from).collect();
        by.resize(n, BigUint::from(0u32));
        out.push(by);
    }
    Some(out)
}

/// Minimal winning coalitions of a double majority whose players differ only in the large
/// weight (every player counts the same in the small ones): `(by player and size, total)`.
/// A coalition is minimal iff it wins and loses without its lightest member m; so with
/// players ordered heaviest first, S = T ∪ {m}, T among the players before m, and T's large
/// weight lies in [T(|T| + 1) − p_m, T(|T|)). Counting those T (and those containing a given
/// player) by meet in the middle costs about n² · 2^(n/2).
pub(crate) fn minimal_winning(game: &Game) -> Option<(Vec<Vec<u64>>, u64)> {
    let n = game.n();
    if !(2..=MAX_PLAYERS).contains(&n) {
        return None;
    }
    let (p, threshold) = same_small(game)?;
    let p = &p;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p[b].cmp(&p[a]).then(a.cmp(&b)));
    let mut by = vec![vec![0u64; n + 1]; n];
    let mut total = 0u64;
    for pos in 0..n {
        let m = order[pos];
        let pm = p[m];
        if pm == 0 {
            continue; // a member of zero weight is never critical
        }
        let pre: Vec<u128> = order[..pos].iter().map(|&j| p[j]).collect();
        // T of size t: [threshold[t+1] − p_m, threshold[t]), shifted down by `extra` when
        // a given member's weight is already counted.
        let window = |t: usize, extra: u128| -> (u128, u128) {
            let win = threshold[t + 1];
            if win == u128::MAX {
                return (0, 0);
            }
            (
                win.saturating_sub(pm).saturating_sub(extra),
                threshold[t].saturating_sub(extra),
            )
        };
        // Halves of the players before m, shared by every count below.
        let (a, b) = pre.split_at(pre.len() / 2);
        let left = subset_sums(a);
        let right = subset_sums(b);
        let counts = count_pairs(&left, &right, &|t| window(t, 0));
        for (t, &c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            by[m][t + 1] += c;
            total += c;
        }
        // T ∋ i: the rest of i's half with the other half as is; T = T' ∪ {i} with T' one
        // smaller and its weight window shifted by p_i.
        for (idx, &i) in order[..pos].iter().enumerate() {
            let pi = p[i];
            let counts = if idx < a.len() {
                let rest: Vec<u128> = a
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != idx)
                    .map(|(_, &x)| x)
                    .collect();
                count_pairs(&subset_sums(&rest), &right, &|t1| window(t1 + 1, pi))
            } else {
                let rest: Vec<u128> = b
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != idx - a.len())
                    .map(|(_, &x)| x)
                    .collect();
                count_pairs(&left, &subset_sums(&rest), &|t1| window(t1 + 1, pi))
            };
            for (t1, &c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
                by[i][t1 + 2] += c;
            }
        }
    }
    Some((by, total))
}
