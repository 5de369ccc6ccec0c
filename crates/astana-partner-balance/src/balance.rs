//! Partner shares and concentration for one reporter, year and flow.

use crate::error::BalanceError;
use crate::measures::{Concentration, NBasis, Scope};
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
    /// N (= n) of the normalised HHI and the UNCTAD index. By default the partners with
    /// non-zero trade when they cover the total (or only named partners are described),
    /// and the economies of the ISO 3166 list other than the reporter when a remainder is
    /// not broken down (as UNCTAD counts all economies).
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
    /// `exports_plus_imports`, `exports_only` or `imports_only` (turnover with the other
    /// side unknown: a lower bound), `sum_of_partners`.
    pub basis: &'static str,
    /// For turnover known on one side only: the side without a figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_side: Option<FlowKind>,
}

/// What share of the reporter's total the named partners cover.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Coverage {
    /// Named partners / total, 0..1.
    Known(f64),
    /// No total exists (or it is below the named partners' sum): unknown. Serialised as
    /// the string `"unknown"`.
    Unknown,
}

impl Coverage {
    /// The fraction, when known.
    pub fn known(self) -> Option<f64> {
        match self {
            Coverage::Known(c) => Some(c),
            Coverage::Unknown => None,
        }
    }
}

impl Serialize for Coverage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Coverage::Known(c) => s.serialize_f64(*c),
            Coverage::Unknown => s.serialize_str("unknown"),
        }
    }
}

