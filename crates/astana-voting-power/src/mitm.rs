//! Meet in the middle for rules with one large weight (a population) and small ones
//! (counts, veto flags): the EU Council's double majority. For each player, the other
//! players are split into two halves; each half's coalitions are grouped by their small
//! weights and sorted by the large one. A coalition S without the player is a swing when
//! S loses and S plus the player wins, which, the rule being monotone, bounds S's large
//! weight to an interval for each value of the small weights: counted by binary search.
//! About n · 2^(n/2) · log operations instead of 2^n.

use crate::game::Game;
use crate::indices::Limits;
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
pub(crate) fn swings_by_size(game: &Game, limits: &Limits) -> Option<Vec<Vec<BigUint>>> {
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
    // Per player, every pair of half-coalition groups (small-weight code, size) is visited:
    // with many distinct small sums that is up to 2^(n−1) pairs, hours at 35 players. At
    // about 10⁸ pairs a second, beyond the limits another method is tried.
    let groups = |m: usize| ((1u64 << m) as f64).min((states * (m + 1)) as f64);
    let half = (n - 1) / 2;
    let pairs = n as f64 * groups(half) * groups(n - 1 - half);
    if pairs / 1e8 > limits.seconds {
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

/// Whether the players differ only in the large weight (what [`critical`] needs).
pub(crate) fn differ_in_one_weight(game: &Game) -> bool {
    (2..=MAX_PLAYERS).contains(&game.n()) && same_small(game).is_some()
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

/// Johnston, Deegan–Packel and Holler numerators of a double majority whose players differ
/// only in the large weight.
pub(crate) struct Critical {
    /// Σ over winning S where the player is one of c critical members of l / c.
    pub johnston: Vec<u128>,
    /// Σ over minimal winning S containing the player of l / |S|.
    pub deegan_packel: Vec<u128>,
    /// Minimal winning coalitions containing the player.
    pub holler: Vec<u128>,
    /// Number of minimal winning coalitions.
    pub mwc: u128,
    /// The common denominator lcm(1..=n).
    pub l: u128,
}

impl Critical {
    fn zero(n: usize, l: u128) -> Self {
        Critical {
            johnston: vec![0; n],
            deegan_packel: vec![0; n],
            holler: vec![0; n],
            mwc: 0,
            l,
        }
    }
}

/// [`Critical`] by meet in the middle (Johnston only when `johnston` is set: it costs n
/// times more than the other two).
///
/// In a winning coalition S of size s, member j is critical iff p(S) − p_j < T(s − 1), so
/// the critical members are S's heaviest ones. With players ordered heaviest first, S
/// splits uniquely at its last critical member a and the next member b (if any):
/// S = A ∪ {a} ∪ {b} ∪ B with A before a, B after b and nobody between a and b, and
/// p(S) in [max(T(s), T(s − 1) + p_b), T(s − 1) + p_a). The |A| + 1 critical members
/// each get 1/(|A| + 1). Without b, every member is critical: S is minimal winning, which
/// gives Deegan–Packel and Holler. For each (a, b) the free players A ∪ B are met in the
/// middle; per-player sums come from crediting every half-coalition with its matches.
/// About n² · 2^(n/2) operations for Johnston, n · 2^(n/2) for the others.
pub(crate) fn critical(game: &Game, johnston: bool) -> Option<Critical> {
    let n = game.n();
    if !(2..=MAX_PLAYERS).contains(&n) {
        return None;
    }
    let (p, threshold) = same_small(game)?;
    let l = (1..=n as u128).fold(1u128, |acc, k| acc / gcd(acc, k) * k);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| p[y].cmp(&p[x]).then(x.cmp(&y)));
    let t = |s: usize| threshold[s];
    let by_size = |ta: usize| l / (ta + 1) as u128;
    // Players a taken in turn by the threads (the work per a falls with its position).
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let work = |first: usize| -> Critical {
        let mut c = Critical::zero(n, l);
        for pos_a in (first..n).step_by(threads) {
            let a = order[pos_a];
            let pa = p[a];
            let pre = &order[..pos_a];
            // No member after a: S = A ∪ {a}, s = |A| + 1, minimal winning.
            let window = |ta: usize, _tb: usize| -> (u128, u128) {
                let s = ta + 1;
                if t(s) == u128::MAX {
                    return (0, 0);
                }
                (t(s), t(s - 1).saturating_add(pa))
            };
            credit(
                &p,
                pre,
                &[],
                (a, pa),
                &window,
                &by_size,
                &mut c.deegan_packel,
            );
            c.mwc += credit(&p, pre, &[], (a, pa), &window, &|_| 1, &mut c.holler);
            if !johnston {
                continue;
            }
            for pos_b in pos_a + 1..n {
                let pb = p[order[pos_b]];
                let window = |ta: usize, tb: usize| -> (u128, u128) {
                    let s = ta + tb + 2;
                    if t(s) == u128::MAX || t(s - 1) == u128::MAX {
                        return (0, 0);
                    }
                    (t(s).max(t(s - 1) + pb), t(s - 1).saturating_add(pa))
                };
                let post = &order[pos_b + 1..];
                credit(
                    &p,
                    pre,
                    post,
                    (a, pa + pb),
                    &window,
                    &by_size,
                    &mut c.johnston,
                );
            }
        }
        c
    };
    let parts: Vec<Critical> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads).map(|f| s.spawn(move || work(f))).collect();
        let mut parts = vec![work(0)];
        for h in handles {
            parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        parts
    });
    let mut c = Critical::zero(n, l);
    for part in parts {
        c.mwc += part.mwc;
        for (x, y) in [
            (&mut c.johnston, &part.johnston),
            (&mut c.deegan_packel, &part.deegan_packel),
            (&mut c.holler, &part.holler),
        ] {
            x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
        }
    }
    if johnston {
        // Coalitions without a non-critical member are the minimal winning ones.
        for (j, d) in c.johnston.iter_mut().zip(&c.deegan_packel) {
            *j += d;
        }
    }
    Some(c)
}

