//! Product diversification: how concentrated a country's exports are across products (HS
//! codes), with the Theil index split into its extensive and intensive margins, Balassa's
//! revealed comparative advantage, and the largest partner × product cells.
//!
//! Pure Rust over values already summed per product (the columnar engine reads, filters
//! and sums; this module only measures). The concentration measures are the ones of
//! [`crate::measures`] ([`hhi`], [`hhi_normalized`], [`unctad_index`], [`entropy`]): one
//! implementation each, whether the distribution is over partners or products.
//!
//! Sources:
//! * Theil decomposition: Cadot, Carrère & Strauss-Kahn (2011), "Export diversification:
//!   what's behind the hump?", Review of Economics and Statistics 93(2), 590–605.
//! * RCA: Balassa (1965), "Trade liberalisation and 'revealed' comparative advantage",
//!   The Manchester School 33(2), 99–123.
//! * Universe sizes: the Harmonized System, 2022 edition, as UN Comtrade classifies trade
//!   in it (its HS 2022 list, republished as `data/harmonized-system.csv` of
//!   github.com/datasets/harmonized-system, commit 4287990, 2022-09-02, "Update harmonized
//!   system data for 2022 version"; counted 2026-12-01): 96 chapters (01–97, 77 reserved),
//!   1,228 headings, 5,612 six-digit codes (271 of them undivided headings, `XXXX00`), not
//!   counting Comtrade's 99/9999/999999 "not specified" codes. The same file at commit
//!   a72bef2 (2020-02-17, "Complete 2017 edition") gives HS 2017: 96, 1,222 and 5,387.

use crate::error::BalanceError;
use crate::measures::{concentration_ratio, entropy, hhi, hhi_normalized, unctad_index};
use serde::Serialize;
use std::collections::BTreeMap;

/// HS 2022 chapters in use (01–97; chapter 77 is reserved for future use).
pub const HS_CHAPTERS: usize = 96;
/// HS 2022 headings (4 digits).
pub const HS_HEADINGS: usize = 1_228;
/// HS 2022 six-digit codes. Older editions have fewer (HS 2017: 5,387): pass the
/// edition's count as the universe for data in an older revision.
pub const HS_SUBHEADINGS: usize = 5_612;
/// How many products `top` lists.
pub const TOP_PRODUCTS: usize = 10;

/// The number of potential export lines (the N of the normalised indices and of the Theil
/// index): detected from the length of the HS codes, or given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Universe {
    /// From the code length: 2 digits → [`HS_CHAPTERS`], 4 → [`HS_HEADINGS`], 6 →
    /// [`HS_SUBHEADINGS`].
    Auto,
    /// Given by the caller (e.g. the product count of the classification the data uses).
    Given(usize),
}

impl From<usize> for Universe {
    fn from(n: usize) -> Universe {
        Universe::Given(n)
    }
}

impl From<Option<usize>> for Universe {
    fn from(n: Option<usize>) -> Universe {
        n.map_or(Universe::Auto, Universe::Given)
    }
}

/// Where the universe N came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UniverseBasis {
    /// 2-digit codes: the 96 HS chapters in use.
    Hs2Chapters,
    /// 4-digit codes: the 1,228 HS 2022 headings.
    Hs4Headings,
    /// 6-digit codes: the 5,612 HS 2022 subheadings.
    Hs6Subheadings,
    /// Given by the caller.
    Given,
}

impl UniverseBasis {
    /// Words for a reader.
    pub fn label(self) -> &'static str {
        match self {
            UniverseBasis::Hs2Chapters => "HS chapters in use (2-digit; 01-97, 77 reserved)",
            UniverseBasis::Hs4Headings => "HS 2022 headings (4-digit)",
            UniverseBasis::Hs6Subheadings => "HS 2022 subheadings (6-digit)",
            UniverseBasis::Given => "as given",
        }
    }
}

/// The Theil index and its decomposition into the extensive margin (how many lines are
/// exported) and the intensive margin (how evenly the exported lines are exported):
/// `total = between + within` (Cadot, Carrère & Strauss-Kahn 2011).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TheilDecomposition {
    /// T = (1/n) Σₖ (xₖ/μ) ln(xₖ/μ) over all n potential lines, μ their mean, 0·ln 0 = 0;
    /// from 0 (all lines equal) to ln n (one line).
    pub total: f64,
    /// Extensive margin ln(n / n_active): the lines not exported at all.
    pub between: f64,
    /// Intensive margin: the Theil index over the active lines only.
    pub within: f64,
}

/// One product's value and share of the total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductShare {
    /// HS code.
    pub product: String,
    /// Value in US dollars.
    pub value_usd: f64,
    /// Fraction of the total.
    pub share: f64,
}

