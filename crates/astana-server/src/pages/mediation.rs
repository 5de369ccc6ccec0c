//! `/s/{id}/mediation?domain=`: a negotiation domain (the scenario's, or one uploaded as
//! native TOML or GENIUS XML files), its frontier plot and the settlements.

use super::{enc, options, wide, Page, Params};
use crate::problem::Problem;
use crate::AppState;
use astana_brief::charts::{self, esc};
use astana_model::Scenario;
use astana_negotiation::{analyze_with, genius, native, DomainErrors, Limits, Negotiation};
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::response::Response;

/// Most outcomes drawn one dot each (as in the brief); larger domains get the settlements
/// table only.
const DRAWN_OUTCOMES: u128 = 20_000;

fn domain_problem(e: &DomainErrors) -> Problem {
    crate::mediations::domain_problem("domain", e)
}

/// The frontier plot and settlements of `neg`.
fn render(neg: &Negotiation) -> Result<String, Problem> {
    let a = analyze_with(neg, &Limits::default(), &mut |_| {}).map_err(Problem::invalid)?;
    let outcomes = neg.outcome_count();
    let plot = if a.nash.is_none() {
        "<p>No outcome leaves every party at its reservation value or better: there is no zone of agreement to draw.</p>".to_string()
    } else if outcomes > DRAWN_OUTCOMES || neg.parties.len() < 2 {
        format!("<p>{outcomes} outcomes: more than this page draws ({DRAWN_OUTCOMES}); the settlements below are exact.</p>")
    } else {
        wide(&charts::frontier_chart(neg, &a))
    };
    Ok(format!(
        r#"<h2>{name}</h2><p>{desc}</p>
<p>{issues} issues, {parties} parties: {outcomes} possible agreements; {rational} leave every party at least as well off as no deal, {front} of them on the Pareto frontier.</p>
{plot}
<h2>Settlements</h2>{table}
<p class="small">Nash maximises the product of the gains over no deal; Kalai–Smorodinsky gives each party the same share of its best possible gain. Source: {source}</p>"#,
        name = esc(&neg.name),
        desc = esc(&neg.description),
        issues = neg.issues.len(),
        parties = neg.parties.len(),
        rational = a.rational_outcomes,
        front = a.pareto.len(),
        table = wide(&charts::settlements_table(neg, &a)),
        source = esc(&neg.source),
    ))
}

fn forms(s: &Scenario, id: &str, domain: Option<&str>) -> String {
    let domains = options(
        s.negotiations.iter().map(|(p, _)| (p.clone(), p.clone())),
        domain,
    );
    format!(
        r#"<form class="controls" method="get" action="/s/{id}/mediation">
<label>The scenario's domains<select name="domain">{domains}</select></label>
<button type="submit">Show</button></form>
<details><summary>Analyse another domain</summary>
<form class="controls" method="post" action="/s/{id}/mediation" enctype="multipart/form-data">
<label>Domain file (native .toml, or a GENIUS domain .xml)<input type="file" name="domain" accept=".toml,.xml" required></label>
<label>GENIUS profiles (.xml, one per party)<input type="file" name="profiles" accept=".xml" multiple></label>
<button type="submit">Analyse</button></form></details>"#,
        id = enc(id),
    )
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut page = Page::new("mediation", "Mediation analysis", Some(&id));
    let Some(s) = page.scenario(&state, &id).await else {
        return page.finish(&state).await;
    };
    let mut p = Params::parse(raw.as_deref().unwrap_or(""), &["domain"]);
    let paths: Vec<&str> = s.negotiations.iter().map(|(p, _)| p.as_str()).collect();
    let chosen = match p.get("domain").map(str::to_string) {
        Some(d) => p.choice("domain", &paths).map(str::to_string).or(Some(d)),
        None => paths.first().map(|x| (*x).to_string()),
    };
    page.push(&forms(&s, &id, chosen.as_deref()));
    if let Some(problem) = p.problem() {
        page.fail(&problem);
        return page.finish(&state).await;
    }
    let Some(path) = chosen else {
        page.push("<p>The scenario has no negotiation domain (files.negotiations in scenario.toml); analyse one of your own above.</p>");
        return page.finish(&state).await;
    };
    let out = state
        .blocking(move || {
            let text = s
                .negotiations
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            let neg = native::read(&path, &text).map_err(|e| domain_problem(&e))?;
            render(&neg)
        })
        .await;
    match out {
        Ok(h) => page.push(&h),
        Err(e) => page.fail(&e),
    }
    page.finish(&state).await
}

/// `POST /s/{id}/mediation` (multipart `domain`, `profiles`): analyses an uploaded domain.
pub(crate) async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let mut page = Page::new(
        "mediation",
        "Mediation analysis: an uploaded domain",
        Some(&id),
    );
    if let Ok(s) = state.scenario(&id).await {
        page.push(&forms(&s, &id, None));
    }
    let out = async {
        let (domain, profiles) = read_form(multipart).await?;
        state
            .blocking(move || {
                let neg = if domain.0.ends_with(".toml") {
                    native::read(&domain.0, &domain.1)
                } else {
                    let refs: Vec<(&str, &str)> = profiles
                        .iter()
                        .map(|(n, t)| (n.as_str(), t.as_str()))
                        .collect();
                    genius::read((&domain.0, &domain.1), &refs)
                }
                .map_err(|e| domain_problem(&e))?;
                render(&neg)
            })
            .await
    }
    .await;
    match out {
        Ok(h) => page.push(&h),
        Err(e) => page.fail(&e),
    }
    page.finish(&state).await
}

type Named = (String, String);

async fn read_form(mut m: Multipart) -> Result<(Named, Vec<Named>), Problem> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        Problem::bad_request(format!("the form could not be read: {e}"))
    };
    let mut domain = None;
    let mut profiles = Vec::new();
    while let Some(field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let file = field.file_name().unwrap_or("upload").to_string();
        let bytes = field.bytes().await.map_err(bad)?;
        if bytes.is_empty() {
            continue;
        }
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
            Problem::invalid(format!(
                "{file}: not UTF-8 text; domains are TOML or XML text"
            ))
        })?;
        match name.as_str() {
            "domain" => domain = Some((file, text)),
            "profiles" => profiles.push((file, text)),
            other => {
                return Err(Problem::bad_request(format!(
                    "unknown form field `{}`; fields: domain, profiles",
                    other.escape_debug()
                )))
            }
        }
    }
    let domain = domain.ok_or_else(|| {
        Problem::bad_request("choose a domain file (.toml, or a GENIUS .xml with its profiles)")
    })?;
    Ok((domain, profiles))
}
