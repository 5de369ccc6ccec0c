//! "Export concentration by product": the focal country's exports by product group
//! (`products.csv`) against their total, crude oil's (or fuels') share, and the product HHI.
//!
//! Hand-collected figures name a few groups and leave a remainder that is not broken down,
//! so the HHI is a bound, shown as an interval: at least Σ named share² (the remainder spread
//! over many small lines, each adding next to nothing), at most that plus remainder² (the
//! remainder as one line). Over the groups as listed: a group is itself many HS lines.

use crate::svg::{self, esc, Bar};
use crate::Notes;
use astana_model::units::{pct, usd};
use astana_model::{FlowKind, Period, ProductRecord, Scenario};
use astana_partner_balance as bal;
use std::fmt::Write;

/// The product HHI (Σ share², 0–1) of a distribution known for `named` groups' shares and a
/// `remainder` share not broken down: `(lower, upper)`. The lower end is an infimum (the
/// remainder in ever smaller lines), the upper end the remainder as a single line.
pub fn hhi_bounds(named: &[f64], remainder: f64) -> (f64, f64) {
    let base = bal::hhi(named);
    let r = remainder.max(0.0);
    (base, base + r * r)
}

/// One product group's share of the total.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupShare {
    /// HS code or `other`.
    pub product: String,
    /// The source's name of the group.
    pub name: String,
    /// Value in US dollars.
    pub value: f64,
    /// Share of the total (0–1).
    pub share: f64,
    /// Derived by the team (or resting on an estimated total).
    pub estimate: bool,
    /// `sources.csv` ids of the value.
    pub source: String,
}

/// The exports of one year and period with a total: groups, remainder, HHI bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductYear {
    /// Calendar year.
    pub year: i32,
    /// Part of the year.
    pub period: Period,
    /// Total exports (the `total` row).
    pub total: f64,
    /// Whether the total is an estimate.
    pub total_estimate: bool,
    /// The total's source id.
    pub total_source: String,
    /// Top-level groups (no listed code contains them), largest first; a published `other`
    /// row among them.
    pub groups: Vec<GroupShare>,
    /// Share of the total in no listed group (0 when the groups cover it).
    pub rest: f64,
    /// HHI bounds (0–1) over the groups as listed plus the rest.
    pub hhi: (f64, f64),
    /// Crude oil (HS 2709) if listed, else the largest group of HS chapter 27.
    pub oil: Option<GroupShare>,
}

/// Every (year, period) of the focal country's exports that has a total, oldest first.
pub fn product_years(s: &Scenario) -> Vec<ProductYear> {
    let rows: Vec<&ProductRecord> = s
        .products
        .iter()
        .filter(|p| p.reporter == s.focal && p.flow == FlowKind::Exports)
        .collect();
    let mut out = Vec::new();
    for t in rows.iter().filter(|r| r.is_total()) {
        if t.value_usd <= 0.0 {
            continue;
        }
        let same: Vec<&&ProductRecord> = rows
            .iter()
            .filter(|r| !r.is_total() && (r.year, r.period) == (t.year, t.period))
            .collect();
        let share = |r: &ProductRecord| GroupShare {
            product: r.product.clone(),
            name: r.product_name.clone(),
            value: r.value_usd,
            share: r.value_usd / t.value_usd,
            estimate: r.estimate || t.estimate,
            source: r.source.clone(),
        };
        // A code inside another listed code (2709 inside 27) is not a group of its own.
        let top = |r: &ProductRecord| {
            !same.iter().any(|o| {
                ProductRecord::is_hs(&o.product)
                    && o.product.len() < r.product.len()
                    && r.product.starts_with(&o.product)
            })
        };
        let mut groups: Vec<GroupShare> =
            same.iter().filter(|r| top(r)).map(|r| share(r)).collect();
        groups.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.product.cmp(&b.product)));
        let named: f64 = groups.iter().map(|g| g.share).sum();
        let rest = (1.0 - named).max(0.0);
        let shares: Vec<f64> = groups.iter().map(|g| g.share).collect();
        let oil = same
            .iter()
            .find(|r| r.product == "2709")
            .or_else(|| {
                same.iter()
                    .filter(|r| r.product.starts_with("27"))
                    .max_by(|a, b| a.value_usd.total_cmp(&b.value_usd))
            })
            .map(|r| share(r));
        out.push(ProductYear {
            year: t.year,
            period: t.period,
            total: t.value_usd,
            total_estimate: t.estimate,
            total_source: t.source.clone(),
            groups,
            rest,
            hhi: hhi_bounds(&shares, rest),
            oil,
        });
    }
    out.sort_by_key(|y| (y.year, y.period.months()));
    out
}

