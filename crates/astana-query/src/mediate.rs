//! `astana mediate analyze` and `astana mediate run`. Domains come in as text
//! ([`read_files`]) or already read ([`Negotiation`]).

use crate::{Located, Progress, QueryError};
use astana_negotiation::{
    alternating_offers, analyze_with, single_text, single_text_cost, Analysis, Count, DomainErrors,
    Limits, Method, Negotiation, Point, Session, Settlement, Strategy, TextStep,
};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Map, Value};

/// What `protocol` accepts.
pub const PROTOCOLS: [&str; 2] = ["alternating", "single-text"];

/// How the settlements are defined (printed with the text output, carried in JSON).
pub const DEFINITIONS: &str = "Nash maximises the product of gains over the reservation values; Kalai–Smorodinsky maximises the smallest gain as a fraction of the party's ideal gain (ideal over all outcomes); egalitarian maximises the smallest gain; values within a relative 1e-12 are ties, which go to higher welfare, then to the first outcome in row-major order (last issue fastest). Only rational outcomes (every party at or above its reservation value) are considered. Utilities are undiscounted.";

/// The parameters of `astana mediate analyze`, named as its long flags.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct Params {
    /// Work limit: most dominance tests the Pareto frontier may take (default 5e10);
    /// beyond it the settlements are found by scanning every outcome.
    pub max_work: f64,
    /// Lift every work limit.
    pub insist: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            max_work: 5e10,
            insist: false,
        }
    }
}

/// The located errors of a domain or profile file.
pub fn domain_error(e: &DomainErrors) -> QueryError {
    QueryError::input(e).located(e.0.iter().map(Located::from).collect())
}

/// Reads a negotiation from in-memory files `(name, text)`: one native TOML domain
/// (a name ending `.toml`), or a GENIUS domain XML first and one profile XML per party
/// after it, in party order.
///
/// # Errors
/// Every problem in every file, located.
pub fn read_files(files: &[(String, String)]) -> Result<Negotiation, QueryError> {
    let Some(((name, text), profiles)) = files.split_first() else {
        return Err(QueryError::input("error: no domain file given"));
    };
    if name.to_ascii_lowercase().ends_with(".toml") {
        if !profiles.is_empty() {
            return Err(QueryError::input(format!(
                "error: {name}: a TOML domain holds its parties; give profiles only with a GENIUS domain XML"
            )));
        }
        return astana_negotiation::native::read(name, text).map_err(|e| domain_error(&e));
    }
    let refs: Vec<(&str, &str)> = profiles
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    astana_negotiation::genius::read((name, text), &refs).map_err(|e| domain_error(&e))
}

fn limits(p: &Params) -> Result<Limits, QueryError> {
    if p.insist {
        return Ok(Limits {
            max_frontier_work: f64::INFINITY,
            max_scan: u128::MAX,
            max_count_work: f64::INFINITY,
        });
    }
    if !(p.max_work.is_finite() && p.max_work > 0.0) {
        return Err(QueryError::input(format!(
            "error: --max-work {}: not a positive, finite number of tests (e.g. 5e10); use --insist for no limit",
            p.max_work
        )));
    }
    Ok(Limits {
        max_frontier_work: p.max_work,
        ..Limits::default()
    })
}

/// The analysis within the limits; the engine's phases reported as fractions.
fn analyse(
    neg: &Negotiation,
    p: &Params,
    progress: Option<&Progress<'_>>,
) -> Result<Analysis, QueryError> {
    let limits = limits(p)?;
    Progress::check(progress)?;
    let mut update = |x: astana_negotiation::Progress| {
        Progress::tell(progress, x.done as f64 / x.total.max(1) as f64, x.phase);
    };
    let result = analyze_with(neg, &limits, &mut update).map_err(|e| {
        QueryError::compute(format!(
            "error: {e}. Raise the limits with --max-work, or pass --insist to run it anyway (progress is shown on a terminal; Ctrl-C stops)"
        ))
    });
    Progress::check(progress)?;
    result
}

