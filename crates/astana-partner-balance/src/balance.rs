//! Partner shares and concentration for one reporter, year and flow.

use crate::error::BalanceError;
use crate::measures::Concentration;
use astana_model::{iso, Code, FlowKind, FlowRecord, Period, Scenario, REST_OF_WORLD, WORLD};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Whose statistics to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The reporter's own statistics (rows with `reporter` = the reporter).
    #[default]
    Reporter,
    /// The partners' statistics about the reporter ("mirror" data), flows swapped.
    Mirror,
}

/// What to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// ISO3 code of the reporter.
    pub reporter: String,
    /// Calendar year.
    pub year: i32,
    /// Exports, imports, turnover (exports + imports) or gross FDI inflow.
    pub flow: FlowKind,
    /// Part of the year; full year by default.
    pub period: Period,
    /// Reporter-side or mirror statistics.
    pub side: Side,
    /// `n` for the UNCTAD index; defaults to the number of partner rows.
    pub n: Option<usize>,
}

impl Query {
    /// A full-year, reporter-side query.
    pub fn new(reporter: &str, year: i32, flow: FlowKind) -> Query {
        Query {
            reporter: reporter.to_string(),
            year,
            flow,
            period: Period::FULL_YEAR,
            side: Side::Reporter,
            n: None,
        }
    }
}

/// A value with its provenance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sourced {
    /// US dollars.
    pub value: f64,
    /// Source ids of the figures it was computed from.
    pub sources: Vec<String>,
    /// True when any of those figures is a team estimate.
    pub estimate: bool,
    /// How it was obtained: `published`, `estimate` (a team estimate row),
    /// `exports_plus_imports`, `sum_of_partners`.
    pub basis: &'static str,
}

/// One partner (or bloc, or the rest-of-world remainder) in a result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerShare {
    /// ISO3 code, bloc id, or `ROW` for the unallocated remainder.
    pub id: Code,
    /// Value in US dollars.
    pub value: f64,
    /// Fraction of the total.
    pub share: f64,
    /// Source ids.
    pub sources: Vec<String>,
    /// True when the value rests on a team estimate.
    pub estimate: bool,
    /// True for the rest-of-world remainder (total minus named partners).
    pub residual: bool,
    /// Members merged into this row (bloc roll-up only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Code>,
}

/// Partners grouped into blocs, with the same measures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rollup {
    /// Blocs and unmerged partners, sorted by value, then the remainder row.
    pub partners: Vec<PartnerShare>,
    /// Measures over them.
    #[serde(flatten)]
    pub measures: Concentration,
}

/// Each bloc's share of the reporter's flow (blocs may overlap).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlocTotal {
    /// Bloc id.
    pub id: String,
    /// Sum over named members: a lower bound when members are missing from the data.
    pub members_value: f64,
    /// `members_value` over the total.
    pub members_share: f64,
    /// Members that have figures.
    pub members_with_data: Vec<Code>,
    /// The bloc figure as published, when a row names the bloc as partner.
    pub published: Option<Sourced>,
    /// `published` over the total.
    pub published_share: Option<f64>,
}

/// The result of [`analyze`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Balance {
    /// Reporter.
    pub reporter: String,
    /// Year.
    pub year: i32,
    /// Period.
    pub period: Period,
    /// Flow.
    pub flow: FlowKind,
    /// Whose statistics.
    pub side: Side,
    /// The denominator of every share, US dollars.
    pub total: f64,
    /// Where `total` comes from.
    pub total_provenance: Sourced,
    /// Share of the total covered by named partners.
    pub coverage: f64,
    /// `exact` when named partners cover the total, else `lower`: concentration measures
    /// are then lower bounds (see [`Concentration`]).
    pub concentration_bound: &'static str,
    /// Named partners sorted by value, then the rest-of-world remainder if any.
    pub partners: Vec<PartnerShare>,
    /// Measures over the named partners.
    #[serde(flatten)]
    pub measures: Concentration,
    /// The same measures after merging members of the scenario's roll-up blocs.
    pub blocs: Rollup,
    /// Every bloc's share, overlapping allowed.
    pub bloc_totals: Vec<BlocTotal>,
    /// Caveats a reader must see.
    pub notes: Vec<String>,
}

