//! Concentration and diversity measures over a vector of shares.
//!
//! Formulas and their sources: `../shared/reference/balance/definitions.md` (§2–§6).
//!
//! When the named partners cover only part of the total, the rest of the world is a
//! remainder whose split is unknown. Every measure is then given as the range it can take
//! over every split of that remainder among the economies outside the named list (at most
//! `n` − named of them) and the partners whose figure is known on one side only (see
//! [`Concentration::build`]).

use serde::Serialize;

/// The closed range a measure can take.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Range {
    fn of(a: f64, b: f64) -> Range {
        Range {
            min: a.min(b),
            max: a.max(b),
        }
    }

    /// True when both ends agree (to rounding).
    pub fn is_exact(&self) -> bool {
        (self.max - self.min).abs() <= 1e-12 * self.max.abs().max(1.0)
    }
}

/// The bands an HHI range touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BandRange {
    /// Band of the smallest HHI.
    pub min: Band,
    /// Band of the largest HHI.
    pub max: Band,
}

impl BandRange {
    /// "unconcentrated", or "unconcentrated to moderately concentrated".
    pub fn label(&self) -> String {
        if self.min == self.max {
            self.min.label().to_string()
        } else {
            format!("{} to {}", self.min.label(), self.max.label())
        }
    }
}

/// Both ends of every measure, over all splits of the unallocated remainder.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bounds {
    /// Σ sᵢ².
    pub hhi: Range,
    /// The same in points.
    pub hhi_points: Range,
    /// (HHI − 1/N)/(1 − 1/N); `None` when N ≤ 1.
    pub hhi_normalized: Option<Range>,
    /// UNCTAD's index; `None` when N ≤ 1.
    pub unctad: Option<Range>,
    /// Shannon entropy (natural log).
    pub entropy: Range,
    /// 1/HHI.
    pub effective_partners: Range,
    /// exp(entropy).
    pub effective_partners_entropy: Range,
    /// Sum of the three largest shares, unnamed economies included.
    pub cr3: Range,
    /// Sum of the five largest shares.
    pub cr5: Range,
    /// DOJ/FTC bands of both HHI ends.
    pub band: BandRange,
}

/// How the `n` of the normalised indices was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NBasis {
    /// The partners with non-zero trade (the distribution is complete, or only the named
    /// partners are described).
    PartnersWithTrade,
    /// The economies of the ISO 3166-1 list other than the reporter: the default when a
    /// remainder is not broken down, as UNCTAD counts all economies.
    Economies,
    /// Given by the caller (`--n`).
    Given,
}

impl NBasis {
    /// Words for a reader.
    pub fn label(self) -> &'static str {
        match self {
            NBasis::PartnersWithTrade => "partners with trade",
            NBasis::Economies => "economies in the ISO 3166 list",
            NBasis::Given => "as given",
        }
    }
}

/// Concentration measures of one distribution of shares.
///
/// The flat figures (`hhi`, `hhi_normalized`, `unctad`, `entropy`, `effective_partners`,
/// `effective_partners_entropy`, `cr3`, `cr5`) describe the least concentrated way the
/// unallocated remainder could be split (spread evenly over the other economies); they are
/// exact when the named partners cover the total. `hhi_upper` is the most concentrated
/// way, and `bounds` gives both ends of every measure. `band` is set only when both ends
/// fall in the same band.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concentration {
    /// Herfindahl–Hirschman index Σ sᵢ², between 0 and 1 (the smallest value when bounded).
    pub hhi: f64,
    /// The same in points (shares in percent), 0..10,000.
    pub hhi_points: f64,
    /// The largest HHI over the splits of the remainder (equals `hhi` when complete).
    pub hhi_upper: f64,
    /// (HHI − 1/N)/(1 − 1/N) with N = `n`, in [0, 1]; `None` (not defined) when N ≤ 1.
    pub hhi_normalized: Option<f64>,
    /// UNCTAD's index (√HHI − √(1/n))/(1 − √(1/n)), in [0, 1]; `None` when n ≤ 1.
    pub unctad: Option<f64>,
    /// The N (or n) of both normalisations.
    pub n: usize,
    /// How `n` was chosen.
    pub n_basis: NBasis,
    /// Why the normalised indices are not defined, when they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized_not_defined: Option<String>,
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
    /// DOJ/FTC 2010 band, when both ends of the HHI range fall in one band; `None` when
    /// the range straddles bands (see `bounds.band`) or only named partners are described.
    pub band: Option<Band>,
    /// Both ends of every measure; `None` when only the named partners are described (no
    /// total: nothing bounds the country's own figures).
    pub bounds: Option<Bounds>,
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