fn gcd(mut x: u128, mut y: u128) -> u128 {
    while y != 0 {
        (x, y) = (y, x % y);
    }
    x
}

/// One half's coalitions: (|A| part, |B| part, large weight, member mask), sorted by group
/// then weight, with the bounds of each group.
struct Half {
    items: Vec<(u8, u8, u128, u32)>,
    groups: Vec<(usize, usize)>,
}

/// Builds a half's coalitions already sorted: adding a player merges each group with the
/// group one smaller shifted by the player's weight (2^m work, no sort).
fn half(p: &[u128], players: &[usize], is_pre: impl Fn(usize) -> bool) -> Half {
    let m = players.len();
    let pres = (0..m).filter(|&j| is_pre(j)).count();
    let posts = m - pres;
    let cell = |a: usize, b: usize| a * (posts + 1) + b;
    let mut groups: Vec<Vec<(u128, u32)>> = vec![Vec::new(); (pres + 1) * (posts + 1)];
    groups[0].push((0, 0));
    let (mut seen_a, mut seen_b) = (0, 0);
    for (j, &player) in players.iter().enumerate() {
        let w = p[player];
        let pre = is_pre(j);
        if pre {
            seen_a += 1;
        } else {
            seen_b += 1;
        }
        // From the largest group down, so each merge reads the groups before this player.
        for a in (0..=seen_a).rev() {
            for b in (0..=seen_b).rev() {
                let from = match (pre, a, b) {
                    (true, 0, _) | (false, _, 0) => continue,
                    (true, _, _) => cell(a - 1, b),
                    (false, _, _) => cell(a, b - 1),
                };
                if groups[from].is_empty() {
                    continue;
                }
                let old = std::mem::take(&mut groups[cell(a, b)]);
                let shifted = groups[from].iter().map(|&(x, mask)| (x + w, mask | 1 << j));
                groups[cell(a, b)] = merge(old, shifted);
            }
        }
    }
    let mut items = Vec::with_capacity(1 << m);
    let mut bounds = Vec::new();
    for a in 0..=pres {
        for b in 0..=posts {
            let g = &groups[cell(a, b)];
            if g.is_empty() {
                continue;
            }
            let start = items.len();
            items.extend(g.iter().map(|&(x, mask)| (a as u8, b as u8, x, mask)));
            bounds.push((start, items.len()));
        }
    }
    Half {
        items,
        groups: bounds,
    }
}