/// Looks up flows by (reporter, partner, kind) for one year and period.
pub(crate) struct Lookup<'a> {
    rows: BTreeMap<(Code, Code, FlowKind), &'a FlowRecord>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(flows: &'a [FlowRecord], year: i32, period: Period) -> Lookup<'a> {
        Self::from_records(
            flows
                .iter()
                .filter(|f| f.year == year && f.period == period),
        )
    }

    /// A lookup over exactly these rows (all of one year and period).
    pub(crate) fn from_records(rows: impl Iterator<Item = &'a FlowRecord>) -> Lookup<'a> {
        let rows = rows.map(|f| ((f.reporter, f.partner, f.flow), f)).collect();
        Lookup { rows }
    }

    /// `reporter`'s statistics of `kind` with `partner`; turnover falls back to
    /// exports + imports when not published as such.
    pub(crate) fn value(&self, reporter: &str, partner: &str, kind: FlowKind) -> Option<Sourced> {
        let (reporter, partner) = (Code::new(reporter)?, Code::new(partner)?);
        let one = |k| self.rows.get(&(reporter, partner, k)).copied();
        if let Some(f) = one(kind) {
            return Some(Sourced {
                value: f.value_usd,
                sources: vec![f.source.clone()],
                estimate: f.estimate,
                basis: if f.estimate { "estimate" } else { "published" },
            });
        }
        if kind == FlowKind::Turnover {
            if let (Some(x), Some(m)) = (one(FlowKind::Exports), one(FlowKind::Imports)) {
                let mut sources = vec![x.source.clone()];
                if m.source != x.source {
                    sources.push(m.source.clone());
                }
                return Some(Sourced {
                    value: x.value_usd + m.value_usd,
                    sources,
                    estimate: x.estimate || m.estimate,
                    basis: "exports_plus_imports",
                });
            }
        }
        None
    }

    /// Like [`Lookup::value`] without provenance (no allocation): value and estimate flag.
    pub(crate) fn amount(
        &self,
        reporter: Code,
        partner: Code,
        kind: FlowKind,
    ) -> Option<(f64, bool)> {
        let one = |k| self.rows.get(&(reporter, partner, k)).copied();
        if let Some(f) = one(kind) {
            return Some((f.value_usd, f.estimate));
        }
        if kind == FlowKind::Turnover {
            if let (Some(x), Some(m)) = (one(FlowKind::Exports), one(FlowKind::Imports)) {
                return Some((x.value_usd + m.value_usd, x.estimate || m.estimate));
            }
        }
        None
    }

    /// Value of `kind` for `reporter` with `partner` seen from `side`.
    pub(crate) fn sided(
        &self,
        side: Side,
        reporter: &str,
        partner: &str,
        kind: FlowKind,
    ) -> Option<Sourced> {
        match side {
            Side::Reporter => self.value(reporter, partner, kind),
            Side::Mirror => self.value(partner, reporter, kind.mirrored()),
        }
    }

    /// Country partners of `reporter` that appear on `side`.
    pub(crate) fn partners(&self, side: Side, reporter: &str) -> BTreeSet<Code> {
        let Some(reporter) = Code::new(reporter) else {
            return BTreeSet::new();
        };
        match side {
            // Keys are ordered by reporter first: a range scan finds its rows.
            Side::Reporter => self
                .rows
                .range((reporter, Code::default(), FlowKind::Exports)..)
                .take_while(|(k, _)| k.0 == reporter)
                .map(|(_, f)| f.partner)
                .filter(|c| iso::is_alpha3(c))
                .collect(),
            Side::Mirror => self
                .rows
                .iter()
                .filter(|(k, _)| k.1 == reporter)
                .map(|(_, f)| f.reporter)
                .filter(|c| iso::is_alpha3(c))
                .collect(),
        }
    }
}

/// Partner shares, concentration, bloc roll-up and bloc totals for one query.
///
/// Shares are computed against the published world total (`WLD` row) when there is one;
/// the difference between that total and the named partners becomes an explicit `ROW`
/// row, and the concentration measures are then lower bounds. Without a published total
/// the shares are of the named partners only, and a note says so.
///
/// # Errors
/// [`BalanceError::NoData`] when no partner has a figure for the query.
///
/// # Example
/// ```
/// use astana_model::FlowKind;
/// use astana_partner_balance::{analyze, Query};
/// let (scenario, _) = astana_scenario::load_embedded().unwrap();
/// let b = analyze(&scenario, &Query::new("KAZ", 2022, FlowKind::Turnover))?;
/// assert_eq!(b.partners[0].id, "RUS");
/// # Ok::<(), astana_partner_balance::BalanceError>(())
/// ```
pub fn analyze(scenario: &Scenario, q: &Query) -> Result<Balance, BalanceError> {
    analyze_with(scenario, &Lookup::new(&scenario.flows, q.year, q.period), q)
}

