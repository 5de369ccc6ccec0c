//! `astana balance` (one reporter and year, with `--shock` and `--dependence`; `--all`;
//! `--trend`) and `astana balance alignment`.

use crate::QueryError;
use astana_model::{FlowKind, Period, Scenario};
use astana_partner_balance as bal;
use bal::{Balance, BalanceError, Query, Side};
use serde::{Deserialize, Serialize};

/// The largest `n` accepted.
pub const MAX_N: usize = 1_000_000;

/// The flows `flow` accepts (the CLI's spelling).
pub const FLOWS: [&str; 4] = ["exports", "imports", "turnover", "fdi-inflow"];

/// The parameters of `astana balance`, named as its long flags.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct Params {
    /// Reporter country, ISO 3166 alpha-3 (default: the scenario's focal country).
    pub reporter: Option<String>,
    /// Year (default: the scenario's default year).
    pub year: Option<i32>,
    /// Which flow: exports, imports, turnover (default) or fdi-inflow.
    pub flow: Option<String>,
    /// Part of the year: FY (default), Q1..Q4, H1, H2 or a month range such as Jan-Sep.
    pub period: Option<String>,
    /// Use the partners' statistics about the reporter (mirror data) instead of its own.
    pub mirror: bool,
    /// N of the normalised HHI and UNCTAD's index (1 to 1,000,000).
    pub n: Option<usize>,
    /// Cut partners by a fraction: CHN=-0.5,RUS=-1 (bloc ids allowed); each between -1 and 1000.
    pub shock: Option<String>,
    /// Concentration over every year with data instead of one year.
    pub trend: bool,
    /// Every reporter and year in the data, one summary each.
    pub all: bool,
    /// Asymmetric dependence: my share of your trade against your share of mine.
    pub dependence: bool,
}

/// The answer of `astana balance`, in one of its three forms.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Report {
    /// One reporter and year (the default view).
    View(Box<View>),
    /// `--all`: every reporter and year.
    All(All),
    /// `--trend`: one reporter over the years.
    Trend(Trend),
}

/// One reporter and year, with the shock and dependence when asked for.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The engine's result.
    #[serde(flatten)]
    pub balance: Balance,
    /// `--shock`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shock: Option<bal::ShockResult>,
    /// `--dependence`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependence: Option<Vec<bal::Dependence>>,
}

/// `--all`.
#[derive(Debug, Clone, Serialize)]
pub struct All {
    /// Flow.
    pub flow: FlowKind,
    /// Period.
    pub period: Period,
    /// One summary per reporter and year.
    pub results: Vec<bal::Summary>,
}

/// `--trend`.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// Reporter.
    pub reporter: String,
    /// Flow.
    pub flow: FlowKind,
    /// Reporter or mirror statistics.
    pub side: Side,
    /// One point per year.
    pub points: Vec<bal::TrendPoint>,
    /// The partners whose shares each point carries.
    #[serde(skip)]
    pub watch: Vec<String>,
}

/// The flow named by `s` (the CLI's spelling; `fdi_inflow` is also accepted).
fn flow_kind(s: &str) -> Result<FlowKind, QueryError> {
    let s = if s == "fdi_inflow" { "fdi-inflow" } else { s };
    Ok(match crate::choice("flow", s, &FLOWS)? {
        "exports" => FlowKind::Exports,
        "imports" => FlowKind::Imports,
        "fdi-inflow" => FlowKind::FdiInflow,
        _ => FlowKind::Turnover,
    })
}

/// Maps an engine error to the CLI's message and kind.
pub fn engine_error(e: BalanceError) -> QueryError {
    match e {
        BalanceError::NoData { .. } | BalanceError::NoProductValue(_) => {
            QueryError::compute(format!("error: {e}"))
        }
        BalanceError::NTooSmall { .. } => QueryError::input(format!("error: --n: {e}")),
        BalanceError::ShockOutOfRange(..)
        | BalanceError::ShockBelowMinusOne(..)
        | BalanceError::BadShockSpec(_)
        | BalanceError::DuplicateShock(_)
        | BalanceError::UnknownShockTarget(..) => QueryError::input(format!("error: --shock: {e}")),
        _ => QueryError::input(format!("error: {e}")),
    }
}