/// (HHI − 1/N)/(1 − 1/N) for the HHI of a complete distribution over at most N items
/// (then HHI ≥ 1/N and the result lies in [0, 1]; rounding is clamped). Not defined
/// (`None`) for N ≤ 1.
pub fn hhi_normalized(hhi: f64, n: usize) -> Option<f64> {
    if n <= 1 {
        return None;
    }
    let inv = 1.0 / n as f64;
    Some(((hhi - inv) / (1.0 - inv)).clamp(0.0, 1.0))
}

/// UNCTAD's normalised Hirschman index (√HHI − √(1/n))/(1 − √(1/n)) with explicit `n`,
/// for a complete distribution over at most n items; in [0, 1]. Not defined for n ≤ 1.
pub fn unctad_index(hhi: f64, n: usize) -> Option<f64> {
    if n <= 1 {
        return None;
    }
    let r = (1.0 / n as f64).sqrt();
    Some(((hhi.sqrt() - r) / (1.0 - r)).clamp(0.0, 1.0))
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

/// One completion of a distribution: explicit shares plus `copies` equal shares of
/// `level` (the remainder spread over unnamed economies; never materialised, since `n`
/// may be large).
struct Dist {
    items: Vec<f64>,
    copies: usize,
    level: f64,
}

impl Dist {
    fn hhi(&self) -> f64 {
        hhi(&self.items) + self.copies as f64 * self.level * self.level
    }

    fn entropy(&self) -> f64 {
        let spread = if self.level > 0.0 {
            -(self.copies as f64) * self.level * self.level.ln()
        } else {
            0.0
        };
        entropy(&self.items) + spread
    }

    fn cr(&self, k: usize) -> f64 {
        let mut v = self.items.clone();
        v.extend(std::iter::repeat_n(self.level, self.copies.min(k)));
        concentration_ratio(&v, k)
    }
}

/// The split of the remainder that minimises every Schur-convex measure (HHI, CRk) and
/// maximises entropy: water-filling over `others` empty economies and the one-sided
/// partners (whose unknown side may hold part of the remainder).
fn least_concentrated(shares: &[f64], open: &[bool], rest: f64, others: usize) -> Dist {
    let mut fixed: Vec<f64> = Vec::with_capacity(shares.len());
    let mut raisable: Vec<f64> = Vec::new();
    for (s, o) in shares.iter().zip(open) {
        if *o {
            raisable.push(*s);
        } else {
            fixed.push(*s);
        }
    }
    if rest <= 0.0 {
        fixed.extend(raisable);
        return Dist {
            items: fixed,
            copies: 0,
            level: 0.0,
        };
    }
    raisable.sort_by(f64::total_cmp);
    let (mut sum, mut count, mut j) = (rest, others, 0);
    while j < raisable.len() && (count == 0 || raisable[j] < sum / count as f64) {
        sum += raisable[j];
        count += 1;
        j += 1;
    }
    fixed.extend_from_slice(&raisable[j..]);
    Dist {
        items: fixed,
        copies: count,
        level: if count > 0 { sum / count as f64 } else { 0.0 },
    }
}

/// The split that maximises them: the whole remainder added to the largest one-sided
/// partner if there is one (merging raises concentration), else one unnamed partner.
fn most_concentrated(shares: &[f64], open: &[bool], rest: f64) -> Dist {
    let mut items = shares.to_vec();
    if rest > 0.0 {
        let largest_open = (0..items.len())
            .filter(|&i| open[i])
            .max_by(|&a, &b| items[a].total_cmp(&items[b]));
        match largest_open {
            Some(i) => items[i] += rest,
            None => items.push(rest),
        }
    }
    Dist {
        items,
        copies: 0,
        level: 0.0,
    }
}

/// What [`Concentration::build`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Shares of the country's total: exact, or bounded when a remainder is unallocated.
    Total,
    /// Shares of the named partners' sum only (no total): no bounds on the country's own
    /// concentration exist.
    NamedPartners,
}

impl Concentration {
    /// All measures for a complete distribution (`shares` add up to one) with `n` for the
    /// normalisations.
    pub fn of_shares(shares: &[f64], n: usize) -> Concentration {
        let open = vec![false; shares.len()];
        Concentration::build(shares, &open, 0.0, 0, n, NBasis::Given, Scope::Total)
    }