/// Product concentration of one reporter-year-flow.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductMeasures {
    /// Sum of the products' values, US dollars.
    pub total_usd: f64,
    /// Products with a value above zero (active export lines).
    pub products_active: usize,
    /// N: the potential lines.
    pub universe: usize,
    /// Where N came from.
    pub universe_basis: UniverseBasis,
    /// N and its basis in words, e.g. "N = 96: HS chapters in use (…)".
    pub universe_label: String,
    /// Digits of the codes (2, 4, 6, or another length with a given universe).
    pub hs_digits: usize,
    /// Σ sₖ² over the products.
    pub hhi: f64,
    /// (HHI − 1/N)/(1 − 1/N) with N = `universe`; `None` when N ≤ 1.
    pub hhi_normalized: Option<f64>,
    /// UNCTAD's product concentration index (√HHI − √(1/N))/(1 − √(1/N)) with N =
    /// `universe`; `None` when N ≤ 1.
    pub unctad_index: Option<f64>,
    /// Shannon entropy −Σ sₖ ln sₖ (natural log).
    pub entropy: f64,
    /// 1/HHI: the number of equal products with the same HHI.
    pub effective_products: f64,
    /// exp(entropy).
    pub effective_products_entropy: f64,
    /// Share of the largest product.
    pub cr1: f64,
    /// Share of the three largest products.
    pub cr3: f64,
    /// Theil index over the universe and its decomposition.
    pub theil: TheilDecomposition,
    /// The largest products (at most [`TOP_PRODUCTS`]), by value, ties by code.
    pub top: Vec<ProductShare>,
}

/// A code for messages: quoted, escaped and clipped (codes come from user files).
fn shown(code: &str) -> String {
    let clipped: String = code.chars().take(20).collect();
    let more = if clipped.len() < code.len() {
        "…"
    } else {
        ""
    };
    format!("{clipped:?}{more}")
}

/// A value read for `what`: finite and not negative.
fn checked(value: f64, what: &dyn Fn() -> String) -> Result<f64, BalanceError> {
    if !value.is_finite() {
        return Err(BalanceError::NotFinite(what()));
    }
    if value < 0.0 {
        return Err(BalanceError::BadProduct {
            code: what(),
            why: format!("value {value} is negative; trade values are amounts ≥ 0"),
        });
    }
    Ok(value)
}

/// An HS code: digits only, not empty.
fn check_code(code: &str) -> Result<(), BalanceError> {
    if code.is_empty() {
        return Err(BalanceError::BadProduct {
            code: shown(code),
            why: "empty code: rows without a product are totals over all products; \
                  leave them out of a product breakdown"
                .into(),
        });
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BalanceError::BadProduct {
            code: shown(code),
            why: "an HS code has digits only (e.g. 2709 or 270900)".into(),
        });
    }
    Ok(())
}

