//! Generating functions over several small weights at once, for any boolean rule:
//! the coefficients of Π_j (1 + y·x₁^{w₁ⱼ}·…·x_k^{w_kj}) count coalitions by their exact
//! weight vector (and size). Whether a coalition wins depends only on that vector, so every
//! player's swings follow from its own counts, obtained by dividing its factor out.
//! Feasible when Π_d (total_d + 1) · (n + 1) is small: the UN Security Council and its
//! reform models (counts and veto flags), not population-weighted rules.

use crate::game::Game;
use crate::indices::Limits;
use num_bigint::BigUint;
use num_traits::Zero;

/// Largest state space (weight vectors × sizes) this method takes on.
pub(crate) const MAX_STATES: usize = 20_000_000;

/// Swing counts per player by coalition size (sizes of the coalition without the player),
/// or `None` when the state space is too large.
pub(crate) fn swings_by_size(game: &Game, limits: &Limits) -> Option<Vec<Vec<BigUint>>> {
    let n = game.n();
    let k = game.dims.len();
    let totals: Vec<usize> = game
        .weights
        .iter()
        .map(|w| usize::try_from(w.iter().sum::<u128>()).ok())
        .collect::<Option<_>>()?;
    // Mixed radix: digit d has base totals[d] + 1; the size digit comes last.
    let mut radix: Vec<usize> = totals.iter().map(|t| t + 1).collect();
    radix.push(n + 1);
    let mut stride = vec![1usize; k + 1];
    for d in 1..=k {
        stride[d] = stride[d - 1].checked_mul(radix[d - 1])?;
    }
    let states = stride[k].checked_mul(radix[k])?;
    if states > MAX_STATES {
        return None;
    }
    let limbs = n / 64 + 1;
    // Two tables of `states` counts; one pass over them per player (about 10⁸ cells a
    // second): beyond the limits, another method is tried.
    let bytes = (2 * states * limbs * 8) as u64;
    let seconds = ((n + 1) * states * limbs) as f64 / 1e8;
    if seconds > limits.seconds || bytes > limits.bytes {
        return None;
    }
    let w: Vec<Vec<usize>> = (0..n)
        .map(|i| (0..k).map(|d| game.weights[d][i] as usize).collect())
        .collect();
    let offset: Vec<usize> = w
        .iter()
        .map(|wi| wi.iter().zip(&stride).map(|(x, s)| x * s).sum::<usize>() + stride[k])
        .collect();
    let mut c = vec![0u64; states * limbs];
    c[0] = 1;
    // Adding a player never overflows a digit for a reachable state, so a flat descending
    // pass is the 0/1 knapsack over weight vectors.
    for &o in &offset {
        for idx in (o..states).rev() {
            let (lo, hi) = c.split_at_mut(idx * limbs);
            let src = &lo[(idx - o) * limbs..(idx - o + 1) * limbs];
            add(&mut hi[..limbs], src);
        }
    }
    let mut digits = vec![0usize; k + 1];
    let mut sums = vec![0u128; k];
    let mut plus = vec![0u128; k];
    let mut without = vec![0u64; states * limbs];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // c' = c / (1 + y·x^{w_i}): ascending, only where every digit can take w_i away.
        without.copy_from_slice(&c);
        digits.iter_mut().for_each(|d| *d = 0);
        let mut by = vec![vec![0u64; limbs]; n];
        for idx in 0..states {
            if idx > 0 {
                // Increment the mixed-radix digits.
                let mut d = 0;
                loop {
                    digits[d] += 1;
                    if digits[d] < radix[d] {
                        break;
                    }
                    digits[d] = 0;
                    d += 1;
                }
            }
            let fits = digits[k] >= 1 && (0..k).all(|d| digits[d] >= w[i][d]);
            if fits {
                let (lo, hi) = without.split_at_mut(idx * limbs);
                let src = &lo[(idx - offset[i]) * limbs..(idx - offset[i] + 1) * limbs];
                sub(&mut hi[..limbs], src);
            }
            let count = &without[idx * limbs..(idx + 1) * limbs];
            if count.iter().all(|x| *x == 0) || digits[k] >= n {
                continue;
            }
            for d in 0..k {
                sums[d] = digits[d] as u128;
                plus[d] = sums[d] + game.weights[d][i];
            }
            if game.rule.wins(&plus) && !game.rule.wins(&sums) {
                add(&mut by[digits[k]], count);
            }
        }
        out.push(by.iter().map(|l| to_big(l)).collect());
    }
    Some(out)
}

fn add(dst: &mut [u64], src: &[u64]) {
    let mut carry = 0u64;
    for (d, s) in dst.iter_mut().zip(src) {
        let (a, c1) = d.overflowing_add(*s);
        let (b, c2) = a.overflowing_add(carry);
        *d = b;
        carry = u64::from(c1) + u64::from(c2);
    }
}

fn sub(dst: &mut [u64], src: &[u64]) {
    let mut borrow = 0u64;
    for (d, s) in dst.iter_mut().zip(src) {
        let (a, b1) = d.overflowing_sub(*s);
        let (b, b2) = a.overflowing_sub(borrow);
        *d = b;
        borrow = u64::from(b1) + u64::from(b2);
    }
}

fn to_big(limbs: &[u64]) -> BigUint {
    if limbs.iter().all(|x| *x == 0) {
        return BigUint::zero();
    }
    let digits: Vec<u32> = limbs
        .iter()
        .flat_map(|&l| [(l & 0xffff_ffff) as u32, (l >> 32) as u32])
        .collect();
    BigUint::new(digits)
}