/// The year the panel shows: the latest full year with a total, else the latest period.
fn shown(years: &[ProductYear]) -> Option<&ProductYear> {
    years
        .iter()
        .rev()
        .find(|y| y.period.is_full_year())
        .or_else(|| years.last())
}

fn points(h: (f64, f64)) -> String {
    format!("{:.0}–{:.0}", h.0 * 10_000.0, h.1 * 10_000.0)
}

fn oil_label(g: &GroupShare) -> String {
    let name = match (g.name.is_empty(), g.product.as_str()) {
        (false, _) => g.name.clone(),
        (true, "2709") => "Crude oil".to_string(),
        (true, _) => "Mineral fuels".to_string(),
    };
    format!("{name} (HS {})", g.product)
}

/// The panel, or the gaps notice when the scenario has no product rows for its country,
/// or a short note when it has some but none with a total.
pub(crate) fn section(
    s: &Scenario,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    let years = product_years(s);
    let focal = esc(&s.display_name(&s.focal));
    let Some(y) = shown(&years) else {
        if s.products.iter().any(|p| p.reporter == s.focal) {
            return format!(
                r#"<h3 id="products">Export concentration by product</h3><p class="caveat">{focal}'s exports by product are in the scenario only for periods without a published total, so no share or concentration can be computed: add the <code>total</code> row of the same year and period to <code>products.csv</code>.</p>"#
            );
        }
        return crate::gaps::sub_notice(s, "products");
    };
    let when = if y.period.is_full_year() {
        y.year.to_string()
    } else {
        format!("{} {}", y.year, y.period)
    };
    let tc = notes.cite(&[y.total_source.as_str()]);
    let mut bars: Vec<Bar> = y
        .groups
        .iter()
        .map(|g| Bar {
            label: if g.name.is_empty() {
                format!("HS {}", g.product)
            } else if ProductRecord::is_hs(&g.product) {
                format!("{} (HS {})", g.name, g.product)
            } else {
                g.name.clone()
            },
            value: g.share,
            text: format!("{} · {}", pct(g.share), usd(g.value)),
            class: if g.estimate { "bar est" } else { "bar" },
        })
        .collect();
    if y.rest > 1e-9 {
        bars.push(Bar {
            label: "Not broken down".to_string(),
            value: y.rest,
            text: format!("{} · {}", pct(y.rest), usd(y.rest * y.total)),
            class: "bar rest",
        });
    }
    let chart = svg::hbar(
        &bars,
        868.0,
        &format!("Shares of exports by product, {when}"),
    );
    let mut rows = String::new();
    for g in &y.groups {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td class="n">{}{}{}</td><td class="n">{}</td></tr>"#,
            esc(&g.product),
            esc(&g.name),
            usd(g.value),
            notes.cite(&[g.source.as_str()]),
            crate::sections::est_tag(g.estimate),
            pct(g.share)
        );
    }
    let oil = y.oil.as_ref().map(|o| {
        format!(
            r#"<div class="card"><div class="big">{}</div><div class="cap">{} share of {focal}'s exports, {when}{}{}</div></div>"#,
            pct(o.share),
            oil_label(o),
            notes.cite(&[o.source.as_str(), y.total_source.as_str()]),
            if o.estimate { " (derived)" } else { "" }
        )
    });
    let hhi_card = format!(
        r#"<div class="card"><div class="big">{}</div><div class="cap">product HHI points, {when}: a bound, the named groups cover {}</div></div>"#,
        points(y.hhi),
        pct(1.0 - y.rest)
    );
    // Every period with a total, so a reader sees how far back the series goes; part-year
    // periods are listed apart from full years, never compared with them.
    let trend = if years.len() > 1 {
        let mut t = String::new();
        for p in &years {
            let _ = write!(
                t,
                r#"<tr><td>{} {}</td><td class="n">{}{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
                p.year,
                p.period,
                usd(p.total),
                notes.cite(&[p.total_source.as_str()]),
                p.oil
                    .as_ref()
                    .map(|o| format!("{} ({})", pct(o.share), o.product))
                    .unwrap_or_else(|| "not sourced".to_string()),
                pct(1.0 - p.rest),
                points(p.hhi)
            );
        }
        format!(
            r#"<table><tr><th>Period</th><th class="n">Total exports</th><th class="n">Oil share</th><th class="n">Named groups cover</th><th class="n">HHI points (bound)</th></tr>{t}</table>
<p class="small">Part-year periods cover other months and other named groups: they are listed, not compared with full years.</p>"#
        )
    } else {
        String::new()
    };
    let (lo, hi) = y.hhi;
    lead.push(format!(
        "<b>Products.</b> {}{focal}'s export concentration by product in {when} is a bound, {} HHI points, because the published figures break down only {} of exports{}.",
        y.oil
            .as_ref()
            .map(|o| format!("{} make up <b>{}</b> of exports; ", oil_label(o), pct(o.share)))
            .unwrap_or_default(),
        points(y.hhi),
        pct(1.0 - y.rest),
        notes.cite(&[y.total_source.as_str()])
    ));
    summary.push(format!(
        "{} exports by product {when}: {}HHI {} points (a bound: named groups cover {})",
        s.display_name(&s.focal),
        y.oil
            .as_ref()
            .map(|o| format!("{} {}; ", oil_label(o), pct(o.share)))
            .unwrap_or_default(),
        points(y.hhi),
        pct(1.0 - y.rest)
    ));
    format!(
        r#"<h3 id="products">Export concentration by product, {when}</h3>
<div class="cards">{oil}{hhi_card}</div>
<p>Shares of {focal}'s exports by product group against the total{tc}{total_est}. The published figures name {n} group{pl} covering {cover}; the rest is not broken down, so the product HHI is a <b>bound</b>: {lo:.4} ({lop:.0} points) with the rest spread over many small lines, {hi:.4} ({hip:.0} points) with the rest as one line. It is computed over the groups as listed; each group is itself many HS lines.</p>
{chart}
<details><summary class="small">Product groups with sources</summary><table><tr><th>HS</th><th>Group</th><th class="n">Exports</th><th class="n">Share</th></tr>{rows}</table></details>
{trend}"#,
        oil = oil.unwrap_or_default(),
        total_est = if y.total_estimate {
            r#" <span class="est-tag">estimate</span>"#
        } else {
            ""
        },
        n = y.groups.len(),
        pl = if y.groups.len() == 1 { "" } else { "s" },
        cover = pct(1.0 - y.rest),
        lop = lo * 10_000.0,
        hip = hi * 10_000.0,
    )
}

#[cfg(test)]
mod tests {
    use super::hhi_bounds;

    /// Worked by hand: named shares 0.5 and 0.2, rest 0.3. Lower 0.25 + 0.04 = 0.29;
    /// upper 0.29 + 0.09 = 0.38.
    #[test]
    fn hhi_bounds_of_named_groups_and_a_rest() {
        let (lo, hi) = hhi_bounds(&[0.5, 0.2], 0.3);
        assert!((lo - 0.29).abs() < 1e-12, "{lo}");
        assert!((hi - 0.38).abs() < 1e-12, "{hi}");
        // Fully broken down: the bound closes to the HHI itself.
        let (lo, hi) = hhi_bounds(&[0.5, 0.3, 0.2], 0.0);
        assert!((lo - 0.38).abs() < 1e-12 && (hi - lo).abs() < 1e-15);
        // Kazakhstan 2022: oil and gas 61 %, rest 39 % → 3721–5242 points.
        let (lo, hi) = hhi_bounds(&[0.61], 0.39);
        assert_eq!(((lo * 1e4).round(), (hi * 1e4).round()), (3721.0, 5242.0));
    }
}