/// An outcome as `{issue: value}`.
pub fn outcome_json(neg: &Negotiation, outcome: &[u32]) -> Value {
    let mut m = Map::new();
    for (issue, label) in neg.issues.iter().zip(neg.labels(outcome)) {
        m.insert(issue.name.clone(), Value::String(label.to_string()));
    }
    Value::Object(m)
}

fn point_json(neg: &Negotiation, p: &Point) -> Value {
    json!({"outcome": outcome_json(neg, &p.outcome), "utilities": p.utilities})
}

/// An exact count is a number; a count stopped by its work limit is its bounds and why.
fn count_json(c: &Count) -> Value {
    match c {
        Count::Exact(n) => json!(n),
        Count::Bounds {
            at_least,
            at_most,
            reason,
        } => json!({"at_least": at_least, "at_most": at_most, "bound": reason}),
    }
}

fn settlement_json(neg: &Negotiation, s: Option<&Settlement>, criterion: &str) -> Value {
    s.map_or(Value::Null, |s| {
        let mut v = point_json(neg, &s.point);
        v[criterion] = json!(s.value);
        v["ties"] = count_json(&s.ties);
        v
    })
}

/// Discounted utilities at normalised time t (GENIUS: u · δ^t).
pub fn discounted(neg: &Negotiation, u: &[f64], t: f64) -> Vec<f64> {
    u.iter()
        .zip(&neg.parties)
        .map(|(x, p)| x * p.discount.powf(t))
        .collect()
}

/// The answer of `astana mediate analyze`.
#[derive(Debug, Clone)]
pub struct Analyze {
    /// The negotiation.
    pub negotiation: Negotiation,
    /// The engine's analysis.
    pub analysis: Analysis,
}

impl Serialize for Analyze {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (neg, an) = (&self.negotiation, &self.analysis);
        let (method, method_reason) = match &an.method {
            Method::Frontier => (json!("frontier"), Value::Null),
            Method::Scan { reason } => (json!("scan"), json!(reason)),
        };
        let parties: Vec<Value> = neg
            .parties
            .iter()
            .zip(&an.ideal)
            .zip(&an.worst)
            .map(|((p, best), worst)| {
                json!({"name": p.name, "reservation": p.reservation, "discount": p.discount,
                       "best": best, "worst": worst})
            })
            .collect();
        let welfare: Vec<Value> = an
            .max_welfare
            .iter()
            .map(|s| settlement_json(neg, Some(s), "welfare"))
            .collect();
        json!({
            "domain": neg.name,
            "issues": neg.issues.iter().map(|i| json!({"name": i.name, "values": i.values})).collect::<Vec<_>>(),
            "parties": parties,
            "outcomes": u64::try_from(an.outcomes).map_or(json!(an.outcomes as f64), |n| json!(n)),
            "rational_outcomes": count_json(&an.rational_outcomes),
            "method": method,
            "method_reason": method_reason,
            "pareto": an.pareto.iter().map(|p| p.utilities.clone()).collect::<Vec<_>>(),
            "pareto_outcomes": an.pareto.iter().map(|p| outcome_json(neg, &p.outcome)).collect::<Vec<_>>(),
            "nash": settlement_json(neg, an.nash.as_ref(), "product_of_gains"),
            "kalai_smorodinsky": settlement_json(neg, an.kalai_smorodinsky.as_ref(), "smallest_normalised_gain"),
            "egalitarian": settlement_json(neg, an.egalitarian.as_ref(), "smallest_gain"),
            "max_welfare": welfare.first().cloned().unwrap_or(Value::Null),
            "max_welfare_all": welfare,
            "definitions": DEFINITIONS,
        })
        .serialize(s)
    }
}

/// Answers `astana mediate analyze` on a negotiation already read.
///
/// # Errors
/// Over the work limits (compute); bad parameters (input); cancelled.
pub fn analyze(
    neg: Negotiation,
    p: &Params,
    progress: Option<&Progress<'_>>,
) -> Result<Analyze, QueryError> {
    let analysis = analyse(&neg, p, progress)?;
    Ok(Analyze {
        negotiation: neg,
        analysis,
    })
}