/// Answers `astana balance` on `scenario` (a scenario, or a bare flows file loaded as one).
///
/// # Errors
/// Bad parameters (input), or no data for the question (compute).
pub fn run(scenario: &Scenario, p: &Params) -> Result<Report, QueryError> {
    let flow = flow_kind(p.flow.as_deref().unwrap_or("turnover"))?;
    let side = if p.mirror {
        Side::Mirror
    } else {
        Side::Reporter
    };
    let period: Period = p
        .period
        .as_deref()
        .unwrap_or("FY")
        .parse()
        .map_err(|e| QueryError::input(format!("error: --period: {e}")))?;
    // N counts economies (about 250 exist); a huge one only hides a typo.
    if let Some(n) = p.n.filter(|n| !(1..=MAX_N).contains(n)) {
        return Err(QueryError::input(format!(
            "error: --n {n}: n counts economies and must be between 1 and {MAX_N} (the normalised indices need at least 2)"
        )));
    }
    if p.all {
        for (set, flag) in [
            (p.shock.is_some(), "shock"),
            (p.trend, "trend"),
            (p.dependence, "dependence"),
            (p.year.is_some(), "year"),
            (p.reporter.is_some(), "reporter"),
        ] {
            if set {
                return Err(QueryError::input(format!(
                    "error: --all cannot be used with --{flag}"
                )));
            }
        }
        let mut q = Query::new("", 0, flow);
        q.period = period;
        q.side = side;
        q.n = p.n;
        return all(scenario, &q).map(Report::All);
    }
    let reporter = match (&p.reporter, scenario.focal.as_str()) {
        (Some(r), _) => r.to_ascii_uppercase(),
        (None, "") => {
            return Err(QueryError::input(
                "error: --reporter is required with --flows (e.g. --reporter KAZ)",
            ))
        }
        (None, f) => f.to_string(),
    };
    if !astana_model::iso::is_alpha3(&reporter) {
        return Err(QueryError::input(format!(
            "error: --reporter `{reporter}` is not an ISO 3166 alpha-3 code"
        )));
    }
    if p.trend {
        return trend(scenario, &reporter, flow, side).map(Report::Trend);
    }
    let year = p.year.unwrap_or(if scenario.default_year != 0 {
        scenario.default_year
    } else {
        scenario.flows.iter().map(|f| f.year).max().unwrap_or(2023)
    });
    let q = Query {
        reporter: reporter.clone(),
        year,
        flow,
        period,
        side,
        n: p.n,
    };
    let balance = bal::analyze(scenario, &q).map_err(engine_error)?;
    let shock = match &p.shock {
        Some(spec) => {
            let changes = bal::parse_shocks(spec).map_err(engine_error)?;
            Some(bal::shock(scenario, &balance, &changes).map_err(engine_error)?)
        }
        None => None,
    };
    let dependence = p
        .dependence
        .then(|| bal::dependence(scenario, &reporter, year, flow));
    Ok(Report::View(Box::new(View {
        balance,
        shock,
        dependence,
    })))
}

fn all(scenario: &Scenario, q: &Query) -> Result<All, QueryError> {
    if q.side == Side::Mirror {
        return Err(QueryError::input(
            "error: --all reads each reporter's own statistics; drop --mirror",
        ));
    }
    let results = bal::summarize_all(scenario, q).map_err(engine_error)?;
    if results.is_empty() {
        return Err(QueryError::compute(format!(
            "error: no {} figures for any reporter",
            q.flow
        )));
    }
    Ok(All {
        flow: q.flow,
        period: q.period,
        results,
    })
}

fn trend(
    scenario: &Scenario,
    reporter: &str,
    flow: FlowKind,
    side: Side,
) -> Result<Trend, QueryError> {
    let watch: Vec<String> = if scenario.vectors.is_empty() {
        vec!["CHN".into(), "RUS".into(), "USA".into()]
    } else {
        scenario.vectors.clone()
    };
    let points = bal::trend(scenario, reporter, flow, side, &watch);
    if points.is_empty() {
        return Err(QueryError::compute(format!(
            "error: no full-year {flow} figures for {reporter}"
        )));
    }
    Ok(Trend {
        reporter: reporter.to_string(),
        flow,
        side,
        points,
        watch,
    })
}

