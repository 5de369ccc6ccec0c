//! `astana mediate analyze` and `astana mediate run`.

use crate::args::{DomainArgs, ProtocolArg, RunArgs};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_negotiation::{
    alternating_offers, analyze_with, open, single_text, single_text_cost, Analysis, Limits,
    Method, Negotiation, Point, Progress, Settlement, Strategy,
};
use serde_json::{json, Map, Value};
use std::io::IsTerminal;
use std::path::Path;

/// `--tolerance`: a utility in 0..=1.
pub(crate) fn parse_tolerance(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a utility between 0 and 1")),
    }
}

/// `--max-work`: a positive, finite number of tests.
pub(crate) fn parse_max_work(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!(
            "{s:?} is not a positive, finite number of tests (e.g. 5e10); use --insist for no limit"
        )),
    }
}

fn limits(a: &DomainArgs) -> Limits {
    if a.insist {
        Limits {
            max_frontier_work: f64::INFINITY,
            max_scan: u128::MAX,
        }
    } else {
        Limits {
            max_frontier_work: a.max_work,
            ..Limits::default()
        }
    }
}

/// The analysis within the flags' limits, with a progress bar on a terminal. Ctrl-C needs
/// no handler: nothing is written before the analysis ends, so the default signal action
/// (stop at once) is right.
fn analyse(neg: &Negotiation, a: &DomainArgs) -> Result<Analysis, Failure> {
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut update = |p: Progress| {
        bar.set_message(p.phase);
        bar.set_length(p.total);
        bar.set_position(p.done);
    };
    let result = analyze_with(neg, &limits(a), &mut update);
    bar.finish_and_clear();
    result.map_err(|e| {
        Failure::compute(format!(
            "error: {e}. Raise the limits with --max-work, or pass --insist to run it anyway (progress is shown on a terminal; Ctrl-C stops)"
        ))
    })
}

/// "frontier" or "scan", and why the frontier was skipped.
fn method_json(an: &Analysis) -> (Value, Value) {
    match &an.method {
        Method::Frontier => (json!("frontier"), Value::Null),
        Method::Scan { reason } => (json!("scan"), json!(reason)),
    }
}

/// Discounted utilities at normalised time t (GENIUS: u · δ^t).
fn discounted(neg: &Negotiation, u: &[f64], t: f64) -> Vec<f64> {
    u.iter()
        .zip(&neg.parties)
        .map(|(x, p)| x * p.discount.powf(t))
        .collect()
}

fn discounting(neg: &Negotiation) -> bool {
    neg.parties.iter().any(|p| p.discount < 1.0)
}

/// How the settlements are defined (printed with the text output, carried in JSON).
const DEFINITIONS: &str = "Nash maximises the product of gains over the reservation values; Kalai–Smorodinsky maximises the smallest gain as a fraction of the party's ideal gain (ideal over all outcomes); egalitarian maximises the smallest gain; values within a relative 1e-12 are ties, which go to higher welfare, then to the first outcome in row-major order (last issue fastest). Only rational outcomes (every party at or above its reservation value) are considered. Utilities are undiscounted.";

fn load(a: &DomainArgs) -> Result<Negotiation, Failure> {
    let profiles: Vec<&Path> = a.profile.iter().map(|p| p.as_path()).collect();
    open(&a.domain, &profiles).map_err(Failure::input)
}

/// An outcome as `{issue: value}`.
fn outcome_json(neg: &Negotiation, outcome: &[u32]) -> Value {
    let mut m = Map::new();
    for (issue, label) in neg.issues.iter().zip(neg.labels(outcome)) {
        m.insert(issue.name.clone(), Value::String(label.to_string()));
    }
    Value::Object(m)
}

fn point_json(neg: &Negotiation, p: &Point) -> Value {
    json!({"outcome": outcome_json(neg, &p.outcome), "utilities": p.utilities})
}