/// One partner (or bloc, or the rest-of-world remainder) in a result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartnerShare {
    /// ISO3 code, bloc id, or `ROW` for the unallocated remainder.
    pub id: Code,
    /// Value in US dollars.
    pub value: f64,
    /// Fraction of the total (of the named partners' sum when `share_basis` is
    /// `named_partners`).
    pub share: f64,
    /// Source ids.
    pub sources: Vec<String>,
    /// True when the value rests on a team estimate.
    pub estimate: bool,
    /// True for the rest-of-world remainder (total minus named partners).
    pub residual: bool,
    /// Turnover known on one side only: the side without a figure (`value` is then a
    /// lower bound, and the unknown side is part of the remainder).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_side: Option<FlowKind>,
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
    /// The denominator of every share, US dollars: the world total, or the named
    /// partners' sum when there is none (`share_basis`).
    pub total: f64,
    /// Where `total` comes from.
    pub total_provenance: Sourced,
    /// `total` when shares are of the reporter's world total, `named_partners` when no
    /// total exists and shares are of the named partners' sum only.
    pub share_basis: &'static str,
    /// Share of the total covered by named partners; `"unknown"` without a total.
    pub coverage: Coverage,
    /// `exact` when named partners cover the total; `lower` when a remainder is not
    /// broken down (the flat measures are then the least concentrated end and `bounds`
    /// has both ends); `named_partners_only` without a total (the measures describe the
    /// named partners among themselves, not the reporter's trade).
    pub concentration_bound: &'static str,
    /// Years (same period and side) for which this flow has a world total.
    pub years_with_total: Vec<i32>,
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
                missing_side: None,
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
                    missing_side: None,
                });
            }
        }
        None
    }

    /// Like [`Lookup::value`], but a partner's turnover known on one side only is that
    /// side (a lower bound) with the missing side named, instead of no figure: a partner
    /// is never dropped silently. Totals and bloc figures keep the strict lookup.
    pub(crate) fn partner_value(
        &self,
        reporter: &str,
        partner: &str,
        kind: FlowKind,
    ) -> Option<Sourced> {
        if let Some(v) = self.value(reporter, partner, kind) {
            return Some(v);
        }
        if kind != FlowKind::Turnover {
            return None;
        }
        let (r, p) = (Code::new(reporter)?, Code::new(partner)?);
        let (f, missing, basis) = match (
            self.rows.get(&(r, p, FlowKind::Exports)),
            self.rows.get(&(r, p, FlowKind::Imports)),
        ) {
            (Some(x), None) => (x, FlowKind::Imports, "exports_only"),
            (None, Some(m)) => (m, FlowKind::Exports, "imports_only"),
            _ => return None,
        };
        Some(Sourced {
            value: f.value_usd,
            sources: vec![f.source.clone()],
            estimate: f.estimate,
            basis,
            missing_side: Some(missing),
        })
    }

    /// Like [`Lookup::value`] without provenance (no allocation): the value and whether
    /// it is one-sided turnover (only with `one_sided`, as [`Lookup::partner_value`]).
    pub(crate) fn amount(
        &self,
        reporter: Code,
        partner: Code,
        kind: FlowKind,
        one_sided: bool,
    ) -> Option<(f64, bool)> {
        let one = |k| self.rows.get(&(reporter, partner, k)).copied();
        if let Some(f) = one(kind) {
            return Some((f.value_usd, false));
        }
        if kind == FlowKind::Turnover {
            match (one(FlowKind::Exports), one(FlowKind::Imports)) {
                (Some(x), Some(m)) => return Some((x.value_usd + m.value_usd, false)),
                (Some(f), None) | (None, Some(f)) if one_sided => return Some((f.value_usd, true)),
                _ => {}
            }
        }
        None
    }

    /// Value of `kind` for `reporter` with `partner` seen from `side` (one-sided
    /// turnover included, as [`Lookup::partner_value`]).
    pub(crate) fn sided(
        &self,
        side: Side,
        reporter: &str,
        partner: &str,
        kind: FlowKind,
    ) -> Option<Sourced> {
        match side {
            Side::Reporter => self.partner_value(reporter, partner, kind),
            Side::Mirror => self
                .partner_value(partner, reporter, kind.mirrored())
                .map(|mut v| {
                    // The partner's missing exports are the reporter's missing imports.
                    v.missing_side = v.missing_side.map(FlowKind::mirrored);
                    v.basis = match v.basis {
                        "exports_only" => "imports_only",
                        "imports_only" => "exports_only",
                        b => b,
                    };
                    v
                }),
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
/// row, and every concentration measure is then a range over the ways that remainder
/// could be split (see [`Concentration`]). Without a total (or with one below the named
/// partners' sum) the shares are of the named partners only: `coverage` is
/// [`Coverage::Unknown`], `share_basis` is `named_partners`, no band is given, and a
/// note names the years that have a total. A partner whose turnover is known on one side
/// only is kept, with that side as a lower bound and the missing side named.
///
/// # Errors
/// [`BalanceError::NoData`] when no partner has a figure for the query;
/// [`BalanceError::NTooSmall`] when `n` is below the number of partners with trade (or
/// leaves no economy for the remainder); [`BalanceError::NotFinite`] when a figure or the
/// sum of figures is not finite.
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

/// Economies the reporter can trade with: the ISO 3166-1 list less the reporter itself.
pub(crate) fn economies(reporter: &str) -> usize {
    iso::countries().len() - usize::from(iso::country(reporter).is_some())
}

/// How the shares of one result are to be read, and the N of its normalised indices.
pub(crate) struct Frame {
    pub(crate) scope: Scope,
    /// Unallocated remainder as a fraction of the total (0 when complete).
    pub(crate) rest: f64,
    pub(crate) n: usize,
    pub(crate) n_basis: NBasis,
    /// Economies outside the named list that may hold the remainder.
    pub(crate) others: usize,
}

impl Frame {
    /// Chooses and checks N for `k` named partners (`with_trade` of them non-zero,
    /// `open` of them one-sided).
    pub(crate) fn new(
        scope: Scope,
        rest: f64,
        given: Option<usize>,
        reporter: &str,
        k: usize,
        with_trade: usize,
        open: bool,
    ) -> Result<Frame, BalanceError> {
        if given.is_none() && with_trade == 0 && rest <= 0.0 {
            // Nothing has trade: no N, and the normalised indices are not defined.
            return Ok(Frame {
                scope,
                rest,
                n: 0,
                n_basis: NBasis::PartnersWithTrade,
                others: 0,
            });
        }
        let (n, n_basis) = match given {
            Some(n) => (n, NBasis::Given),
            // A matrix may name every economy and still leave a remainder (non-ISO
            // partners): the remainder then needs one more.
            None if rest > 0.0 => (economies(reporter).max(k + 1), NBasis::Economies),
            None => (with_trade, NBasis::PartnersWithTrade),
        };
        // The remainder needs one economy more than the named partners, unless a
        // one-sided partner can hold it.
        let need_rest = if rest > 0.0 && !open { k + 1 } else { 0 };
        let need = with_trade.max(1).max(need_rest);
        if n < need {
            let why = if need == need_rest {
                format!(
                    "{k} partners are named and {:.1}% of the total is not broken down, so at least one more economy holds it",
                    rest * 100.0
                )
            } else {
                format!("{with_trade} partners have non-zero trade")
            };
            return Err(BalanceError::NTooSmall { n, need, why });
        }
        Ok(Frame {
            scope,
            rest,
            n,
            n_basis,
            others: n.saturating_sub(k),
        })
    }

    pub(crate) fn measures(&self, shares: &[f64], open: &[bool]) -> Concentration {
        Concentration::build(
            shares,
            open,
            self.rest,
            self.others,
            self.n,
            self.n_basis,
            self.scope,
        )
    }
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
                    missing_side: v.missing_side,
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
    // `fold` from +0.0: `Sum` for f64 starts at -0.0 ("-0.0%" coverage without partners).
    let named: f64 = partners.iter().map(|p| p.value).fold(0.0, |a, v| a + v);
    // The scenario reader rejects such values; a caller building rows by hand may not.
    if !named.is_finite()
        || published_total
            .as_ref()
            .is_some_and(|t| !t.value.is_finite())
    {
        return Err(BalanceError::NotFinite(format!(
            "the sum of {}'s {} figures for {} {}",
            q.reporter, q.flow, q.year, q.period
        )));
    }
    let years_with_total = years_with_total(scenario, q);
    let years_text = if years_with_total.is_empty() {
        "none".to_string()
    } else {
        join_years(&years_with_total)
    };
    let (total, scope) = match published_total {
        Some(t) if t.value >= named && t.value > 0.0 => (t, Scope::Total),
        // Rounding of published figures: the total is the named partners' sum.
        Some(t) if t.value >= named * 0.999 && named > 0.0 => {
            notes.push(format!(
                "named partners ({:.2}bn) exceed the published total ({:.2}bn, {}) by less than 0.1%, taken as rounding: shares use their sum",
                named / 1e9,
                t.value / 1e9,
                t.sources.join(", ")
            ));
            (sum_total(&partners, named), Scope::Total)
        }
        Some(t) if named > 0.0 => {
            notes.push(format!(
                "named partners ({:.1}bn) exceed the published total ({:.1}bn, {}), so that total cannot be right: shares are of the named partners' sum and coverage is unknown",
                named / 1e9,
                t.value / 1e9,
                t.sources.join(", ")
            ));
            (sum_total(&partners, named), Scope::NamedPartners)
        }
        Some(_) => {
            notes.push("the total and every partner figure are zero: shares are not defined and are shown as 0".to_string());
            (sum_total(&partners, named), Scope::NamedPartners)
        }
        None => {
            notes.push(match q.side {
                Side::Reporter => format!(
                    "no world {} total for {} in {} {}: shares are of the named partners' sum, not of {}'s trade; coverage is unknown, so no figure here describes the concentration of {}'s trade. Years with a world {} total: {}",
                    q.flow, q.reporter, q.year, q.period, q.reporter, q.reporter, q.flow, years_text
                ),
                Side::Mirror => format!(
                    "mirror view: no partner reports a world total for {}, so shares are of the sum of partner-reported figures and coverage is unknown; no figure here describes the concentration of {}'s trade",
                    q.reporter, q.reporter
                ),
            });
            (sum_total(&partners, named), Scope::NamedPartners)
        }
    };
    if total.estimate {
        notes.push(format!(
            "the total ({:.1}bn) is an estimate; see the source note of {}",
            total.value / 1e9,
            total.sources.join(", ")
        ));
    }
    let one_sided: Vec<String> = partners
        .iter()
        .filter_map(|p| p.missing_side.map(|m| format!("{} ({m} unknown)", p.id)))
        .collect();
    if !one_sided.is_empty() {
        notes.push(format!(
            "turnover is known on one side only for {}: each counts the known side, a lower bound; the unknown side is {}",
            one_sided.join(", "),
            if scope == Scope::Total {
                "part of the unallocated remainder, and the bounds allow for it"
            } else {
                "missing from the named partners' sum"
            }
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
    let complete = scope == Scope::NamedPartners || coverage > 0.999;
    let rest = if complete { 0.0 } else { 1.0 - coverage };
    let with_trade = partners.iter().filter(|p| p.value > 0.0).count();
    let open: Vec<bool> = partners.iter().map(|p| p.missing_side.is_some()).collect();
    let frame = Frame::new(
        scope,
        rest,
        q.n,
        &q.reporter,
        partners.len(),
        with_trade,
        open.iter().any(|o| *o),
    )?;
    if !complete {
        notes.push(format!(
            "named partners cover {:.1}% of the total; the remaining {:.1}% is not broken down, so every concentration figure is a range: from the remainder spread evenly over the other {} economies (N = {}) to the remainder as one partner",
            coverage * 100.0,
            rest * 100.0,
            frame.others,
            frame.n
        ));
    }
    let shares: Vec<f64> = partners.iter().map(|p| p.share).collect();
    let measures = frame.measures(&shares, &open);

    let bloc_totals = bloc_totals(scenario, look, q, &partners, total.value);
    let blocs = rollup(scenario, &partners, &bloc_totals, &total, &frame);
    if !complete {
        partners.push(PartnerShare {
            id: Code::new(REST_OF_WORLD).unwrap_or_default(),
            value: total.value - named,
            share: rest,
            sources: total.sources.clone(),
            estimate: total.estimate,
            residual: true,
            members: Vec::new(),
            missing_side: None,
        });
    }
    let named_only = scope == Scope::NamedPartners;
    Ok(Balance {
        reporter: q.reporter.clone(),
        year: q.year,
        period: q.period,
        flow: q.flow,
        side: q.side,
        total: total.value,
        total_provenance: total,
        share_basis: if named_only {
            "named_partners"
        } else {
            "total"
        },
        coverage: if named_only {
            Coverage::Unknown
        } else {
            Coverage::Known(coverage)
        },
        concentration_bound: if named_only {
            "named_partners_only"
        } else if complete {
            "exact"
        } else {
            "lower"
        },
        years_with_total,
        partners,
        measures,
        blocs,
        bloc_totals,
        notes,
    })
}

fn join_years(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Years in which `q`'s reporter has a world total for `q`'s flow and period (reporter
/// side only: no partner reports a total for the reporter).
fn years_with_total(scenario: &Scenario, q: &Query) -> Vec<i32> {
    if q.side == Side::Mirror {
        return Vec::new();
    }
    // year → which flows have a world row; one pass, since a matrix may be large.
    let mut kinds: BTreeMap<i32, BTreeSet<FlowKind>> = BTreeMap::new();
    for f in scenario
        .flows
        .iter()
        .filter(|f| f.period == q.period && f.reporter == q.reporter && f.partner == WORLD)
    {
        kinds.entry(f.year).or_default().insert(f.flow);
    }
    kinds
        .into_iter()
        .filter(|(_, k)| {
            k.contains(&q.flow)
                || (q.flow == FlowKind::Turnover
                    && k.contains(&FlowKind::Exports)
                    && k.contains(&FlowKind::Imports))
        })
        .map(|(y, _)| y)
        .collect()
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
        missing_side: None,
    }
}

fn no_data(scenario: &Scenario, q: &Query) -> BalanceError {
    let years: BTreeSet<i32> = scenario
        .flows
        .iter()
        .filter(|f| {
            // Exactly the rows `analyze` reads: the partner's side is mirrored.
            let (me, them, flow) = match q.side {
                Side::Reporter => (&f.reporter, &f.partner, q.flow),
                Side::Mirror => (&f.partner, &f.reporter, q.flow.mirrored()),
            };
            f.period == q.period
                && *me == q.reporter
                && iso::is_alpha3(them)
                && (f.flow == flow
                    || (flow == FlowKind::Turnover
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
    frame: &Frame,
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
                g.missing_side = g.missing_side.or(p.missing_side);
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
                missing_side: None,
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
            // The published bloc figure covers its members' both sides.
            g.missing_side = None;
        }
    }
    groups.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.id.cmp(&b.id)));
    let shares: Vec<f64> = groups.iter().map(|g| g.share).collect();
    let open: Vec<bool> = groups.iter().map(|g| g.missing_side.is_some()).collect();
    let covered: f64 = groups.iter().map(|g| g.value).sum();
    // Published bloc figures cover part of the remainder: what is left is smaller, spread
    // over the same economies outside the named list (merging only raises concentration,
    // so the partner-level lower bound's spread stays valid).
    let rest = if frame.rest > 0.0 && total.value > 0.0 {
        (1.0 - covered / total.value).max(0.0)
    } else {
        0.0
    };
    let measures = Concentration::build(
        &shares,
        &open,
        rest,
        frame.others,
        frame.n,
        frame.n_basis,
        frame.scope,
    );
    if frame.rest > 0.0 && total.value - covered > total.value * 0.001 {
        groups.push(PartnerShare {
            id: Code::new(REST_OF_WORLD).unwrap_or_default(),
            value: total.value - covered,
            share: 1.0 - covered / total.value,
            sources: total.sources.clone(),
            estimate: total.estimate,
            residual: true,
            members: Vec::new(),
            missing_side: None,
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
