//! `astana mediate analyze` and `astana mediate run`.

use crate::args::{DomainArgs, ProtocolArg, RunArgs};
use crate::fmt::print_json;
use crate::{Failure, Outcome};
use astana_negotiation::{open, Analysis, Method, Negotiation};
use astana_query::mediate as query;
use query::{discounted, DEFINITIONS};
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

fn params(a: &DomainArgs) -> query::Params {
    query::Params {
        max_work: a.max_work,
        insist: a.insist,
    }
}

/// A progress bar on a terminal (hidden otherwise) for the library's progress hook. Ctrl-C
/// needs no handler: nothing is written before the work ends, so the default signal action
/// (stop at once) is right.
fn with_bar<T>(work: impl FnOnce(Option<&astana_query::Progress<'_>>) -> T) -> T {
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(1000);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {wide_bar} {percent}% ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = |x: f64, phase: &str| {
        bar.set_message(phase.to_string());
        bar.set_position((x * 1000.0) as u64);
    };
    let never = || false;
    let progress = astana_query::Progress {
        report: &report,
        cancelled: &never,
    };
    let r = work(Some(&progress));
    bar.finish_and_clear();
    r
}

fn discounting(neg: &Negotiation) -> bool {
    neg.parties.iter().any(|p| p.discount < 1.0)
}

fn load(a: &DomainArgs) -> Result<Negotiation, Failure> {
    let profiles: Vec<&Path> = a.profile.iter().map(|p| p.as_path()).collect();
    open(&a.domain, &profiles).map_err(Failure::input)
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
    let rational = format!(", {} rational", a.rational_outcomes);
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
    let p = params(a);
    let r = with_bar(|progress| query::analyze(neg, &p, progress))?;
    if a.json {
        return print_json(&r);
    }
    let (neg, an) = (&r.negotiation, &r.analysis);
    header(neg, an);
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
                outcome_text(neg, &s.point.outcome)
            ),
            None => out!("  {label:<20} none: no outcome is rational for every party"),
        }
    }
    for s in &an.max_welfare {
        out!(
            "  {:<20} {}   {}",
            "max welfare",
            utilities_text(&s.point.utilities),
            outcome_text(neg, &s.point.outcome)
        );
    }
    out!(
        "  {:<20} {}",
        "reservation",
        utilities_text(&an.reservation)
    );
    if discounting(neg) {
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

pub(crate) fn run(a: &RunArgs) -> Outcome {
    let neg = load(&a.domain)?;
    let p = query::RunParams {
        max_work: a.domain.max_work,
        insist: a.domain.insist,
        protocol: match a.protocol {
            ProtocolArg::Alternating => "alternating",
            ProtocolArg::SingleText => "single-text",
        }
        .to_string(),
        agents: a.agents.join(","),
        rounds: a.rounds,
        sessions: a.sessions,
        tolerance: a.tolerance,
        seed: a.seed,
        trace: a.trace,
    };
    let r = with_bar(|progress| query::run(neg, &p, progress))?;
    if a.domain.json {
        return print_json(&r);
    }
    match &r {
        query::Run::Alternating(x) => alternating(a, x),
        query::Run::SingleText(x) => mediated(a, x),
    }
    Ok(())
}

fn alternating(a: &RunArgs, r: &query::Alternating) {
    let (neg, s, nash, t) = (&r.negotiation, &r.session, r.nash.as_ref(), r.time);
    let (agents, efficient, to_nash) = (&r.agents, r.pareto_efficient, r.distance_to_nash);
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
}

fn mediated(a: &RunArgs, r: &query::SingleText) {
    let (neg, path, nash, t, rational) = (&r.negotiation, &r.path, &r.nash, r.time, r.rational);
    let Some(last) = path.last() else {
        return;
    };
    let discounted_u = discounted(neg, &last.text.utilities, t);
    out!(
        "{} · mediator's single text, {} parties, deadline {} steps, seed {}",
        neg.name,
        neg.parties.len(),
        a.rounds,
        a.seed
    );
    for s in path {
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
}