/// Merges a sorted vector with a sorted iterator.
fn merge(old: Vec<(u128, u32)>, new: impl Iterator<Item = (u128, u32)>) -> Vec<(u128, u32)> {
    let mut out = Vec::with_capacity(old.len() * 2 + 1);
    let mut old = old.into_iter().peekable();
    for y in new {
        while let Some(&x) = old.peek() {
            if x.0 > y.0 {
                break;
            }
            out.push(x);
            old.next();
        }
        out.push(y);
    }
    out.extend(old);
    out
}

/// Adds to `raw` the Johnston credit of every S = A ∪ {a} ∪ (fixed b) ∪ B with A ⊆ `pre`,
/// B ⊆ `post` and p(S) in `window(|A|, |B|)`, `fixed` being the weight of a and b:
/// `weight(|A|)` to a and to each member of A. Returns what a was credited.
fn credit(
    p: &[u128],
    pre: &[usize],
    post: &[usize],
    (a, fixed): (usize, u128),
    window: &dyn Fn(usize, usize) -> (u128, u128),
    weight: &dyn Fn(usize) -> u128,
    raw: &mut [u128],
) -> u128 {
    let free: Vec<usize> = pre.iter().chain(post).copied().collect();
    let (left, right) = free.split_at(free.len() / 2);
    let k = pre.len();
    let h = left.len();
    let lh = half(p, left, |j| j < k);
    let rh = half(p, right, |j| h + j < k);
    let mut wl = vec![0u128; lh.items.len()];
    let mut diff = vec![0i128; rh.items.len() + 1];
    let mut to_a = 0u128;
    for &(l0, l1) in &lh.groups {
        let (la, lb) = (lh.items[l0].0 as usize, lh.items[l0].1 as usize);
        for &(r0, r1) in &rh.groups {
            let (ra, rb) = (rh.items[r0].0 as usize, rh.items[r0].1 as usize);
            let (lo, hi) = window(la + ra, lb + rb);
            let (lo, hi) = (lo.saturating_sub(fixed), hi.saturating_sub(fixed));
            // Nothing to scan when the window misses the groups' range of sums.
            let least = lh.items[l0].2 + rh.items[r0].2;
            let most = lh.items[l1 - 1].2 + rh.items[r1 - 1].2;
            if hi <= lo || hi <= least || lo > most {
                continue;
            }
            let w = weight(la + ra);
            let rv = &rh.items[r0..r1];
            let (mut from, mut to) = (rv.len(), rv.len());
            for (x, item) in lh.items[l0..l1].iter().enumerate() {
                let s = item.2;
                let lo_y = lo.saturating_sub(s);
                let hi_y = hi.saturating_sub(s);
                while from > 0 && rv[from - 1].2 >= lo_y {
                    from -= 1;
                }
                while to > 0 && rv[to - 1].2 >= hi_y {
                    to -= 1;
                }
                if to > from {
                    let c = (to - from) as u128;
                    wl[l0 + x] += c * w;
                    to_a += c * w;
                    diff[r0 + from] += w as i128;
                    diff[r0 + to] -= w as i128;
                }
            }
        }
    }
    // Only members of A are critical: the first k of the free players.
    let credit_members = |mut mask: u32, players: &[usize], w: u128, raw: &mut [u128]| {
        while mask != 0 {
            raw[players[mask.trailing_zeros() as usize]] += w;
            mask &= mask - 1;
        }
    };
    let left_pre = if k >= h { u32::MAX } else { (1u32 << k) - 1 };
    for (item, &w) in lh.items.iter().zip(&wl) {
        if w > 0 {
            credit_members(item.3 & left_pre, left, w, raw);
        }
    }
    if h < k {
        let right_pre = (1u32 << (k - h)) - 1;
        let mut run = 0i128;
        for (item, d) in rh.items.iter().zip(&diff) {
            run += d;
            if run > 0 {
                credit_members(item.3 & right_pre, right, run as u128, raw);
            }
        }
    }
    raw[a] += to_a;
    to_a
}
