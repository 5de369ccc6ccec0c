//! Step control shared by the forum's two Lagrangian relaxations: the reported bound
//! ([`crate::bound`]) and the given-panels prices that order the second construction.

/// Polyak-style subgradient steps on non-negative prices, halved after 15 steps without a
/// better dual value.
pub(crate) struct Steps {
    step: f64,
    stall: u32,
    /// The smallest dual value seen: each is a valid upper bound.
    pub(crate) best: f64,
}

impl Steps {
    /// Starts with `best` as the bound already known (infinity when none).
    pub(crate) fn new(best: f64) -> Self {
        Steps {
            step: 2.0,
            stall: 0,
            best,
        }
    }

    /// Records the dual value `value` at the current prices, then moves `prices` against
    /// `grads`, scaled by the distance to `target` (a value some schedule reaches).
    /// Returns `false` when the steps are spent: the gradient vanished or the step is tiny.
    pub(crate) fn update<const N: usize>(
        &mut self,
        value: f64,
        target: f64,
        prices: [&mut [f64]; N],
        grads: [&[f64]; N],
    ) -> bool {
        if value < self.best - 1e-9 {
            self.best = value;
            self.stall = 0;
        } else {
            self.stall += 1;
            if self.stall >= 15 {
                self.step /= 2.0;
                self.stall = 0;
            }
        }
        let norm: f64 = grads.iter().flat_map(|g| g.iter()).map(|g| g * g).sum();
        if norm < 1e-12 || self.step < 1e-4 {
            return false;
        }
        let t = self.step * (value - target).max(1.0) / norm;
        for (p, g) in prices.into_iter().zip(grads) {
            for (x, g) in p.iter_mut().zip(g) {
                *x = (*x - t * g).max(0.0);
            }
        }
        true
    }
}