/// Sums duplicate codes and checks codes and values; the sum must be finite. Returns the
/// codes in order, each once (cells already in code order, as the columnar engine gives
/// them, are not sorted again).
fn summed<'a>(cells: &[(&'a str, f64)]) -> Result<Vec<(&'a str, f64)>, BalanceError> {
    let mut by: Vec<(&'a str, f64)> = Vec::with_capacity(cells.len());
    for (code, value) in cells {
        check_code(code)?;
        let v = checked(*value, &|| format!("the value of product {}", shown(code)))?;
        by.push((code, v));
    }
    if !by.is_sorted_by(|a, b| a.0 < b.0) {
        by.sort_by(|a, b| a.0.cmp(b.0));
        by.dedup_by(|b, a| {
            let same = a.0 == b.0;
            if same {
                a.1 += b.1;
            }
            same
        });
    }
    Ok(by)
}

/// N and its basis for codes of `digits` digits.
fn universe_of(universe: Universe, digits: usize) -> Result<(usize, UniverseBasis), BalanceError> {
    match (universe, digits) {
        (Universe::Given(n), _) => Ok((n, UniverseBasis::Given)),
        (Universe::Auto, 2) => Ok((HS_CHAPTERS, UniverseBasis::Hs2Chapters)),
        (Universe::Auto, 4) => Ok((HS_HEADINGS, UniverseBasis::Hs4Headings)),
        (Universe::Auto, 6) => Ok((HS_SUBHEADINGS, UniverseBasis::Hs6Subheadings)),
        (Universe::Auto, d) => Err(BalanceError::BadProduct {
            code: format!("{d}-digit codes"),
            why: "the universe N is known for HS chapters (2 digits), headings (4) and \
                  subheadings (6); give the number of potential products (universe)"
                .into(),
        }),
    }
}

/// Product concentration of one reporter-year-flow from its `(HS code, value in USD)`
/// cells: HHI, normalised HHI and UNCTAD's index on N = `universe`, entropy, the Theil
/// decomposition and the largest products.
///
/// `universe` is a number (`10`, given) or [`Universe::Auto`] (`None`): N from the code
/// length, [`HS_CHAPTERS`], [`HS_HEADINGS`] or [`HS_SUBHEADINGS`]. Duplicate codes are
/// added up. Errors: a code that is not digits, codes of different lengths (HS levels
/// cannot be mixed: a chapter and its headings would count the same trade twice), a
/// negative or non-finite value, no positive value at all, and a universe smaller than the
/// active products.
///
/// ```
/// use astana_partner_balance::product_measures;
/// let m = product_measures(&[("27", 50.0), ("72", 30.0), ("26", 15.0), ("10", 5.0)], 10)?;
/// assert!((m.hhi - 0.365).abs() < 1e-12);
/// assert!((m.theil.total - (m.theil.between + m.theil.within)).abs() < 1e-12);
/// # Ok::<(), astana_partner_balance::BalanceError>(())
/// ```
pub fn product_measures(
    cells: &[(&str, f64)],
    universe: impl Into<Universe>,
) -> Result<ProductMeasures, BalanceError> {
    let by = summed(cells)?;
    let mut lengths = by.iter().map(|(c, _)| (c.len(), *c));
    let first = lengths.next();
    if let (Some((d, a)), Some((_, b))) =
        (first, lengths.find(|(l, _)| Some(*l) != first.map(|f| f.0)))
    {
        return Err(BalanceError::BadProduct {
            code: format!("{} and {}", shown(a), shown(b)),
            why: format!(
                "the codes mix HS levels ({d} and {} digits); aggregate to one level, \
                 since a chapter and its headings would count the same trade twice",
                b.len()
            ),
        });
    }
    let digits = first.map_or(0, |f| f.0);
    let total: f64 = by.iter().map(|(_, v)| v).sum();
    if !total.is_finite() {
        return Err(BalanceError::NotFinite(
            "the sum of the product values".into(),
        ));
    }
    if total <= 0.0 {
        return Err(BalanceError::NoProductValue(format!(
            "{} product line{} given, none with a value above zero",
            by.len(),
            if by.len() == 1 { "" } else { "s" }
        )));
    }
    let (n, basis) = universe_of(universe.into(), digits)?;
    let mut active: Vec<(&str, f64)> = by.into_iter().filter(|(_, v)| *v > 0.0).collect();
    if n < active.len() {
        return Err(BalanceError::UniverseTooSmall {
            universe: n,
            basis: basis.label().to_string(),
            active: active.len(),
        });
    }
    // Codes are unique here, so the order is total and an unstable sort gives the same.
    active.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let values: Vec<f64> = active.iter().map(|(_, v)| *v).collect();
    let shares: Vec<f64> = values.iter().map(|v| v / total).collect();
    let h = hhi(&shares);
    let e = entropy(&shares);
    Ok(ProductMeasures {
        total_usd: total,
        products_active: active.len(),
        universe: n,
        universe_basis: basis,
        universe_label: format!("N = {n}: {}", basis.label()),
        hs_digits: digits,
        hhi: h,
        hhi_normalized: hhi_normalized(h, n),
        unctad_index: unctad_index(h, n),
        entropy: e,
        effective_products: 1.0 / h,
        effective_products_entropy: e.exp(),
        cr1: concentration_ratio(&shares, 1),
        cr3: concentration_ratio(&shares, 3),
        theil: theil(&values, n),
        top: active
            .iter()
            .zip(&shares)
            .take(TOP_PRODUCTS)
            .map(|((code, v), s)| ProductShare {
                product: (*code).to_string(),
                value_usd: *v,
                share: *s,
            })
            .collect(),
    })
}

/// Σ (x/μ) ln(x/μ) / count over the positive values, 0·ln 0 = 0.
fn theil_sum(values: &[f64], count: usize, total: f64) -> f64 {
    let mu = total / count as f64;
    values
        .iter()
        .filter(|x| **x > 0.0)
        .map(|x| (x / mu) * (x / mu).ln())
        .sum::<f64>()
        / count as f64
}

/// The Theil index of `values` over `universe` potential lines (lines not in `values` are
/// zeros) and its decomposition (Cadot, Carrère & Strauss-Kahn 2011):
///
/// * total T = (1/n) Σₖ (xₖ/μ) ln(xₖ/μ) over all n lines, μ = Σ x / n, 0·ln 0 = 0;
/// * within (intensive margin) = the same over the n_active lines with xₖ > 0 only;
/// * between (extensive margin) = ln(n / n_active).
///
/// `total = between + within` exactly in real arithmetic (to ~1e-15 in floating point).
/// n is at least the active lines (a smaller `universe` is raised to them; use
/// [`product_measures`] to have it refused). All zeros (nothing exported) give zeros.
pub fn theil(values: &[f64], universe: usize) -> TheilDecomposition {
    let total: f64 = values.iter().filter(|x| **x > 0.0).sum();
    let active = values.iter().filter(|x| **x > 0.0).count();
    if active == 0 || !total.is_finite() {
        return TheilDecomposition {
            total: 0.0,
            between: 0.0,
            within: 0.0,
        };
    }
    let n = universe.max(active);
    TheilDecomposition {
        total: theil_sum(values, n, total),
        between: (n as f64 / active as f64).ln(),
        within: theil_sum(values, active, total),
    }
}

/// Balassa's revealed comparative advantage (x_ck / X_c) / (x_wk / X_w): a country's share
/// of product k in its exports over the reference group's. Above 1, the country exports
/// relatively more of k. `None` when a denominator (X_c, x_wk, X_w) is zero or a figure is
/// not finite.
pub fn rca(
    country_product: f64,
    country_total: f64,
    world_product: f64,
    world_total: f64,
) -> Option<f64> {
    let all = [country_product, country_total, world_product, world_total];
    if all.iter().any(|x| !x.is_finite()) || country_total == 0.0 || world_product == 0.0 {
        return None;
    }
    if world_total == 0.0 {
        return None;
    }
    Some((country_product / country_total) / (world_product / world_total))
}

/// What an RCA is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RcaReference {
    /// The reporters in the data (all of them, for this year and flow): the usual case,
    /// since a table rarely holds every exporter.
    ReportersInData,
    /// World exports: only when the caller knows the data covers every exporter.
    World,
}