/// Answers `astana mediate analyze` on in-memory files (see [`read_files`]).
///
/// # Errors
/// As [`read_files`] and [`analyze`].
pub fn analyze_files(
    files: &[(String, String)],
    p: &Params,
    progress: Option<&Progress<'_>>,
) -> Result<Analyze, QueryError> {
    analyze(read_files(files)?, p, progress)
}

/// The parameters of `astana mediate run`, named as its long flags.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RunParams {
    /// Work limit (default 5e10): the analysis, the single text's revisions and repeated
    /// sessions.
    pub max_work: f64,
    /// Lift every work limit.
    pub insist: bool,
    /// alternating (default) or single-text.
    pub protocol: String,
    /// One agent per party, comma-separated: boulware, linear, conceder, hardliner,
    /// tit-for-tat, or time:E (default: boulware for every party).
    pub agents: String,
    /// Deadline: rounds of offers, or the mediator's revision steps, 1 to 1000000 (default 100).
    pub rounds: u32,
    /// Run the session this many times and report the last, 1 to 10000 (default 1).
    pub sessions: u32,
    /// Single text: utility a party gives up on one revision at the start, 0 to 1 (default 0.1).
    pub tolerance: f64,
    /// Seed for the mediator's first text (default 1).
    pub seed: u64,
    /// Every offer or step in the answer.
    pub trace: bool,
}

impl Default for RunParams {
    fn default() -> Self {
        RunParams {
            max_work: 5e10,
            insist: false,
            protocol: "alternating".into(),
            agents: String::new(),
            rounds: 100,
            sessions: 1,
            tolerance: 0.1,
            seed: 1,
            trace: false,
        }
    }
}

/// The answer of `astana mediate run`.
#[derive(Debug, Clone)]
pub enum Run {
    /// Stacked alternating offers.
    Alternating(Alternating),
    /// The mediator's single text.
    SingleText(SingleText),
}

impl Serialize for Run {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Run::Alternating(a) => a.document().serialize(s),
            Run::SingleText(t) => t.document().serialize(s),
        }
    }
}

/// A session of alternating offers.
#[derive(Debug, Clone)]
pub struct Alternating {
    /// The negotiation.
    pub negotiation: Negotiation,
    /// The agents' names, in party order.
    pub agents: Vec<String>,
    /// Rounds.
    pub rounds: u32,
    /// Sessions run.
    pub sessions: u32,
    /// Whether the answer carries the trace.
    pub trace: bool,
    /// The last session.
    pub session: Session,
    /// The Nash point, if any.
    pub nash: Option<Point>,
    /// Whether the agreement is Pareto-efficient (`None` without the frontier).
    pub pareto_efficient: Option<bool>,
    /// The agents' normalised time at the agreement.
    pub time: f64,
    /// Distance of the agreement to the Nash point.
    pub distance_to_nash: Option<f64>,
}

impl Alternating {
    fn document(&self) -> Value {
        let neg = &self.negotiation;
        let s = &self.session;
        let t = self.time;
        let trace: Vec<Value> = if self.trace {
            s.trace
                .iter()
                .map(|o| json!({"round": o.round, "proposer": o.proposer, "offer": outcome_json(neg, &o.outcome), "utilities": neg.utilities(&o.outcome)}))
                .collect()
        } else {
            Vec::new()
        };
        json!({
            "protocol": "alternating-offers",
            "domain": neg.name,
            "agents": self.agents,
            "rounds": self.rounds,
            "sessions": self.sessions,
            "agreement": s.agreement.as_ref().map(|p| outcome_json(neg, &p.outcome)),
            "utilities": s.agreement.as_ref().map(|p| p.utilities.clone()),
            "time": s.agreement.as_ref().map(|_| t),
            "discount_factors": neg.parties.iter().map(|p| p.discount).collect::<Vec<_>>(),
            "discounted_utilities": s.agreement.as_ref().map(|p| discounted(neg, &p.utilities, t)),
            "round": s.round,
            "offers": s.offers,
            "pareto_efficient": self.pareto_efficient,
            "distance_to_nash": self.distance_to_nash,
            "nash": self.nash.as_ref().map(|p| point_json(neg, p)),
            "trace": trace,
        })
    }
}

