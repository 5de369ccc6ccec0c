//! The mediation section: a multi-party negotiation from the scenario (an illustrative
//! domain such as a transit agreement), its frontier, fair settlements and a mediated single
//! text converging on the Nash point.

use crate::svg::{self, esc, Dots, Series};
use crate::{Notes, Options};
use astana_model::Scenario;
use astana_negotiation::{analyze_with, native, single_text, Analysis, Limits, Negotiation};
use std::fmt::Write;

fn outcome_text(neg: &Negotiation, outcome: &[u32]) -> String {
    neg.issues
        .iter()
        .zip(neg.labels(outcome))
        .map(|(i, l)| format!("{}: {l}", i.name.replace('_', " ")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn utilities(u: &[f64]) -> String {
    u.iter()
        .map(|x| format!(r#"<td class="n">{x:.3}</td>"#))
        .collect()
}

/// Most outcomes the brief draws: each rational outcome is one dot of the scatter, and the
/// single-text runs scan the space at every revision; a bigger domain belongs to
/// `astana mediate analyze`, not to a circulated page.
const BRIEF_OUTCOME_LIMIT: u128 = 20_000;

/// The section's heading: the scenario's, else the domain's name.
fn heading(scenario: &Scenario, domain: &str) -> String {
    if scenario.brief.mediation_heading.is_empty() {
        format!("Mediation: {domain}")
    } else {
        scenario.brief.mediation_heading.clone()
    }
}

/// The section when the domain cannot be drawn: says why instead of vanishing.
fn not_drawn(
    scenario: &Scenario,
    options: &Options,
    path: &str,
    why: &str,
    notes: &mut Notes<'_>,
) -> String {
    format!(
        r#"<section id="mediation"><h2>{}</h2>
<p>Not drawn: {}{}. Run it: <code>astana mediate analyze --domain {}</code>.</p>
</section>"#,
        esc(&heading(scenario, path)),
        esc(why),
        notes.cite_note(
            &format!("model:{path}"),
            &format!("Negotiation domain {path} of the scenario (not drawn).")
        ),
        esc(&crate::scenario_path(options, path))
    )
}

pub(crate) fn section(
    scenario: &Scenario,
    options: &Options,
    notes: &mut Notes<'_>,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    let Some((path, text)) = scenario.negotiations.first() else {
        return String::new();
    };
    let Ok(neg) = native::read(path, text) else {
        return not_drawn(
            scenario,
            options,
            path,
            "the domain file has errors (astana scenario check names them)",
            notes,
        );
    };
    let outcomes = neg.outcome_count();
    if outcomes > BRIEF_OUTCOME_LIMIT {
        return not_drawn(
            scenario,
            options,
            path,
            &format!("{outcomes} outcomes, more than the brief draws ({BRIEF_OUTCOME_LIMIT})"),
            notes,
        );
    }
    let a = match analyze_with(&neg, &Limits::default(), &mut |_| {}) {
        Ok(a) => a,
        Err(e) => return not_drawn(scenario, options, path, &e, notes),
    };
    let Some(nash) = a.nash.as_ref() else {
        return not_drawn(
            scenario,
            options,
            path,
            "no outcome leaves every party at its reservation value or better",
            notes,
        );
    };
    let names: Vec<&str> = neg.parties.iter().map(|p| p.name.as_str()).collect();
    // Mediated runs from several first texts: the first shown step by step.
    let (steps, tolerance) = (50, 0.1);
    let runs: Vec<_> = (1..=5)
        .map(|seed| single_text(&neg, &nash.point, steps, tolerance, seed))
        .collect();
    let reached = runs
        .iter()
        .filter(|r| r.last().is_some_and(|s| s.distance_to_nash < 1e-9))
        .count();
    let model = notes.cite_note(
        &format!("model:{path}"),
        &format!(
            "Negotiation model {path} (an estimate of the parties' interests, not data): {}",
            neg.source
        ),
    );
    let computed = notes.cite_note(
        &format!("computed:{path}"),
        &format!(
            "Computed by astana from {path}: every one of the {} outcomes evaluated; Nash and Kalai–Smorodinsky settlements over the outcomes at least as good as no deal for every party; single-text mediation of at most {steps} revisions, a party accepting a revision unless it costs more than a tolerance of {tolerance} utility shrinking linearly to 0 at the deadline or takes it below no deal; from five first drafts (seeds 1–5).",
            a.outcomes
        ),
    );
    // How the summary names the domain: the scenario's words, else the domain's name.
    let called = if scenario.brief.mediation.is_empty() {
        neg.name.clone()
    } else {
        scenario.brief.mediation.clone()
    };
    lead.push(format!(
        "<b>Mediation.</b> In the illustrative {}{model}, {} of {} possible agreements are Pareto-efficient, and a mediator's single negotiating text reaches the Nash settlement from <b>{reached} of 5</b> first drafts{computed}.",
        esc(&called),
        a.pareto.len(),
        a.outcomes
    ));
    summary.push(format!(
        "Mediation (illustrative: {called}): {} outcomes, {} on the Pareto frontier; the mediator's single text reaches the Nash point from {reached} of 5 first drafts",
        a.outcomes,
        a.pareto.len()
    ));
    let chart = frontier_chart(&neg, &a);
    let series: Vec<Series> = runs
        .iter()
        .zip(["#1f5f99", "#8e44ad", "#16a085", "#d35400", "#7f8c8d"])
        .enumerate()
        .map(|(k, (run, color))| Series {
            name: format!("first draft {}", k + 1),
            color,
            dashed: k > 0,
            points: run
                .iter()
                .map(|s| (f64::from(s.step), s.distance_to_nash))
                .collect(),
        })
        .collect();
    let top = runs
        .iter()
        .flatten()
        .map(|s| s.distance_to_nash)
        .fold(0.0f64, f64::max);
    let convergence = svg::lines_axes(
        &series,
        &[],
        (868.0, 220.0),
        (0.0, top),
        &|y| format!("{y:.2}"),
        "Distance of the mediator's text to the Nash point, by revision",
        ("revision", "distance (utility, 0–1)"),
    );
    let table = settlements_table(&neg, &a);
    let first = &runs[0];
    let path_text: Vec<String> = first
        .iter()
        .skip(1)
        .map(|s| {
            format!(
                "{} ({:.3})",
                s.changed.join(" + ").replace('_', " "),
                s.distance_to_nash
            )
        })
        .collect();
    format!(
        r#"<section id="mediation"><h2>{heading}</h2>
<p><span class="est-tag">illustrative</span> {desc}{model}</p>
<p>{issues} issues give {outcomes} possible agreements; {rational} of them leave every party at least as well off as no deal, and {front} of those are Pareto-efficient (no party can gain without another losing){computed}. The Nash settlement maximises the product of the parties' gains over no deal; Kalai–Smorodinsky gives each party the same share of its best possible gain.</p>
{chart}
<p class="small">Each dot is one agreement, placed by the first two parties' utilities ({p0} across, {p1} up); hover for the terms. With three parties the frontier is a surface: points that look dominated here are better for {p2}.</p>
{table}
<p>A mediator drafting one negotiating text and revising it one or two issues at a time, each revision accepted only if no party loses more than it is willing to concede at that stage, reaches the Nash settlement from {reached} of 5 first drafts{computed}. From the first draft it revised {path}.</p>
{convergence}
<p class="small">Model source: {source}. Run it: <code>astana mediate analyze --domain {file}</code> and <code>astana mediate run --domain {file} --protocol single-text</code>. The same engine reads the GENIUS/ANAC benchmark domains.</p>
</section>"#,
        heading = esc(&heading(scenario, &neg.name)),
        desc = esc(&neg.description),
        issues = neg.issues.len(),
        outcomes = a.outcomes,
        rational = a.rational_outcomes,
        front = a.pareto.len(),
        path = esc(&if path_text.is_empty() {
            "nothing".to_string()
        } else {
            path_text.join(", then ")
        }),
        file = esc(&crate::scenario_path(options, path)),
        source = esc(&neg.source),
        p0 = esc(names[0]),
        p1 = esc(names[1]),
        p2 = esc(names.get(2).copied().unwrap_or("the others")),
    )
}

/// The rational outcomes, the Pareto frontier and the Nash and Kalai–Smorodinsky points,
/// placed by the first two parties' utilities.
pub(crate) fn frontier_chart(neg: &Negotiation, a: &Analysis) -> String {
    let names: Vec<&str> = neg.parties.iter().map(|p| p.name.as_str()).collect();
    let mut rational = Vec::new();
    neg.for_each_outcome(|o, sums| {
        let u: Vec<f64> = sums.iter().map(|x| x.min(1.0)).collect();
        if u.iter().zip(&a.reservation).all(|(x, r)| x >= r) {
            rational.push((u[0], u[1], outcome_text(neg, o)));
        }
    });
    let mark = |s: Option<&astana_negotiation::Settlement>, name: &str, color: &'static str| Dots {
        name: name.to_string(),
        color,
        radius: 6.0,
        points: s
            .map(|s| {
                vec![(
                    s.point.utilities[0],
                    s.point.utilities[1],
                    format!("{name}: {}", outcome_text(neg, &s.point.outcome)),
                )]
            })
            .unwrap_or_default(),
    };
    svg::scatter(
        &[
            Dots {
                name: "rational outcomes".into(),
                color: "#c9d3de",
                radius: 2.5,
                points: rational,
            },
            Dots {
                name: "Pareto frontier".into(),
                color: "#1f5f99",
                radius: 3.5,
                points: a
                    .pareto
                    .iter()
                    .map(|p| {
                        (
                            p.utilities[0],
                            p.utilities[1],
                            outcome_text(neg, &p.outcome),
                        )
                    })
                    .collect(),
            },
            mark(a.nash.as_ref(), "Nash", "#c0392b"),
            mark(a.kalai_smorodinsky.as_ref(), "Kalai–Smorodinsky", "#27ae60"),
        ],
        868.0,
        330.0,
        (
            &format!("{} utility", names[0]),
            &format!("{} utility", names[1]),
        ),
        "Utilities of the rational outcomes",
    )
}

/// The settlements (Nash, Kalai–Smorodinsky, egalitarian, max welfare) and no deal: each
/// party's utility and the terms.
pub(crate) fn settlements_table(neg: &Negotiation, a: &Analysis) -> String {
    let names: Vec<&str> = neg.parties.iter().map(|p| p.name.as_str()).collect();
    let mut table = String::new();
    for (label, s) in [
        ("Nash", a.nash.as_ref()),
        ("Kalai–Smorodinsky", a.kalai_smorodinsky.as_ref()),
        ("Egalitarian", a.egalitarian.as_ref()),
        ("Max welfare", a.max_welfare.first()),
    ] {
        if let Some(s) = s {
            let _ = write!(
                table,
                "<tr><td>{label}</td>{}<td class=\"small\">{}</td></tr>",
                utilities(&s.point.utilities),
                esc(&outcome_text(neg, &s.point.outcome))
            );
        }
    }
    let _ = write!(
        table,
        "<tr><td>Reservation (no deal)</td>{}<td></td></tr>",
        utilities(&a.reservation)
    );
    let head: String = names
        .iter()
        .map(|n| format!(r#"<th class="n">{}</th>"#, esc(n)))
        .collect();
    format!("<table><tr><th>Settlement</th>{head}<th>Terms</th></tr>{table}</table>")
}