/// One product's RCA for a reporter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductRca {
    /// HS code.
    pub product: String,
    /// The reporter's exports of it, USD.
    pub value_usd: f64,
    /// Its share of the reporter's exports.
    pub share_of_reporter: f64,
    /// Its share of the reference group's exports.
    pub share_of_reference: f64,
    /// The ratio of the two.
    pub rca: f64,
}

/// RCA of every product a reporter exports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RcaTable {
    /// The reporter.
    pub reporter: String,
    /// What the shares are compared with.
    pub reference: RcaReference,
    /// The same in words ("RCA against the 3 reporters in this data, not the world").
    pub reference_label: String,
    /// Reporters with exports in the reference group.
    pub reporters: usize,
    /// Products with RCA > 1.
    pub products_with_advantage: usize,
    /// Every product the reporter exports (value > 0), by RCA, largest first (ties by code).
    pub products: Vec<ProductRca>,
}

/// Balassa RCA of every product `reporter` exports, against the sum over all reporters in
/// `cells` (`(reporter, HS code, value in USD)` of one year and flow; duplicates added up).
/// Label the result honestly: with [`RcaReference::ReportersInData`] the reference group
/// is these reporters, not the world; say [`RcaReference::World`] only when the cells hold
/// every exporter. Errors: bad codes or values as in [`product_measures`], and a reporter
/// without positive exports (naming the reporters that have some).
pub fn rca_table(
    reporter: &str,
    cells: &[(&str, &str, f64)],
    reference: RcaReference,
) -> Result<RcaTable, BalanceError> {
    let mut mine: BTreeMap<&str, f64> = BTreeMap::new();
    let mut world: BTreeMap<&str, f64> = BTreeMap::new();
    let mut reporters: BTreeMap<&str, f64> = BTreeMap::new();
    for (r, code, value) in cells {
        check_code(code)?;
        let v = checked(*value, &|| {
            format!("the value of {} product {}", shown(r), shown(code))
        })?;
        *world.entry(code).or_insert(0.0) += v;
        *reporters.entry(r).or_insert(0.0) += v;
        if *r == reporter {
            *mine.entry(code).or_insert(0.0) += v;
        }
    }
    let x_c: f64 = mine.values().sum();
    let x_w: f64 = world.values().sum();
    if !x_w.is_finite() {
        return Err(BalanceError::NotFinite(
            "the sum of the product values".into(),
        ));
    }
    if x_c <= 0.0 {
        let with: Vec<&str> = reporters
            .iter()
            .filter(|(_, v)| **v > 0.0)
            .map(|(r, _)| *r)
            .take(20)
            .collect();
        return Err(BalanceError::NoProductValue(format!(
            "reporter {} has no product with a value above zero; reporters with exports: {}",
            shown(reporter),
            if with.is_empty() {
                "none".to_string()
            } else {
                with.join(", ")
            }
        )));
    }
    let n_reporters = reporters.values().filter(|v| **v > 0.0).count();
    let mut products: Vec<ProductRca> = mine
        .iter()
        .filter(|(_, v)| **v > 0.0)
        .filter_map(|(code, v)| {
            let w = world.get(code).copied().unwrap_or(0.0);
            rca(*v, x_c, w, x_w).map(|r| ProductRca {
                product: (*code).to_string(),
                value_usd: *v,
                share_of_reporter: v / x_c,
                share_of_reference: w / x_w,
                rca: r,
            })
        })
        .collect();
    products.sort_by(|a, b| {
        b.rca
            .total_cmp(&a.rca)
            .then_with(|| a.product.cmp(&b.product))
    });
    let reference_label = match reference {
        RcaReference::ReportersInData => format!(
            "RCA against the {n_reporters} reporter{} in this data, not the world",
            if n_reporters == 1 { "" } else { "s" }
        ),
        RcaReference::World => "RCA against world exports (the data holds every exporter)".into(),
    };
    Ok(RcaTable {
        reporter: reporter.to_string(),
        reference,
        reference_label,
        reporters: n_reporters,
        products_with_advantage: products.iter().filter(|p| p.rca > 1.0).count(),
        products,
    })
}

