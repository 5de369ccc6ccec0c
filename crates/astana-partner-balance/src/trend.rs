//! Concentration over every year with data.

use crate::balance::{analyze, Coverage, Query, Side};
use crate::measures::Bounds;
use astana_model::{FlowKind, Period, Scenario};
use serde::Serialize;
use std::collections::BTreeSet;

/// One year of [`trend`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    /// Year.
    pub year: i32,
    /// Total (US dollars).
    pub total: f64,
    /// How the total was obtained.
    pub total_basis: &'static str,
    /// Whether the total is an estimate.
    pub total_estimate: bool,
    /// False when no world total exists for the year, so shares are of the named partners
    /// only and the concentration figures say little.
    pub has_total: bool,
    /// Number of named partners.
    pub partners: usize,
    /// Share of the total covered by named partners; `"unknown"` without a total.
    pub coverage: Coverage,
    /// `exact`, `lower` or `named_partners_only`, as in [`Balance`](crate::Balance).
    pub concentration_bound: &'static str,
    /// HHI (the smallest value when a remainder is not broken down).
    pub hhi: f64,
    /// The largest HHI (the remainder as one partner).
    pub hhi_upper: f64,
    /// CR3 (the smallest value).
    pub cr3: f64,
    /// 1/HHI (the largest value).
    pub effective_partners: f64,
    /// Both ends of every measure; `None` without a total.
    pub bounds: Option<Bounds>,
    /// Largest partner and its share.
    pub top: (String, f64),
    /// Shares of the requested partners or blocs (missing when no figure that year).
    pub shares: Vec<(String, Option<f64>)>,
}

/// Runs [`analyze`] for every full year in which `reporter` has `flow` figures, and
/// follows the shares of `watch` (partner or bloc ids).
pub fn trend(
    scenario: &Scenario,
    reporter: &str,
    flow: FlowKind,
    side: Side,
    watch: &[String],
) -> Vec<TrendPoint> {
    let years: BTreeSet<i32> = scenario
        .flows
        .iter()
        .filter(|f| f.period == Period::FULL_YEAR)
        .map(|f| f.year)
        .collect();
    years
        .into_iter()
        .filter_map(|year| {
            let mut q = Query::new(reporter, year, flow);
            q.side = side;
            let b = analyze(scenario, &q).ok()?;
            let shares = watch
                .iter()
                .map(|w| {
                    let s = b
                        .partners
                        .iter()
                        .find(|p| &p.id == w)
                        .map(|p| p.share)
                        .or_else(|| {
                            b.bloc_totals
                                .iter()
                                .find(|t| &t.id == w)
                                .and_then(|t| t.published_share)
                        });
                    (w.clone(), s)
                })
                .collect();
            let top = b
                .partners
                .first()
                .map(|p| (p.id.to_string(), p.share))
                .unwrap_or_default();
            Some(TrendPoint {
                year,
                total: b.total,
                total_basis: b.total_provenance.basis,
                total_estimate: b.total_provenance.estimate,
                has_total: b.share_basis == "total",
                partners: b.partners.iter().filter(|p| !p.residual).count(),
                coverage: b.coverage,
                concentration_bound: b.concentration_bound,
                hhi: b.measures.hhi,
                hhi_upper: b.measures.hhi_upper,
                cr3: b.measures.cr3,
                effective_partners: b.measures.effective_partners,
                bounds: b.measures.bounds.clone(),
                top,
                shares,
            })
        })
        .collect()
}
