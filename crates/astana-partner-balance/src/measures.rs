//! Concentration and diversity measures over a vector of shares.
//!
//! Formulas and their sources: `../shared/reference/balance/definitions.md` (§2–§6).

use serde::Serialize;

/// Concentration measures of one distribution of shares.
///
/// Shares are fractions of the reporter's total. When they add up to less than one (the
/// rest of the world is not broken down by partner), every measure here treats that
/// remainder as spread over infinitely many small partners: `hhi`, `cr3`, `cr5`,
/// `hhi_normalized` and `unctad` are then lower bounds of the true values, `entropy` and
/// `effective_partners_entropy` lower bounds of diversity, and `hhi_upper` the upper bound
/// reached if the remainder were one single partner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concentration {
    /// Herfindahl–Hirschman index Σ sᵢ², between 0 and 1.
    pub hhi: f64,
    /// The same in points (shares in percent), 0..10,000.
    pub hhi_points: f64,
    /// HHI if the unallocated remainder were a single partner (equals `hhi` when complete).
    pub hhi_upper: f64,
    /// (HHI − 1/N)/(1 − 1/N) with N the number of partner rows.
    pub hhi_normalized: f64,
    /// UNCTAD's index (√HHI − √(1/n))/(1 − √(1/n)).
    pub unctad: f64,
    /// The `n` used by `unctad`.
    pub n: usize,
    /// Shannon entropy −Σ sᵢ ln sᵢ (natural log).
    pub entropy: f64,
    /// 1/HHI (inverse Simpson; Laakso–Taagepera).
    pub effective_partners: f64,
    /// exp(entropy) (Hill number of order 1).
    pub effective_partners_entropy: f64,
    /// Sum of the three largest shares.
    pub cr3: f64,
    /// Sum of the five largest shares.
    pub cr5: f64,
    /// DOJ/FTC 2010 band of `hhi_points`.
    pub band: Band,
}

/// DOJ/FTC 2010 Horizontal Merger Guidelines bands (reference check P6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Below 1,500 points.
    Unconcentrated,
    /// 1,500 to 2,500 points.
    ModeratelyConcentrated,
    /// Above 2,500 points.
    HighlyConcentrated,
}

impl Band {
    /// The band of an HHI in points.
    pub fn of_points(points: f64) -> Band {
        if points < 1500.0 {
            Band::Unconcentrated
        } else if points <= 2500.0 {
            Band::ModeratelyConcentrated
        } else {
            Band::HighlyConcentrated
        }
    }

    /// Words for a reader.
    pub fn label(self) -> &'static str {
        match self {
            Band::Unconcentrated => "unconcentrated",
            Band::ModeratelyConcentrated => "moderately concentrated",
            Band::HighlyConcentrated => "highly concentrated",
        }
    }
}

/// Herfindahl–Hirschman index Σ sᵢ² of shares given as fractions.
///
/// ```
/// // World Mining Data's worked example (reference check P1): 50/30/15/5 % → 3,650 points.
/// let h = astana_partner_balance::hhi(&[0.50, 0.30, 0.15, 0.05]);
/// assert!((h * 10_000.0 - 3650.0).abs() < 1e-9);
/// ```
pub fn hhi(shares: &[f64]) -> f64 {
    shares.iter().map(|s| s * s).sum()
}

/// (HHI − 1/N)/(1 − 1/N). Undefined for N ≤ 1, where the raw HHI is returned (1 for a
/// single partner holding everything).
pub fn hhi_normalized(hhi: f64, n: usize) -> f64 {
    if n <= 1 {
        return hhi;
    }
    let inv = 1.0 / n as f64;
    (hhi - inv) / (1.0 - inv)
}

/// UNCTAD's normalised Hirschman index (√HHI − √(1/n))/(1 − √(1/n)) with explicit `n`.
/// Undefined for n ≤ 1, where √HHI is returned (1 for a single partner holding everything).
pub fn unctad_index(hhi: f64, n: usize) -> f64 {
    if n <= 1 {
        return hhi.sqrt();
    }
    let r = (1.0 / n as f64).sqrt();
    (hhi.sqrt() - r) / (1.0 - r)
}

/// Shannon entropy −Σ sᵢ ln sᵢ, with 0 ln 0 = 0.
pub fn entropy(shares: &[f64]) -> f64 {
    shares
        .iter()
        .filter(|s| **s > 0.0)
        .map(|s| -s * s.ln())
        .sum()
}

/// Sum of the `k` largest shares.
pub fn concentration_ratio(shares: &[f64], k: usize) -> f64 {
    let mut v = shares.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    v.iter().take(k).sum()
}