/// One partner × product cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerProductCell {
    /// Partner code.
    pub partner: String,
    /// HS code.
    pub product: String,
    /// Value in US dollars.
    pub value_usd: f64,
    /// Fraction of the reporter's total over all cells.
    pub share: f64,
}

/// The largest partner × product cells of one reporter-year-flow.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerProductCells {
    /// Sum over all cells (partners other than `WLD`), US dollars.
    pub total_usd: f64,
    /// Cells with a value above zero.
    pub cells_active: usize,
    /// Cells with partner `WLD` (a world total, not a partner) left out of the sum.
    pub world_rows_ignored: usize,
    /// The `k` largest cells, by value, ties by partner then product.
    pub top: Vec<PartnerProductCell>,
}

/// The `k` largest `(partner, HS code, value in USD)` cells of one reporter-year-flow, each
/// with its share of the total over all cells. Partner `WLD` rows are world totals per
/// product, not a partner: they are left out and counted. Duplicates are added up.
pub fn partner_product_cells(
    cells: &[(&str, &str, f64)],
    k: usize,
) -> Result<PartnerProductCells, BalanceError> {
    let mut by: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    let mut world_rows = 0;
    for (partner, code, value) in cells {
        check_code(code)?;
        let v = checked(*value, &|| {
            format!(
                "the value of partner {} product {}",
                shown(partner),
                shown(code)
            )
        })?;
        if *partner == astana_model::WORLD {
            world_rows += 1;
            continue;
        }
        *by.entry((partner, code)).or_insert(0.0) += v;
    }
    let total: f64 = by.values().sum();
    if !total.is_finite() {
        return Err(BalanceError::NotFinite("the sum of the cell values".into()));
    }
    if total <= 0.0 {
        return Err(BalanceError::NoProductValue(format!(
            "{} partner × product cell{} given, none with a value above zero",
            by.len(),
            if by.len() == 1 { "" } else { "s" }
        )));
    }
    let mut active: Vec<((&str, &str), f64)> = by.into_iter().filter(|(_, v)| *v > 0.0).collect();
    active.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(PartnerProductCells {
        total_usd: total,
        cells_active: active.len(),
        world_rows_ignored: world_rows,
        top: active
            .iter()
            .take(k)
            .map(|((p, c), v)| PartnerProductCell {
                partner: (*p).to_string(),
                product: (*c).to_string(),
                value_usd: *v,
                share: v / total,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} != {b} (±{tol})");
    }

    fn some(x: Option<f64>) -> f64 {
        x.expect("defined")
    }

    /// 4 products of 50/30/15/5 (total 100) in a universe of 10, by hand:
    /// * shares 0.5, 0.3, 0.15, 0.05; HHI = 0.25 + 0.09 + 0.0225 + 0.0025 = 0.365;
    /// * normalised (0.365 − 0.1)/(1 − 0.1) = 0.265/0.9 = 0.29444…;
    /// * UNCTAD (√0.365 − √0.1)/(1 − √0.1) = (0.604152 − 0.316228)/0.683772 = 0.42108…;
    /// * entropy −Σ s ln s = 0.346574 + 0.361192 + 0.284568 + 0.149787 = 1.142121;
    /// * Theil total: μ = 100/10 = 10, x/μ = 5, 3, 1.5, 0.5 (and six zeros):
    ///   (5 ln 5 + 3 ln 3 + 1.5 ln 1.5 + 0.5 ln 0.5)/10
    ///   = (8.047190 + 3.295837 + 0.608198 − 0.346574)/10 = 1.160465;
    /// * within: μ = 100/4 = 25, x/μ = 2, 1.2, 0.6, 0.2:
    ///   (2 ln 2 + 1.2 ln 1.2 + 0.6 ln 0.6 + 0.2 ln 0.2)/4
    ///   = (1.386294 + 0.218786 − 0.306495 − 0.321888)/4 = 0.244174;
    /// * between: ln(10/4) = 0.916291; 0.916291 + 0.244174 = 1.160465 = total;
    /// * and T = ln n − entropy: 2.302585 − 1.142121 = 1.160465.
    #[test]
    fn worked_example_50_30_15_5_in_10() {
        let m = product_measures(&[("10", 5.0), ("27", 50.0), ("26", 15.0), ("72", 30.0)], 10)
            .expect("measures");
        assert_eq!(m.products_active, 4);
        assert_eq!(m.universe, 10);
        assert_eq!(m.universe_basis, UniverseBasis::Given);
        assert_eq!(m.hs_digits, 2);
        close(m.total_usd, 100.0, 0.0);
        close(m.hhi, 0.365, 1e-12);
        close(some(m.hhi_normalized), 0.265 / 0.9, 1e-12);
        let want = (0.365f64.sqrt() - 0.1f64.sqrt()) / (1.0 - 0.1f64.sqrt());
        close(some(m.unctad_index), want, 1e-12);
        close(some(m.unctad_index), 0.42108, 1e-5);
        let h =
            -(0.5 * 0.5f64.ln() + 0.3 * 0.3f64.ln() + 0.15 * 0.15f64.ln() + 0.05 * 0.05f64.ln());
        close(m.entropy, h, 1e-12);
        close(m.entropy, 1.142121, 1e-6);
        close(m.effective_products, 1.0 / 0.365, 1e-12);
        close(m.cr1, 0.5, 1e-12);
        close(m.cr3, 0.95, 1e-12);
        let total =
            (5.0 * 5f64.ln() + 3.0 * 3f64.ln() + 1.5 * 1.5f64.ln() + 0.5 * 0.5f64.ln()) / 10.0;
        let within =
            (2.0 * 2f64.ln() + 1.2 * 1.2f64.ln() + 0.6 * 0.6f64.ln() + 0.2 * 0.2f64.ln()) / 4.0;
        close(m.theil.total, total, 1e-12);
        close(m.theil.total, 1.160465, 1e-6);
        close(m.theil.within, within, 1e-12);
        close(m.theil.within, 0.244174, 1e-6);
        close(m.theil.between, 2.5f64.ln(), 1e-12);
        close(m.theil.total, m.theil.between + m.theil.within, 1e-12);
        close(m.theil.total, 10f64.ln() - m.entropy, 1e-12);
        let top: Vec<(&str, f64)> = m
            .top
            .iter()
            .map(|p| (p.product.as_str(), p.share))
            .collect();
        assert_eq!(top, [("27", 0.5), ("72", 0.3), ("26", 0.15), ("10", 0.05)]);
    }

    /// The identity total = between + within holds on skewed, random distributions of up
    /// to 5,612 lines, and T = ln n − entropy.
    #[test]
    fn theil_identity_holds_exactly() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [1usize, 2, 3, 10, 97, 1228, 5612] {
            for _ in 0..5 {
                // Heavy tails: x = u^-3 (Pareto-like), half the lines zero.
                let v: Vec<f64> = (0..n)
                    .map(|_| {
                        if next() < 0.5 {
                            0.0
                        } else {
                            next().max(1e-9).powi(-3)
                        }
                    })
                    .collect();
                let t = theil(&v, n);
                close(
                    t.total,
                    t.between + t.within,
                    1e-12 * t.total.abs().max(1.0),
                );
                let s: f64 = v.iter().sum();
                if s > 0.0 {
                    let shares: Vec<f64> = v.iter().map(|x| x / s).collect();
                    close(t.total, (n as f64).ln() - entropy(&shares), 1e-10);
                    assert!(t.total >= -1e-12 && t.total <= (n as f64).ln() + 1e-12);
                }
            }
        }
    }

    /// One product: HHI 1, UNCTAD 1, Theil total = between = ln N, within 0.
    #[test]
    fn one_product() {
        let m = product_measures(&[("2709", 7.5e9)], Universe::Auto).expect("measures");
        assert_eq!(m.universe, HS_HEADINGS);
        assert_eq!(m.universe_basis, UniverseBasis::Hs4Headings);
        close(m.hhi, 1.0, 0.0);
        close(some(m.unctad_index), 1.0, 1e-12);
        close(some(m.hhi_normalized), 1.0, 1e-12);
        close(m.entropy, 0.0, 0.0);
        close(m.theil.within, 0.0, 1e-15);
        close(m.theil.between, (HS_HEADINGS as f64).ln(), 1e-12);
        close(m.theil.total, (HS_HEADINGS as f64).ln(), 1e-12);
        // Universe 1: the normalisations are not defined.
        let m = product_measures(&[("2709", 7.5e9)], 1).expect("measures");
        assert_eq!(m.hhi_normalized, None);
        assert_eq!(m.unctad_index, None);
        close(m.theil.total, 0.0, 0.0);
    }

    /// Equal values over the whole universe: every concentration is 0.
    #[test]
    fn equal_lines_over_the_universe() {
        let cells: Vec<(String, f64)> = (1..=12).map(|i| (format!("{i:02}"), 3.0)).collect();
        let cells: Vec<(&str, f64)> = cells.iter().map(|(c, v)| (c.as_str(), *v)).collect();
        let m = product_measures(&cells, 12).expect("measures");
        close(some(m.unctad_index), 0.0, 1e-12);
        close(some(m.hhi_normalized), 0.0, 1e-12);
        close(m.theil.total, 0.0, 1e-12);
        close(m.theil.between, 0.0, 0.0);
        close(m.effective_products, 12.0, 1e-9);
        // The same lines in the 96 HS chapters: only the extensive margin is left.
        let m = product_measures(&cells, None).expect("measures");
        assert_eq!(m.universe, HS_CHAPTERS);
        assert!(m.universe_label.contains("N = 96"), "{}", m.universe_label);
        close(m.theil.within, 0.0, 1e-12);
        close(m.theil.between, 8f64.ln(), 1e-12);
    }

    #[test]
    fn universe_by_code_length() {
        let m = product_measures(&[("270900", 1.0), ("720110", 1.0)], None).expect("hs6");
        assert_eq!(
            (m.universe, m.universe_basis),
            (HS_SUBHEADINGS, UniverseBasis::Hs6Subheadings)
        );
        assert_eq!(m.hs_digits, 6);
        let e = product_measures(&[("27090011", 1.0)], None).expect_err("8 digits");
        assert!(e.to_string().contains("8-digit codes"), "{e}");
        assert!(
            e.to_string()
                .contains("give the number of potential products"),
            "{e}"
        );
        let m = product_measures(&[("27090011", 1.0)], 20_000).expect("given");
        assert_eq!(m.universe_basis, UniverseBasis::Given);
    }

    #[test]
    fn all_zero_is_an_error() {
        let e = product_measures(&[("27", 0.0), ("72", 0.0)], None).expect_err("zero");
        assert_eq!(
            e.to_string(),
            "no product value to measure: 2 product lines given, none with a value above zero"
        );
        let e = product_measures(&[], None).expect_err("empty");
        assert!(e.to_string().contains("0 product lines given"), "{e}");
    }

    #[test]
    fn universe_below_the_active_lines_is_an_error() {
        let cells = [("27", 5.0), ("72", 3.0), ("26", 1.0), ("10", 0.0)];
        let e = product_measures(&cells, 2).expect_err("too small");
        assert_eq!(
            e.to_string(),
            "universe N = 2 (as given) is smaller than the 3 products with a value above \
             zero; give at least 3"
        );
        // Zero lines are not active: N = 3 is enough.
        let m = product_measures(&cells, 3).expect("fits");
        assert_eq!(m.products_active, 3);
        close(m.theil.between, 0.0, 0.0);
        let e = product_measures(&cells, 0).expect_err("zero universe");
        assert!(e.to_string().contains("N = 0"), "{e}");
    }

    #[test]
    fn bad_codes_and_values_are_refused() {
        let e = product_measures(&[("27", 1.0), ("2709", 1.0)], None).expect_err("mixed");
        assert!(
            e.to_string().contains("mix HS levels (2 and 4 digits)"),
            "{e}"
        );
        let e = product_measures(&[("27a", 1.0)], None).expect_err("letters");
        assert!(
            e.to_string()
                .contains("\"27a\": an HS code has digits only"),
            "{e}"
        );
        let e = product_measures(&[("", 1.0)], None).expect_err("empty");
        assert!(e.to_string().contains("empty code"), "{e}");
        let e = product_measures(&[("27", -1.0)], None).expect_err("negative");
        assert!(e.to_string().contains("value -1 is negative"), "{e}");
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = product_measures(&[("27", bad)], None).expect_err("not finite");
            assert!(matches!(e, BalanceError::NotFinite(_)), "{e}");
        }
        let e = product_measures(&[("27", f64::MAX), ("72", f64::MAX)], None).expect_err("sum");
        assert!(matches!(e, BalanceError::NotFinite(_)), "{e}");
        // A long code with control characters is escaped and clipped in the message.
        let long = format!("12\r\n{}", "x".repeat(100_000));
        let e = product_measures(&[(long.as_str(), 1.0)], None).expect_err("bad");
        assert!(
            e.to_string().len() < 200 && !e.to_string().contains('\n'),
            "{e}"
        );
    }

    #[test]
    fn duplicates_are_added_and_top_is_capped() {
        let codes: Vec<String> = (10..40).map(|i| i.to_string()).collect();
        let mut cells: Vec<(&str, f64)> = codes.iter().map(|c| (c.as_str(), 1.0)).collect();
        cells.push(("10", 4.0));
        let m = product_measures(&cells, None).expect("measures");
        assert_eq!(m.products_active, 30);
        assert_eq!(m.top.len(), TOP_PRODUCTS);
        assert_eq!(m.top[0].product, "10");
        close(m.top[0].value_usd, 5.0, 0.0);
        close(m.top[0].share, 5.0 / 34.0, 1e-15);
        // Ties by code.
        assert_eq!(m.top[1].product, "11");
    }

    /// Two reporters, two products: A exports 30 of p1 and 10 of p2, B 10 and 50.
    /// World: p1 40, p2 60, total 100. RCA(A, p1) = (30/40)/(40/100) = 1.875;
    /// RCA(A, p2) = (10/40)/(60/100) = 0.41667.
    #[test]
    fn balassa_rca_by_hand() {
        close(some(rca(30.0, 40.0, 40.0, 100.0)), 1.875, 1e-12);
        assert_eq!(rca(1.0, 0.0, 1.0, 1.0), None);
        assert_eq!(rca(1.0, 1.0, 0.0, 1.0), None);
        assert_eq!(rca(1.0, 1.0, 1.0, 0.0), None);
        assert_eq!(rca(f64::NAN, 1.0, 1.0, 1.0), None);
        let cells = [
            ("AAA", "01", 30.0),
            ("AAA", "02", 10.0),
            ("BBB", "01", 10.0),
            ("BBB", "02", 50.0),
        ];
        let t = rca_table("AAA", &cells, RcaReference::ReportersInData).expect("rca");
        assert_eq!(t.reporters, 2);
        assert_eq!(
            t.reference_label,
            "RCA against the 2 reporters in this data, not the world"
        );
        assert_eq!(t.products_with_advantage, 1);
        assert_eq!(t.products[0].product, "01");
        close(t.products[0].rca, 1.875, 1e-12);
        close(t.products[1].rca, (10.0 / 40.0) / (60.0 / 100.0), 1e-12);
        close(t.products[0].share_of_reference, 0.4, 1e-12);
        let w = rca_table("AAA", &cells, RcaReference::World).expect("rca");
        assert!(w.reference_label.contains("world exports"));
        let e = rca_table("CCC", &cells, RcaReference::ReportersInData).expect_err("none");
        assert!(
            e.to_string().contains("reporters with exports: AAA, BBB"),
            "{e}"
        );
    }

    /// Shares of the total over all cells; WLD rows are totals and are left out.
    #[test]
    fn partner_product_cells_by_hand() {
        let cells = [
            ("CHN", "2709", 40.0),
            ("ITA", "2709", 30.0),
            ("CHN", "7403", 20.0),
            ("RUS", "1001", 10.0),
            ("WLD", "2709", 70.0),
            ("RUS", "2709", 0.0),
        ];
        let v = partner_product_cells(&cells, 2).expect("cells");
        close(v.total_usd, 100.0, 0.0);
        assert_eq!(v.cells_active, 4);
        assert_eq!(v.world_rows_ignored, 1);
        let top: Vec<(&str, &str, f64)> = v
            .top
            .iter()
            .map(|c| (c.partner.as_str(), c.product.as_str(), c.share))
            .collect();
        assert_eq!(top, [("CHN", "2709", 0.4), ("ITA", "2709", 0.3)]);
        let e = partner_product_cells(&[("WLD", "27", 1.0)], 5).expect_err("only WLD");
        assert!(e.to_string().contains("0 partner × product cells"), "{e}");
    }

    #[test]
    fn serialises_with_the_documented_keys() {
        let m = product_measures(&[("27", 50.0), ("72", 30.0)], 10).expect("measures");
        let v = serde_json::to_value(&m).expect("json");
        for key in [
            "products_active",
            "universe",
            "universe_basis",
            "hhi",
            "hhi_normalized",
            "unctad_index",
            "entropy",
            "effective_products",
        ] {
            assert!(v.get(key).is_some(), "{key} missing: {v}");
        }
        assert_eq!(v["universe_basis"], "given");
        let t = &v["theil"];
        assert!(t["total"].is_f64() && t["between"].is_f64() && t["within"].is_f64());
        assert_eq!(v["top"][0]["product"], "27");
        assert_eq!(v["top"][0]["value_usd"], 50.0);
        assert_eq!(v["top"][0]["share"], 0.625);
    }
}
