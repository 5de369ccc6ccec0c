//! Asymmetric dependence in the Keohane–Nye sense, operationalised on trade:
//! dep(R on P) = trade_RP / total_R from R's statistics, dep(P on R) = trade_PR / total_P
//! from P's statistics (`definitions.md` §7).

use crate::balance::{Lookup, Sourced};
use astana_model::{Code, FlowKind, Period, Scenario, WORLD};
use serde::Serialize;
use std::collections::BTreeSet;

/// One pair of the dependence table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dependence {
    /// Partner code.
    pub partner: String,
    /// Reporter's figure for its trade with the partner.
    pub reporter_value: Option<Sourced>,
    /// Reporter's total.
    pub reporter_total: Option<Sourced>,
    /// dep(R on P): the partner's share of the reporter's trade, reporter statistics.
    pub reporter_dependence: Option<f64>,
    /// Partner's figure for its trade with the reporter.
    pub partner_value: Option<Sourced>,
    /// Partner's total.
    pub partner_total: Option<Sourced>,
    /// dep(P on R): the reporter's share of the partner's trade, partner statistics.
    pub partner_dependence: Option<f64>,
    /// dep(R on P) − dep(P on R): positive when the reporter depends more.
    pub asymmetry: Option<f64>,
    /// dep(R on P) / dep(P on R).
    pub ratio: Option<f64>,
    /// Partner-reported minus reporter-reported bilateral value over the reporter's figure
    /// (the mirror gap).
    pub mirror_gap: Option<f64>,
}

/// The dependence table for `reporter`, one row per partner that has figures on either
/// side in `year` (full year), for `flow` (usually turnover).
pub fn dependence(
    scenario: &Scenario,
    reporter: &str,
    year: i32,
    flow: FlowKind,
) -> Vec<Dependence> {
    let look = Lookup::new(&scenario.flows, year, Period::FULL_YEAR);
    let mut partners: BTreeSet<Code> = look.partners(crate::Side::Reporter, reporter);
    partners.extend(look.partners(crate::Side::Mirror, reporter));
    let ratio = |a: &Option<Sourced>, b: &Option<Sourced>| match (a, b) {
        (Some(a), Some(b)) if b.value > 0.0 => Some(a.value / b.value),
        _ => None,
    };
    let mut rows: Vec<Dependence> = partners
        .into_iter()
        .map(|p| {
            let reporter_value = look.value(reporter, &p, flow);
            let reporter_total = look.value(reporter, WORLD, flow);
            let partner_value = look.value(&p, reporter, flow.mirrored());
            let partner_total = look.value(&p, WORLD, flow.mirrored());
            let rd = ratio(&reporter_value, &reporter_total);
            let pd = ratio(&partner_value, &partner_total);
            let mirror_gap = match (&partner_value, &reporter_value) {
                (Some(m), Some(r)) if r.value > 0.0 => Some(m.value / r.value - 1.0),
                _ => None,
            };
            Dependence {
                partner: p.to_string(),
                asymmetry: rd.zip(pd).map(|(a, b)| a - b),
                ratio: rd.zip(pd).and_then(|(a, b)| (b > 0.0).then(|| a / b)),
                reporter_dependence: rd,
                partner_dependence: pd,
                reporter_value,
                reporter_total,
                partner_value,
                partner_total,
                mirror_gap,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |d: &Dependence| d.reporter_value.as_ref().map_or(0.0, |v| v.value);
        key(b).total_cmp(&key(a)).then(a.partner.cmp(&b.partner))
    });
    rows
}