fn analyze_with(
    scenario: &Scenario,
    look: &Lookup<'_>,
    q: &Query,
) -> Result<Balance, BalanceError> {
    let mut notes = Vec::new();
    let mut partners: Vec<PartnerShare> = look
        .partners(q.side, &q.reporter)
        .into_iter()
        .filter_map(|id| {
            look.sided(q.side, &q.reporter, &id, q.flow)
                .map(|v| PartnerShare {
                    id,
                    value: v.value,
                    share: 0.0,
                    sources: v.sources,
                    estimate: v.estimate,
                    residual: false,
                    members: Vec::new(),
                })
        })
        .collect();
    let published_total = match q.side {
        Side::Reporter => look.value(&q.reporter, WORLD, q.flow),
        Side::Mirror => None,
    };
    // Without partner figures a published total still gives bloc shares (e.g. a quarter
    // for which only the world and EAEU figures are out).
    if partners.is_empty() && published_total.is_none() {
        return Err(no_data(scenario, q));
    }
    if partners.is_empty() {
        notes.push("no country partner has a figure for this period: only the total and bloc figures are known".to_string());
    }
    partners.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.id.cmp(&b.id)));
    let named: f64 = partners.iter().map(|p| p.value).sum();
    let total = match published_total {
        Some(t) if t.value >= named => t,
        Some(t) => {
            notes.push(format!(
                "named partners ({:.1}bn) exceed the published total ({:.1}bn, {}); shares use their sum instead",
                named / 1e9,
                t.value / 1e9,
                t.sources.join(", ")
            ));
            sum_total(&partners, named)
        }
        None => {
            notes.push(match q.side {
                Side::Reporter => format!(
                    "no published {} total for {} in {} {}: shares are of the named partners only and overstate each partner",
                    q.flow, q.reporter, q.year, q.period
                ),
                Side::Mirror => "mirror view: shares are of the sum of partner-reported figures, since no partner reports a world total for the reporter".to_string(),
            });
            sum_total(&partners, named)
        }
    };
    if total.estimate {
        notes.push(format!(
            "the total ({:.1}bn) is an estimate; see the source note of {}",
            total.value / 1e9,
            total.sources.join(", ")
        ));
    }
    for p in &mut partners {
        p.share = if total.value > 0.0 {
            p.value / total.value
        } else {
            0.0
        };
    }
    let coverage = if total.value > 0.0 {
        named / total.value
    } else {
        1.0
    };
    let complete = coverage > 0.999;
    if !complete {
        notes.push(format!(
            "named partners cover {:.1}% of the total; the remaining {:.1}% is not broken down, so HHI, CR3, CR5 and the normalised indices are lower bounds (hhi_upper treats the remainder as one partner)",
            coverage * 100.0,
            (1.0 - coverage) * 100.0
        ));
    }
    let shares: Vec<f64> = partners.iter().map(|p| p.share).collect();
    let n = q.n.unwrap_or(partners.len());
    let measures = Concentration::of_shares(&shares, n);
    if measures.hhi_normalized < 0.0 || measures.unctad < 0.0 {
        notes.push(format!(
            "the normalised HHI and UNCTAD index are below 0 because {n} named partners cover only {:.0}% of the total; with an incomplete partner list set n to the number of economies traded with (UNCTAD counts all economies, e.g. --n 200)",
            coverage * 100.0
        ));
    }

    let bloc_totals = bloc_totals(scenario, look, q, &partners, total.value);
    let blocs = rollup(scenario, &partners, &bloc_totals, &total, q.n);
    if !complete {
        partners.push(PartnerShare {
            id: Code::new(REST_OF_WORLD).unwrap_or_default(),
            value: total.value - named,
            share: 1.0 - coverage,
            sources: total.sources.clone(),
            estimate: total.estimate,
            residual: true,
            members: Vec::new(),
        });
    }
    Ok(Balance {
        reporter: q.reporter.clone(),
        year: q.year,
        period: q.period,
        flow: q.flow,
        side: q.side,
        total: total.value,
        total_provenance: total,
        coverage,
        concentration_bound: if complete { "exact" } else { "lower" },
        partners,
        measures,
        blocs,
        bloc_totals,
        notes,
    })
}

fn sum_total(partners: &[PartnerShare], named: f64) -> Sourced {
    let mut sources: Vec<String> = partners.iter().flat_map(|p| p.sources.clone()).collect();
    sources.sort();
    sources.dedup();
    Sourced {
        value: named,
        sources,
        estimate: partners.iter().any(|p| p.estimate),
        basis: "sum_of_partners",
    }
}