impl Concentration {
    /// All measures for `shares` (fractions of the total) with `n` for the normalisations.
    pub fn of_shares(shares: &[f64], n: usize) -> Concentration {
        let h = hhi(shares);
        let rest = (1.0 - shares.iter().sum::<f64>()).max(0.0);
        let e = entropy(shares);
        Concentration {
            hhi: h,
            hhi_points: h * 10_000.0,
            hhi_upper: h + rest * rest,
            hhi_normalized: hhi_normalized(h, n),
            unctad: unctad_index(h, n),
            n,
            entropy: e,
            effective_partners: if h > 0.0 { 1.0 / h } else { 0.0 },
            effective_partners_entropy: e.exp(),
            cr3: concentration_ratio(shares, 3),
            cr5: concentration_ratio(shares, 5),
            band: Band::of_points(h * 10_000.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} != {b} (±{tol})");
    }

    // P1: World Mining Data, shares 50/30/15/5 → 3,650 points.
    #[test]
    fn p1_world_mining_data() {
        close(hhi(&[0.5, 0.3, 0.15, 0.05]) * 1e4, 3650.0, 1e-9);
    }

    // P2: DOJ/FTC example, 70/30 → 5,800 points.
    #[test]
    fn p2_doj_ftc() {
        close(hhi(&[0.7, 0.3]) * 1e4, 5800.0, 1e-9);
    }

    // P3: N = 2, equal shares → H = 0.5, H* = 0.
    #[test]
    fn p3_normalized() {
        let c = Concentration::of_shares(&[0.5, 0.5], 2);
        close(c.hhi, 0.5, 1e-12);
        close(c.hhi_normalized, 0.0, 1e-12);
    }

    // P4: UNCTAD index is 1 for a single item and 0 for equal shares, n = 2..300.
    #[test]
    fn p4_unctad_bounds() {
        for n in 2..=300 {
            let mut one = vec![0.0; n];
            one[0] = 1.0;
            close(unctad_index(hhi(&one), n), 1.0, 1e-12);
            let equal = vec![1.0 / n as f64; n];
            close(unctad_index(hhi(&equal), n), 0.0, 1e-9);
        }
    }

    // P5: raw HHI lies in [1/n, 1] for complete distributions.
    #[test]
    fn p5_range() {
        let mut seed = 12345u64;
        for n in 1..50 {
            let v: Vec<f64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) as f64 / (1u64 << 31) as f64) + 1e-6
                })
                .collect();
            let t: f64 = v.iter().sum();
            let s: Vec<f64> = v.iter().map(|x| x / t).collect();
            let h = hhi(&s);
            assert!(h >= 1.0 / n as f64 - 1e-12 && h <= 1.0 + 1e-12);
        }
    }

    // P6: DOJ/FTC bands.
    #[test]
    fn p6_bands() {
        assert_eq!(Band::of_points(1499.0), Band::Unconcentrated);
        assert_eq!(Band::of_points(2000.0), Band::ModeratelyConcentrated);
        assert_eq!(Band::of_points(3650.0), Band::HighlyConcentrated);
    }

    // P18: equal shares over k partners → 1/HHI = exp(entropy) = k.
    #[test]
    fn p18_effective_partners() {
        for k in 1..40 {
            let c = Concentration::of_shares(&vec![1.0 / k as f64; k], k);
            close(c.effective_partners, k as f64, 1e-9);
            close(c.effective_partners_entropy, k as f64, 1e-9);
        }
    }

    // P19 and definitions.md §4–§5: shares (0.5, 0.3, 0.2).
    #[test]
    fn p19_unctad_vs_normalized() {
        let c = Concentration::of_shares(&[0.5, 0.3, 0.2], 3);
        close(c.hhi, 0.38, 1e-12);
        close(c.hhi_normalized, 0.07, 1e-12);
        close(c.unctad, 0.0925, 1e-4);
        close(c.effective_partners, 2.632, 1e-3);
        close(c.entropy, 1.0297, 1e-4);
        close(c.effective_partners_entropy, 2.800, 1e-3);
        // Same shares padded to n = 200 (definitions.md §4.2).
        let c = Concentration::of_shares(&[0.5, 0.3, 0.2], 200);
        close(c.unctad, 0.587, 1e-3);
        close(c.hhi_normalized, 0.377, 1e-3);
    }

    // definitions.md §8: merging partners never lowers HHI.
    #[test]
    fn merging_raises_hhi() {
        let a = hhi(&[0.2, 0.3, 0.1, 0.4]);
        let b = hhi(&[0.5, 0.1, 0.4]);
        assert!(b >= a);
    }

    #[test]
    fn incomplete_shares_bound() {
        let c = Concentration::of_shares(&[0.3, 0.2], 2);
        close(c.hhi, 0.13, 1e-12);
        close(c.hhi_upper, 0.13 + 0.25, 1e-12);
        close(c.cr3, 0.5, 1e-12);
    }
}