fn settlement_json(neg: &Negotiation, s: Option<&Settlement>, criterion: &str) -> Value {
    s.map_or(Value::Null, |s| {
        let mut v = point_json(neg, &s.point);
        v[criterion] = json!(s.value);
        v["ties"] = json!(s.ties);
        v
    })
}

fn outcome_text(neg: &Negotiation, outcome: &[u32]) -> String {
    neg.issues
        .iter()
        .zip(neg.labels(outcome))
        .map(|(i, l)| format!("{}={l}", i.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn utilities_text(u: &[f64]) -> String {
    u.iter()
        .map(|x| format!("{x:>10.6}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn header(neg: &Negotiation, a: &Analysis) {
    let names: Vec<&str> = neg.parties.iter().map(|p| p.name.as_str()).collect();
    let rational = a
        .rational_outcomes
        .map_or(String::new(), |r| format!(", {r} rational"));
    out!(
        "{} · {} parties ({}) · {} outcomes{rational}",
        neg.name,
        names.len(),
        names.join(", "),
        a.outcomes
    );
    if !neg.description.is_empty() {
        out!("{}", neg.description);
    }
}

pub(crate) fn analyze(a: &DomainArgs) -> Outcome {
    let neg = load(a)?;
    let an = analyse(&neg, a)?;
    let (method, method_reason) = method_json(&an);
    if a.json {
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
            .map(|s| settlement_json(&neg, Some(s), "welfare"))
            .collect();
        return print_json(&json!({
            "domain": neg.name,
            "issues": neg.issues.iter().map(|i| json!({"name": i.name, "values": i.values})).collect::<Vec<_>>(),
            "parties": parties,
            "outcomes": u64::try_from(an.outcomes).map_or(json!(an.outcomes as f64), |n| json!(n)),
            "rational_outcomes": an.rational_outcomes,
            "method": method,
            "method_reason": method_reason,
            "pareto": an.pareto.iter().map(|p| p.utilities.clone()).collect::<Vec<_>>(),
            "pareto_outcomes": an.pareto.iter().map(|p| outcome_json(&neg, &p.outcome)).collect::<Vec<_>>(),
            "nash": settlement_json(&neg, an.nash.as_ref(), "product_of_gains"),
            "kalai_smorodinsky": settlement_json(&neg, an.kalai_smorodinsky.as_ref(), "smallest_normalised_gain"),
            "egalitarian": settlement_json(&neg, an.egalitarian.as_ref(), "smallest_gain"),
            "max_welfare": welfare.first().cloned().unwrap_or(Value::Null),
            "max_welfare_all": welfare,
            "definitions": DEFINITIONS,
        }));
    }
    header(&neg, &an);
    match &an.method {
        Method::Frontier => out!(
            "Pareto frontier of the rational outcomes: {} points",
            an.pareto.len()
        ),
        Method::Scan { reason } => out!(
            "Pareto frontier not computed: {reason}. The settlements below were found by scanning every outcome (exact); --max-work or --insist builds the frontier."
        ),
    }
    let names: Vec<String> = neg
        .parties
        .iter()
        .map(|p| format!("{:>10}", truncate(&p.name, 10)))
        .collect();
    out!("  {:<20} {}   outcome", "settlement", names.join(" "));
    let rows = [
        ("Nash", an.nash.as_ref()),
        ("Kalai–Smorodinsky", an.kalai_smorodinsky.as_ref()),
        ("egalitarian", an.egalitarian.as_ref()),
    ];
    for (label, s) in rows {
        match s {
            Some(s) => out!(
                "  {label:<20} {}   {}",
                utilities_text(&s.point.utilities),
                outcome_text(&neg, &s.point.outcome)
            ),
            None => out!("  {label:<20} none: no outcome is rational for every party"),
        }
    }
    for s in &an.max_welfare {
        out!(
            "  {:<20} {}   {}",
            "max welfare",
            utilities_text(&s.point.utilities),
            outcome_text(&neg, &s.point.outcome)
        );
    }
    out!(
        "  {:<20} {}",
        "reservation",
        utilities_text(&an.reservation)
    );
    if discounting(&neg) {
        let d: Vec<f64> = neg.parties.iter().map(|p| p.discount).collect();
        out!(
            "  {:<20} {}   (applied to `mediate run` agreements: u·δ^t)",
            "discount factor",
            utilities_text(&d)
        );
    }
    out!("{DEFINITIONS}");
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

pub(crate) fn run(a: &RunArgs) -> Outcome {
    let neg = load(&a.domain)?;
    let an = analyse(&neg, &a.domain)?;
    let nash = an.nash.as_ref().map(|s| s.point.clone());
    match a.protocol {
        ProtocolArg::Alternating => alternating(a, &neg, &an, nash.as_ref()),
        ProtocolArg::SingleText => {
            let Some(nash) = nash else {
                return Err(Failure::compute(
                    "error: no outcome is rational for every party, so there is no Nash point to mediate towards",
                ));
            };
            mediated(a, &neg, &nash)
        }
    }
}

fn alternating(a: &RunArgs, neg: &Negotiation, an: &Analysis, nash: Option<&Point>) -> Outcome {
    let n = neg.parties.len();
    let strategies: Vec<Strategy> = if a.agents.is_empty() {
        vec![Strategy::TimeBased(4.0); n]
    } else {
        a.agents
            .iter()
            .map(|s| s.parse::<Strategy>())
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::input(format!("error: {e}")))?
    };
    // Each session builds every party's ladder of outcomes again (one session is bounded
    // by the agents' own memory limit).
    let work = f64::from(a.sessions - 1) * neg.outcome_count() as f64 * n as f64;
    if work > a.domain.max_work && !a.domain.insist {
        return Err(Failure::compute(format!(
            "error: {} repeated sessions × {} outcomes × {n} parties = {work:.1e} utility evaluations, more than --max-work {:.1e}; use fewer --sessions, raise --max-work or pass --insist",
            a.sessions - 1,
            neg.outcome_count(),
            a.domain.max_work
        )));
    }
    let mut session = None;
    for _ in 0..a.sessions.max(1) {
        session = Some(
            alternating_offers(neg, &strategies, a.rounds)
                .map_err(|e| Failure::input(format!("error: {e}")))?,
        );
    }
    let Some(s) = session else {
        return Ok(());
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
    let discounted_u = s
        .agreement
        .as_ref()
        .map(|p| discounted(neg, &p.utilities, t));
    let to_nash = match (&s.agreement, nash) {
        (Some(p), Some(q)) => Some(distance(&p.utilities, &q.utilities)),
        _ => None,
    };
    if a.domain.json {
        let trace: Vec<Value> = if a.trace {
            s.trace
                .iter()
                .map(|o| json!({"round": o.round, "proposer": o.proposer, "offer": outcome_json(neg, &o.outcome), "utilities": neg.utilities(&o.outcome)}))
                .collect()
        } else {
            Vec::new()
        };
        return print_json(&json!({
            "protocol": "alternating-offers",
            "domain": neg.name,
            "agents": agents,
            "rounds": a.rounds,
            "sessions": a.sessions.max(1),
            "agreement": s.agreement.as_ref().map(|p| outcome_json(neg, &p.outcome)),
            "utilities": s.agreement.as_ref().map(|p| p.utilities.clone()),
            "time": s.agreement.as_ref().map(|_| t),
            "discount_factors": neg.parties.iter().map(|p| p.discount).collect::<Vec<_>>(),
            "discounted_utilities": discounted_u,
            "round": s.round,
            "offers": s.offers,
            "pareto_efficient": efficient,
            "distance_to_nash": to_nash,
            "nash": nash.map(|p| point_json(neg, p)),
            "trace": trace,
        }));
    }
    out!(
        "{} · alternating offers, {} rounds · agents {}",
        neg.name,
        a.rounds,
        agents.join(" vs ")
    );
    if a.trace {
        for o in &s.trace {
            out!(
                "  round {:>3}  party {}  {}   {}",
                o.round,
                o.proposer,
                utilities_text(&neg.utilities(&o.outcome)),
                outcome_text(neg, &o.outcome)
            );
        }
    }
    match &s.agreement {
        Some(p) => {
            out!(
                "agreement in round {} after {} offers: {}",
                s.round,
                s.offers,
                outcome_text(neg, &p.outcome)
            );
            out!("  utilities   {}", utilities_text(&p.utilities));
            if discounting(neg) {
                out!(
                    "  discounted  {}   (u·δ^t at t = {t:.4}; the agents concede on time, not on δ)",
                    utilities_text(&discounted(neg, &p.utilities, t))
                );
            }
            if let Some(q) = nash {
                out!("  Nash        {}", utilities_text(&q.utilities));
            }
            out!(
                "  Pareto-efficient: {} · distance to Nash {}",
                match efficient {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "not checked (frontier not computed)",
                },
                to_nash.map_or("n/a".into(), |d| format!("{d:.6}"))
            );
        }
        None => out!(
            "no agreement within {} rounds ({} offers)",
            a.rounds,
            s.offers
        ),
    }
    Ok(())
}

fn mediated(a: &RunArgs, neg: &Negotiation, nash: &Point) -> Outcome {
    let cost = single_text_cost(neg, a.rounds);
    if cost > a.domain.max_work && !a.domain.insist {
        return Err(Failure::compute(format!(
            "error: the single text may evaluate up to {cost:.1e} utility terms ({} steps × every revision of one or two issues), more than --max-work {:.1e}; lower --rounds, raise --max-work or pass --insist",
            a.rounds, a.domain.max_work
        )));
    }
    let path = single_text(neg, nash, a.rounds, a.tolerance, a.seed);
    let Some(last) = path.last() else {
        return Ok(());
    };
    let t = f64::from(last.step) / f64::from(a.rounds);
    let discounted_u = discounted(neg, &last.text.utilities, t);
    let rational = last
        .text
        .utilities
        .iter()
        .zip(&neg.parties)
        .all(|(u, p)| *u >= p.reservation);
    if a.domain.json {
        let steps: Vec<Value> = path
            .iter()
            .map(|s| json!({"step": s.step, "text": outcome_json(neg, &s.text.outcome), "utilities": s.text.utilities, "distance_to_nash": s.distance_to_nash, "changed": s.changed}))
            .collect();
        return print_json(&json!({
            "protocol": "single-text",
            "domain": neg.name,
            "seed": a.seed,
            "tolerance": a.tolerance,
            "deadline": a.rounds,
            "agreement": rational.then(|| outcome_json(neg, &last.text.outcome)),
            "utilities": last.text.utilities,
            "time": t,
            "discount_factors": neg.parties.iter().map(|p| p.discount).collect::<Vec<_>>(),
            "discounted_utilities": discounted_u,
            "distance_to_nash": last.distance_to_nash,
            "nash": point_json(neg, nash),
            "steps": steps,
        }));
    }
    out!(
        "{} · mediator's single text, {} parties, deadline {} steps, seed {}",
        neg.name,
        neg.parties.len(),
        a.rounds,
        a.seed
    );
    for s in &path {
        if a.trace || s.step == 0 || s.step == last.step {
            out!(
                "  step {:>3}  {}  distance to Nash {:.6}  {}",
                s.step,
                utilities_text(&s.text.utilities),
                s.distance_to_nash,
                if s.changed.is_empty() {
                    "first text".to_string()
                } else {
                    format!("revised {}", s.changed.join(" + "))
                }
            );
        }
    }
    out!(
        "final text after {} revisions{}: {}",
        last.step,
        if rational {
            ""
        } else {
            " (below some party's reservation value: no agreement)"
        },
        outcome_text(neg, &last.text.outcome)
    );
    if discounting(neg) {
        out!(
            "  discounted  {}   (u·δ^t at t = {t:.4} = step {} of {})",
            utilities_text(&discounted_u),
            last.step,
            a.rounds
        );
    }
    out!("  Nash        {}", utilities_text(&nash.utilities));
    Ok(())
}