fn no_data(scenario: &Scenario, q: &Query) -> BalanceError {
    let years: BTreeSet<i32> = scenario
        .flows
        .iter()
        .filter(|f| {
            f.period == q.period
                && iso::is_alpha3(&f.partner)
                && match q.side {
                    Side::Reporter => f.reporter == q.reporter,
                    Side::Mirror => f.partner == q.reporter,
                }
                && (f.flow == q.flow
                    || (q.flow == FlowKind::Turnover
                        && matches!(f.flow, FlowKind::Exports | FlowKind::Imports)))
        })
        .map(|f| f.year)
        .collect();
    BalanceError::NoData {
        reporter: q.reporter.clone(),
        year: q.year,
        period: q.period.to_string(),
        flow: q.flow,
        available: if years.is_empty() {
            "none".to_string()
        } else {
            years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
    }
}

/// Merges partners into the scenario's roll-up blocs (first listed bloc wins). A bloc
/// whose published figure exceeds the sum of its named members takes the published figure:
/// it covers members the partner list lacks. What neither covers is the remainder row.
fn rollup(
    scenario: &Scenario,
    partners: &[PartnerShare],
    totals: &[BlocTotal],
    total: &Sourced,
    n: Option<usize>,
) -> Rollup {
    let blocs: Vec<_> = scenario
        .rollup
        .iter()
        .filter_map(|id| scenario.bloc(id))
        .collect();
    let mut groups: Vec<PartnerShare> = Vec::new();
    // Group id → position in `groups`: partners may number in the hundreds.
    let mut at: BTreeMap<Code, usize> = BTreeMap::new();
    for p in partners {
        let bloc = blocs.iter().find(|b| b.contains(&p.id));
        let id = bloc.and_then(|b| Code::new(&b.id)).unwrap_or(p.id);
        match at.get(&id) {
            Some(&i) => {
                let g = &mut groups[i];
                g.value += p.value;
                g.share += p.share;
                g.estimate |= p.estimate;
                g.members.push(p.id);
                for s in &p.sources {
                    if !g.sources.contains(s) {
                        g.sources.push(s.clone());
                    }
                }
            }
            None => {
                at.insert(id, groups.len());
                groups.push(PartnerShare {
                    id,
                    members: if bloc.is_some() {
                        vec![p.id]
                    } else {
                        Vec::new()
                    },
                    ..p.clone()
                });
            }
        }
    }
    for b in &blocs {
        let Some(published) = totals
            .iter()
            .find(|t| t.id == b.id)
            .and_then(|t| t.published.as_ref())
        else {
            continue;
        };
        let Some(id) = Code::new(&b.id) else { continue };
        let i = *at.entry(id).or_insert_with(|| {
            groups.push(PartnerShare {
                id,
                value: 0.0,
                share: 0.0,
                sources: Vec::new(),
                estimate: false,
                residual: false,
                members: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[i];
        if published.value > g.value {
            g.value = published.value;
            g.share = if total.value > 0.0 {
                published.value / total.value
            } else {
                0.0
            };
            g.estimate = published.estimate;
            g.sources = published.sources.clone();
        }
    }
    groups.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.id.cmp(&b.id)));
    let shares: Vec<f64> = groups.iter().map(|g| g.share).collect();
    let measures = Concentration::of_shares(&shares, n.unwrap_or(groups.len()));
    let covered: f64 = groups.iter().map(|g| g.value).sum();
    if total.value - covered > total.value * 0.001 {
        groups.push(PartnerShare {
            id: Code::new(REST_OF_WORLD).unwrap_or_default(),
            value: total.value - covered,
            share: 1.0 - covered / total.value,
            sources: total.sources.clone(),
            estimate: total.estimate,
            residual: true,
            members: Vec::new(),
        });
    }
    Rollup {
        partners: groups,
        measures,
    }
}

fn bloc_totals(
    scenario: &Scenario,
    look: &Lookup<'_>,
    q: &Query,
    partners: &[PartnerShare],
    total: f64,
) -> Vec<BlocTotal> {
    let share = |v: f64| if total > 0.0 { v / total } else { 0.0 };
    scenario
        .blocs
        .iter()
        .filter(|b| b.members.iter().any(|m| m != &q.reporter))
        .map(|b| {
            let with: Vec<&PartnerShare> = partners.iter().filter(|p| b.contains(&p.id)).collect();
            // `fold` from +0.0: `Sum` for f64 starts at -0.0, shown as "-0.0%" for a bloc
            // without members in the data.
            let members_value: f64 = with.iter().map(|p| p.value).fold(0.0, |a, v| a + v);
            let published = match q.side {
                Side::Reporter => look.value(&q.reporter, &b.id, q.flow),
                Side::Mirror => None,
            };
            BlocTotal {
                id: b.id.clone(),
                members_value,
                members_share: share(members_value),
                members_with_data: with.iter().map(|p| p.id).collect(),
                published_share: published.as_ref().map(|p| share(p.value)),
                published,
            }
        })
        .collect()
}