/// The parameters of `astana balance alignment`, named as its long flags.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AlignmentParams {
    /// Focal country, ISO 3166 alpha-3 (default: the scenario's focal country).
    pub country: Option<String>,
    /// Partners, comma-separated ISO3 codes, or `all` for every country in the data
    /// (default CHN,RUS,USA,DEU).
    pub with: String,
    /// First year (default 2007).
    pub from: i32,
    /// Last year (default 2019).
    pub to: i32,
}

impl Default for AlignmentParams {
    fn default() -> Self {
        AlignmentParams {
            country: None,
            with: "CHN,RUS,USA,DEU".into(),
            from: 2007,
            to: 2019,
        }
    }
}

/// Where the votes come from: the roll-call data, or the scenario's `alignment.csv`.
#[derive(Clone, Copy)]
pub enum Votes<'a> {
    /// Roll-call data (layout of the R package `unvotes`) and how to name it in the answer
    /// (e.g. "roll-call data in ../shared/reference/balance/unvotes").
    RollCalls(&'a astana_model::unvotes::UnVotes, &'a str),
    /// The scenario's derived table `alignment.csv`.
    Scenario,
}

/// `astana balance alignment`: the engine's answer and where its votes came from.
#[derive(Debug, Clone, Serialize)]
pub struct AlignmentReport {
    /// The engine's result.
    #[serde(flatten)]
    pub alignment: bal::Alignment,
    /// Where the votes came from.
    pub data: String,
}

/// Checks the parameters into the engine's query (also done by [`alignment`]; the CLI
/// calls it first so that a bad flag is reported before the roll-call data is read).
///
/// # Errors
/// A code that is not ISO 3166 alpha-3, or `from` after `to`.
pub fn alignment_query(
    scenario: &Scenario,
    p: &AlignmentParams,
) -> Result<bal::AlignmentQuery, QueryError> {
    let country = p
        .country
        .clone()
        .unwrap_or_else(|| scenario.focal.clone())
        .to_ascii_uppercase();
    // `with=all` compares with every country in the data (an empty list to the engine).
    let partners: Vec<String> = crate::list(&p.with)
        .iter()
        .map(|p| p.to_ascii_uppercase())
        .filter(|p| p != "ALL")
        .collect();
    for c in std::iter::once(&country).chain(&partners) {
        if !astana_model::iso::is_alpha3(c) {
            return Err(QueryError::input(format!(
                "error: `{c}` is not an ISO 3166 alpha-3 code"
            )));
        }
    }
    if p.from > p.to {
        return Err(QueryError::input("error: --from is after --to"));
    }
    Ok(bal::AlignmentQuery {
        country,
        partners,
        from: p.from,
        to: p.to,
    })
}

/// Answers `astana balance alignment`.
///
/// # Errors
/// Bad parameters (input); no roll call in the period (compute).
pub fn alignment(
    scenario: &Scenario,
    votes: Votes<'_>,
    p: &AlignmentParams,
) -> Result<AlignmentReport, QueryError> {
    let q = alignment_query(scenario, p)?;
    let (result, origin) = match votes {
        Votes::RollCalls(data, origin) => (bal::alignment(data, &q), origin.to_string()),
        Votes::Scenario => (
            bal::alignment_from_rows(&scenario.alignment, &q),
            "the scenario's alignment.csv".to_string(),
        ),
    };
    if result.is_empty() {
        let with = if result.no_data.is_empty() {
            "any partner".to_string()
        } else {
            result.no_data.join(", ")
        };
        let span = match (result.data_from, result.data_to) {
            (Some(f), Some(t)) => format!(
                "; {}'s votes in this data run {f}–{t}, so the data's last year is {t}",
                result.country
            ),
            _ => format!("; {} has no votes in this data at all", result.country),
        };
        return Err(QueryError::compute(format!(
            "error: no data: no roll call on which {} and {with} both voted in {}–{} ({origin}){span}",
            result.country, result.from, result.to
        )));
    }
    Ok(AlignmentReport {
        alignment: result,
        data: origin,
    })
}