    /// All measures, with bounds over every split of the remainder.
    ///
    /// `shares` are the named partners' fractions of the total; `open[i]` marks a partner
    /// known on one side only (its other side is part of `rest`); `rest` is the unallocated
    /// remainder (0 when complete); `others` is the most economies outside the named list
    /// that may hold it; `n` is the N of the normalised indices (at least the number of
    /// partners with trade, else they are clamped to 0). The caller checks that the
    /// remainder has somewhere to go (`others` > 0 or a one-sided partner).
    pub fn build(
        shares: &[f64],
        open: &[bool],
        rest: f64,
        others: usize,
        n: usize,
        n_basis: NBasis,
        scope: Scope,
    ) -> Concentration {
        let lo = least_concentrated(shares, open, rest, others);
        let hi = most_concentrated(shares, open, rest);
        let (h_lo, h_hi) = (lo.hhi(), hi.hhi());
        let e_lo = hi.entropy();
        let e_hi = lo.entropy();
        let inverse = |h: f64| if h > 0.0 { 1.0 / h } else { 0.0 };
        let hhi_r = Range::of(h_lo, h_hi);
        let norm = |f: fn(f64, usize) -> Option<f64>| {
            f(h_lo, n).zip(f(h_hi, n)).map(|(a, b)| Range::of(a, b))
        };
        let hhi_normalized = norm(hhi_normalized);
        let unctad = norm(unctad_index);
        let band = BandRange {
            min: Band::of_points(h_lo * 10_000.0),
            max: Band::of_points(h_hi * 10_000.0),
        };
        let bounds = Bounds {
            hhi: hhi_r,
            hhi_points: Range::of(h_lo * 10_000.0, h_hi * 10_000.0),
            hhi_normalized,
            unctad,
            entropy: Range::of(e_lo, e_hi),
            effective_partners: Range::of(inverse(h_hi), inverse(h_lo)),
            effective_partners_entropy: Range::of(e_lo.exp(), e_hi.exp()),
            cr3: Range::of(lo.cr(3), hi.cr(3)),
            cr5: Range::of(lo.cr(5), hi.cr(5)),
            band,
        };
        let named_only = scope == Scope::NamedPartners;
        Concentration {
            hhi: h_lo,
            hhi_points: h_lo * 10_000.0,
            hhi_upper: h_hi,
            hhi_normalized: hhi_normalized.map(|r| r.min),
            unctad: unctad.map(|r| r.min),
            n,
            n_basis,
            normalized_not_defined: (n <= 1).then(|| {
                format!("N = {n}: the normalised indices divide by 1 − 1/N, which needs at least two economies")
            }),
            entropy: e_hi,
            effective_partners: inverse(h_lo),
            effective_partners_entropy: e_hi.exp(),
            cr3: bounds.cr3.min,
            cr5: bounds.cr5.min,
            band: (!named_only && band.min == band.max).then_some(band.min),
            bounds: (!named_only).then_some(bounds),
        }
    }