/// The mediator's single negotiating text.
#[derive(Debug, Clone)]
pub struct SingleText {
    /// The negotiation.
    pub negotiation: Negotiation,
    /// Seed.
    pub seed: u64,
    /// Tolerance.
    pub tolerance: f64,
    /// Deadline (steps).
    pub deadline: u32,
    /// The texts, first to last (never empty).
    pub path: Vec<TextStep>,
    /// The Nash point mediated towards.
    pub nash: Point,
    /// Normalised time of the last text.
    pub time: f64,
    /// Whether the last text is rational for every party (an agreement).
    pub rational: bool,
}

impl SingleText {
    /// The last text.
    pub fn last(&self) -> Option<&TextStep> {
        self.path.last()
    }

    fn document(&self) -> Value {
        let neg = &self.negotiation;
        let Some(last) = self.path.last() else {
            return Value::Null;
        };
        let steps: Vec<Value> = self
            .path
            .iter()
            .map(|s| json!({"step": s.step, "text": outcome_json(neg, &s.text.outcome), "utilities": s.text.utilities, "distance_to_nash": s.distance_to_nash, "changed": s.changed}))
            .collect();
        json!({
            "protocol": "single-text",
            "domain": neg.name,
            "seed": self.seed,
            "tolerance": self.tolerance,
            "deadline": self.deadline,
            "agreement": self.rational.then(|| outcome_json(neg, &last.text.outcome)),
            "utilities": last.text.utilities,
            "time": self.time,
            "discount_factors": neg.parties.iter().map(|p| p.discount).collect::<Vec<_>>(),
            "discounted_utilities": discounted(neg, &last.text.utilities, self.time),
            "distance_to_nash": last.distance_to_nash,
            "nash": point_json(neg, &self.nash),
            "steps": steps,
        })
    }
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Answers `astana mediate run` on a negotiation already read.
///
/// # Errors
/// Bad parameters (input); over the work limits or no Nash point (compute); cancelled.
pub fn run(
    neg: Negotiation,
    p: &RunParams,
    progress: Option<&Progress<'_>>,
) -> Result<Run, QueryError> {
    let protocol = crate::choice("protocol", &p.protocol, &PROTOCOLS)?;
    if !(1..=1_000_000).contains(&p.rounds) {
        return Err(QueryError::input(format!(
            "error: --rounds {}: must be from 1 to 1000000",
            p.rounds
        )));
    }
    if !(1..=10_000).contains(&p.sessions) {
        return Err(QueryError::input(format!(
            "error: --sessions {}: must be from 1 to 10000",
            p.sessions
        )));
    }
    if !(p.tolerance.is_finite() && (0.0..=1.0).contains(&p.tolerance)) {
        return Err(QueryError::input(format!(
            "error: --tolerance {}: not a utility between 0 and 1",
            p.tolerance
        )));
    }
    let ap = Params {
        max_work: p.max_work,
        insist: p.insist,
    };
    let an = analyse(&neg, &ap, progress)?;
    let nash = an.nash.as_ref().map(|s| s.point.clone());
    let r = if protocol == "single-text" {
        let Some(nash) = nash else {
            return Err(QueryError::compute(
                "error: no outcome is rational for every party, so there is no Nash point to mediate towards",
            ));
        };
        mediated(p, neg, nash)?
    } else {
        alternating(p, neg, &an, nash)?
    };
    Progress::check(progress)?;
    Progress::tell(progress, 1.0, "done");
    Ok(r)
}

/// As [`run`], on in-memory files (see [`read_files`]).
///
/// # Errors
/// As [`read_files`] and [`run`].
pub fn run_files(
    files: &[(String, String)],
    p: &RunParams,
    progress: Option<&Progress<'_>>,
) -> Result<Run, QueryError> {
    run(read_files(files)?, p, progress)
}

fn alternating(
    a: &RunParams,
    neg: Negotiation,
    an: &Analysis,
    nash: Option<Point>,
) -> Result<Run, QueryError> {
    let n = neg.parties.len();
    let names = crate::list(&a.agents);
    let strategies: Vec<Strategy> = if names.is_empty() {
        vec![Strategy::TimeBased(4.0); n]
    } else {
        names
            .iter()
            .map(|s| s.parse::<Strategy>())
            .collect::<Result<_, _>>()
            .map_err(|e| QueryError::input(format!("error: {e}")))?
    };
    // Each session builds every party's ladder of outcomes again (one session is bounded
    // by the agents' own memory limit).
    let work = f64::from(a.sessions - 1) * neg.outcome_count() as f64 * n as f64;
    if work > a.max_work && !a.insist {
        return Err(QueryError::compute(format!(
            "error: {} repeated sessions × {} outcomes × {n} parties = {work:.1e} utility evaluations, more than --max-work {:.1e}; use fewer --sessions, raise --max-work or pass --insist",
            a.sessions - 1,
            neg.outcome_count(),
            a.max_work
        )));
    }
    let mut session = None;
    for _ in 0..a.sessions.max(1) {
        session = Some(
            alternating_offers(&neg, &strategies, a.rounds)
                .map_err(|e| QueryError::input(format!("error: {e}")))?,
        );
    }
    let Some(s) = session else {
        return Err(QueryError::compute("error: no session was run"));
    };
    let agents: Vec<String> = strategies.iter().map(|s| s.name()).collect();
    // Only the frontier can tell; without it (scan method) efficiency is unknown.
    let efficient = s.agreement.as_ref().and_then(|p| {
        (an.method == Method::Frontier).then(|| {
            !an.pareto.iter().any(|q| {
                q.utilities.iter().zip(&p.utilities).all(|(x, y)| x >= y)
                    && q.utilities.iter().zip(&p.utilities).any(|(x, y)| x > y)
            })
        })
    });
    // The agents' normalised time at the agreement, as they use it.
    let t = (f64::from(s.round) + 1.0) / (f64::from(a.rounds) + 1.0);
    let to_nash = match (&s.agreement, &nash) {
        (Some(p), Some(q)) => Some(distance(&p.utilities, &q.utilities)),
        _ => None,
    };
    Ok(Run::Alternating(Alternating {
        negotiation: neg,
        agents,
        rounds: a.rounds,
        sessions: a.sessions.max(1),
        trace: a.trace,
        session: s,
        nash,
        pareto_efficient: efficient,
        time: t,
        distance_to_nash: to_nash,
    }))
}

fn mediated(a: &RunParams, neg: Negotiation, nash: Point) -> Result<Run, QueryError> {
    let cost = single_text_cost(&neg, a.rounds);
    if cost > a.max_work && !a.insist {
        return Err(QueryError::compute(format!(
            "error: the single text may evaluate up to {cost:.1e} utility terms ({} steps × every revision of one or two issues), more than --max-work {:.1e}; lower --rounds, raise --max-work or pass --insist",
            a.rounds, a.max_work
        )));
    }
    let path = single_text(&neg, &nash, a.rounds, a.tolerance, a.seed);
    let Some(last) = path.last() else {
        return Err(QueryError::compute("error: the mediator wrote no text"));
    };
    let time = f64::from(last.step) / f64::from(a.rounds);
    let rational = last
        .text
        .utilities
        .iter()
        .zip(&neg.parties)
        .all(|(u, p)| *u >= p.reservation);
    Ok(Run::SingleText(SingleText {
        negotiation: neg,
        seed: a.seed,
        tolerance: a.tolerance,
        deadline: a.rounds,
        path,
        nash,
        time,
        rational,
    }))
}
