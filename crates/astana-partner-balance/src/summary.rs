//! The cross-country view: concentration for every reporter and year of a trade matrix.

use crate::balance::{Lookup, Query, Side};
use crate::measures::Concentration;
use astana_model::{iso, Code, FlowRecord, Scenario, WORLD};
use serde::Serialize;

/// Concentration of one reporter in one year, without the partner list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Reporter.
    pub reporter: Code,
    /// Year.
    pub year: i32,
    /// Denominator of the shares: the published world total, else the sum of partners.
    pub total: f64,
    /// True when `total` is the published (or estimated) world total.
    pub has_total: bool,
    /// Share of the total covered by named partners.
    pub coverage: f64,
    /// Number of named partners.
    pub partners: usize,
    /// Largest partner and its share.
    pub top: Option<(Code, f64)>,
    /// Measures, as in [`Balance`](crate::Balance).
    #[serde(flatten)]
    pub measures: Concentration,
}

/// [`Summary`] for every reporter and year with data, in (year, reporter) order.
///
/// Equivalent to calling [`analyze`](crate::analyze) for each and keeping the measures, but
/// it sorts the rows once, reads each reporter's rows through a small index of their own,
/// and allocates no partner list: a 1.2-million-row matrix takes well under a second.
/// `template` supplies flow, period and `n` (reporter, year and side are ignored: the
/// reporter's own statistics are used).
pub fn summarize_all(scenario: &Scenario, template: &Query) -> Vec<Summary> {
    let mut rows: Vec<&FlowRecord> = scenario
        .flows
        .iter()
        .filter(|f| f.period == template.period)
        .collect();
    rows.sort_by_key(|f| (f.year, f.reporter));
    let world = Code::new(WORLD).unwrap_or_default();
    let mut out = Vec::new();
    let mut values: Vec<(Code, f64)> = Vec::new();
    for group in rows.chunk_by(|a, b| a.year == b.year && a.reporter == b.reporter) {
        let reporter = group[0].reporter;
        let look = Lookup::from_records(group.iter().copied());
        values.clear();
        let mut last = None;
        let mut partners: Vec<Code> = group
            .iter()
            .map(|f| f.partner)
            .filter(|p| iso::is_alpha3(p))
            .collect();
        partners.sort_unstable();
        for p in partners {
            if last == Some(p) {
                continue;
            }
            last = Some(p);
            if let Some((v, _)) = look.amount(reporter, p, template.flow) {
                values.push((p, v));
            }
        }
        if values.is_empty() {
            continue;
        }
        let named: f64 = values.iter().map(|(_, v)| v).sum();
        let published = match template.side {
            Side::Reporter => look.amount(reporter, world, template.flow),
            Side::Mirror => None,
        };
        let (total, has_total) = match published {
            Some((t, _)) if t >= named => (t, true),
            _ => (named, false),
        };
        let shares: Vec<f64> = values
            .iter()
            .map(|(_, v)| if total > 0.0 { v / total } else { 0.0 })
            .collect();
        let top = values
            .iter()
            .zip(&shares)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0 .0.cmp(&a.0 .0)))
            .map(|((c, _), s)| (*c, *s));
        out.push(Summary {
            reporter,
            year: group[0].year,
            total,
            has_total,
            coverage: if total > 0.0 { named / total } else { 1.0 },
            partners: values.len(),
            top,
            measures: Concentration::of_shares(&shares, template.n.unwrap_or(values.len())),
        });
    }
    out
}