    /// True when every measure is exact (no remainder, or only named partners described).
    pub fn is_exact(&self) -> bool {
        self.bounds.as_ref().is_none_or(|b| b.hhi.is_exact())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} != {b} (±{tol})");
    }

    fn some(x: Option<f64>) -> f64 {
        x.expect("defined")
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
        close(some(c.hhi_normalized), 0.0, 1e-12);
    }

    // P4: UNCTAD index is 1 for a single item and 0 for equal shares, n = 2..300.
    #[test]
    fn p4_unctad_bounds() {
        for n in 2..=300 {
            let mut one = vec![0.0; n];
            one[0] = 1.0;
            close(some(unctad_index(hhi(&one), n)), 1.0, 1e-12);
            let equal = vec![1.0 / n as f64; n];
            close(some(unctad_index(hhi(&equal), n)), 0.0, 1e-9);
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
        close(some(c.hhi_normalized), 0.07, 1e-12);
        close(some(c.unctad), 0.0925, 1e-4);
        close(c.effective_partners, 2.632, 1e-3);
        close(c.entropy, 1.0297, 1e-4);
        close(c.effective_partners_entropy, 2.800, 1e-3);
        assert!(c.is_exact());
        assert_eq!(c.band, Some(Band::HighlyConcentrated));
        // Same shares padded to n = 200 (definitions.md §4.2).
        let c = Concentration::of_shares(&[0.5, 0.3, 0.2], 200);
        close(some(c.unctad), 0.587, 1e-3);
        close(some(c.hhi_normalized), 0.377, 1e-3);
    }

    // definitions.md §8: merging partners never lowers HHI.
    #[test]
    fn merging_raises_hhi() {
        let a = hhi(&[0.2, 0.3, 0.1, 0.4]);
        let b = hhi(&[0.5, 0.1, 0.4]);
        assert!(b >= a);
    }

    /// Shares 0.3 and 0.2 with 0.5 unallocated over at most 8 other economies (N = 10):
    /// the least concentrated split is 8 × 0.0625, the most one partner of 0.5.
    #[test]
    fn remainder_bounds_both_ways() {
        let c = Concentration::build(
            &[0.3, 0.2],
            &[false, false],
            0.5,
            8,
            10,
            NBasis::Given,
            Scope::Total,
        );
        let b = c.bounds.as_ref().expect("bounds");
        close(b.hhi.min, 0.13 + 8.0 * 0.0625 * 0.0625, 1e-12);
        close(b.hhi.max, 0.13 + 0.25, 1e-12);
        close(c.hhi, b.hhi.min, 0.0);
        close(c.hhi_upper, b.hhi.max, 0.0);
        close(b.cr3.min, 0.3 + 0.2 + 0.0625, 1e-12);
        close(b.cr3.max, 1.0, 1e-12);
        close(b.effective_partners.min, 1.0 / 0.38, 1e-12);
        close(b.effective_partners.max, 1.0 / b.hhi.min, 1e-12);
        let e_max = -(0.3f64 * 0.3f64.ln() + 0.2 * 0.2f64.ln() + 0.5 * 0.0625f64.ln());
        close(b.entropy.max, e_max, 1e-12);
        // Normalised on N = 10, both ends in [0, 1] and the lower end above 0.
        let hn = b.hhi_normalized.expect("defined");
        close(hn.min, (b.hhi.min - 0.1) / 0.9, 1e-12);
        close(hn.max, (0.38 - 0.1) / 0.9, 1e-12);
        assert!(hn.min > 0.0);
        // 1,800 to 3,800 points: the band is only known as a range.
        assert_eq!(c.band, None);
        assert_eq!(
            b.band,
            BandRange {
                min: Band::ModeratelyConcentrated,
                max: Band::HighlyConcentrated
            }
        );
        assert!(!c.is_exact());
    }

    /// The normalised indices never leave [0, 1], however small the named shares
    /// (with N = ∞ as the lower bound's convention they used to go negative).
    #[test]
    fn normalised_indices_stay_in_range_with_a_remainder() {
        for coverage in [0.001, 0.01, 0.1, 0.5, 0.9] {
            for n in [3, 10, 200, 248, 10_000] {
                let named = [coverage * 0.6, coverage * 0.4];
                let c = Concentration::build(
                    &named,
                    &[false, false],
                    1.0 - coverage,
                    n - 2,
                    n,
                    NBasis::Given,
                    Scope::Total,
                );
                let b = c.bounds.expect("bounds");
                for r in [b.hhi_normalized.expect("N ≥ 2"), b.unctad.expect("n ≥ 2")] {
                    assert!(0.0 <= r.min && r.min <= r.max && r.max <= 1.0, "{r:?}");
                }
                assert!(b.hhi.min >= 1.0 / n as f64 - 1e-12);
            }
        }
    }

    /// A one-sided partner (imports unknown) may hold the remainder: the upper bound
    /// merges the remainder into it, the lower bound may raise it to the common level.
    #[test]
    fn one_sided_partner_can_hold_the_remainder() {
        let c = Concentration::build(
            &[0.5, 0.1],
            &[false, true],
            0.4,
            0,
            2,
            NBasis::Given,
            Scope::Total,
        );
        let b = c.bounds.expect("bounds");
        close(b.hhi.max, 0.25 + 0.25, 1e-12);
        close(b.hhi.min, 0.25 + 0.25, 1e-12);
        // With room elsewhere the remainder can also spread: 0.4 + 0.1 over 1 + 4 slots.
        let c = Concentration::build(
            &[0.5, 0.1],
            &[false, true],
            0.4,
            4,
            6,
            NBasis::Given,
            Scope::Total,
        );
        let b = c.bounds.expect("bounds");
        close(b.hhi.min, 0.25 + 5.0 * 0.01, 1e-12);
        close(b.hhi.max, 0.5, 1e-12);
    }

    #[test]
    fn single_partner_normalisation_is_not_defined() {
        let c = Concentration::of_shares(&[1.0], 1);
        assert_eq!(c.hhi_normalized, None);
        assert_eq!(c.unctad, None);
        assert!(c
            .normalized_not_defined
            .as_deref()
            .is_some_and(|r| r.contains("N = 1")));
    }
}
