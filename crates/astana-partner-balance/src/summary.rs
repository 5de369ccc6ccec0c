//! The cross-country view: concentration for every reporter and year of a trade matrix.

use crate::balance::{Coverage, Frame, Lookup, Query, Side};
use crate::error::BalanceError;
use crate::measures::{Concentration, Scope};
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
    /// Share of the total covered by named partners; `"unknown"` without a total (shares
    /// and measures are then of the named partners among themselves).
    pub coverage: Coverage,
    /// Number of named partners.
    pub partners: usize,
    /// Partners whose turnover is known on one side only (counted with that side).
    pub one_sided: usize,
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
///
/// # Errors
/// As [`analyze`](crate::analyze): `n` too small for a reporter-year, or a sum that is
/// not finite.
pub fn summarize_all(scenario: &Scenario, template: &Query) -> Result<Vec<Summary>, BalanceError> {
    let mut rows: Vec<&FlowRecord> = scenario
        .flows
        .iter()
        .filter(|f| f.period == template.period)
        .collect();
    rows.sort_by_key(|f| (f.year, f.reporter));
    let world = Code::new(WORLD).unwrap_or_default();
    let mut out = Vec::new();
    let mut values: Vec<(Code, f64, bool)> = Vec::new();
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
            if let Some((v, open)) = look.amount(reporter, p, template.flow, true) {
                values.push((p, v, open));
            }
        }
        if values.is_empty() {
            continue;
        }
        let named: f64 = values.iter().map(|(_, v, _)| v).fold(0.0, |a, v| a + v);
        let published = match template.side {
            Side::Reporter => look.amount(reporter, world, template.flow, false),
            Side::Mirror => None,
        };
        if !named.is_finite() || published.is_some_and(|(t, _)| !t.is_finite()) {
            return Err(BalanceError::NotFinite(format!(
                "the sum of {reporter}'s {} figures for {}",
                template.flow, group[0].year
            )));
        }
        let (total, has_total) = match published {
            Some((t, _)) if t >= named && t > 0.0 => (t, true),
            _ => (named, false),
        };
        let shares: Vec<f64> = values
            .iter()
            .map(|(_, v, _)| if total > 0.0 { v / total } else { 0.0 })
            .collect();
        let open: Vec<bool> = values.iter().map(|(_, _, o)| *o).collect();
        let top = values
            .iter()
            .zip(&shares)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0 .0.cmp(&a.0 .0)))
            .map(|((c, _, _), s)| (*c, *s));
        let coverage = if total > 0.0 { named / total } else { 1.0 };
        let rest = if has_total && coverage <= 0.999 {
            1.0 - coverage
        } else {
            0.0
        };
        let frame = Frame::new(
            if has_total {
                Scope::Total
            } else {
                Scope::NamedPartners
            },
            rest,
            template.n,
            reporter.as_str(),
            values.len(),
            values.iter().filter(|(_, v, _)| *v > 0.0).count(),
            open.iter().any(|o| *o),
        )?;
        out.push(Summary {
            reporter,
            year: group[0].year,
            total,
            has_total,
            coverage: if has_total {
                Coverage::Known(coverage)
            } else {
                Coverage::Unknown
            },
            partners: values.len(),
            one_sided: open.iter().filter(|o| **o).count(),
            top,
            measures: frame.measures(&shares, &open),
        });
    }
    Ok(out)
}
