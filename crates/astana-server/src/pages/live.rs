//! The live mediation pages (issue 13): `/mediations/new`, the mediator's form, and `/m/{id}`,
//! the one page of a mediation for its mediator and its parties.
//!
//! Both are shells: the script `/assets/mediation.js` does the work against the JSON API
//! (`/api/mediations…`). A party's capability token travels in the address's fragment
//! (`/m/{id}#token=…`), which browsers never send to a server; the script keeps it in
//! `sessionStorage`, removes it from the address bar and sends it as `Authorization: Bearer`.
//! So the server renders the same page for everyone and learns who is calling only from the
//! API calls, and no cookie authorises anything a cross-site form could trigger.

use super::{assets, enc, options, Page, Params};
use crate::AppState;
use astana_brief::charts::esc;
use astana_negotiation::{native, Negotiation};
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use std::fmt::Write;

/// The native TOML of `neg`'s domain without its parties (a live mediation's profiles are
/// private: each party submits its own).
pub(crate) fn domain_toml(neg: &Negotiation) -> String {
    // A JSON string is a TOML basic string, except that TOML wants DEL escaped too.
    let q = |s: &str| {
        serde_json::to_string(s)
            .unwrap_or_default()
            .replace('\u{7f}', "\\u007F")
    };
    let mut t = format!("name = {}\n", q(&neg.name));
    if !neg.description.is_empty() {
        let _ = writeln!(t, "description = {}", q(&neg.description));
    }
    if !neg.source.is_empty() {
        let _ = writeln!(t, "source = {}", q(&neg.source));
    }
    for i in &neg.issues {
        let values: Vec<String> = i.values.iter().map(|v| q(v)).collect();
        let _ = write!(
            t,
            "\n[[issue]]\nname = {}\nvalues = [{}]\n",
            q(&i.name),
            values.join(", ")
        );
    }
    t
}

/// `GET /mediations/new?scenario=ID&domain=PATH`: the form that creates a mediation, filled
/// with a scenario's negotiation domain (its issues; its parties' ids as the party list).
pub(crate) async fn new_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let mut page = Page::new("mediation", "New live mediation", None);
    page.script(assets::MEDIATION_JS.url());
    let mut p = Params::parse(raw.as_deref().unwrap_or(""), &["scenario", "domain"]);
    let scenario = p
        .get("scenario")
        .unwrap_or(crate::state::DEFAULT_SCENARIO)
        .to_string();
    let Some(s) = page.scenario(&state, &scenario).await else {
        return page.finish(&state).await;
    };
    let page_scenario = scenario.clone();
    page = Page::new("mediation", "New live mediation", Some(&page_scenario));
    page.script(assets::MEDIATION_JS.url());
    let paths: Vec<&str> = s.negotiations.iter().map(|(p, _)| p.as_str()).collect();
    let chosen = match p.get("domain") {
        Some(_) => p.choice("domain", &paths).map(str::to_string),
        None => paths.first().map(|x| (*x).to_string()),
    };
    if let Some(problem) = p.problem() {
        page.fail(&problem);
    }
    let (domain, parties) = chosen
        .as_deref()
        .and_then(|path| {
            let (_, text) = s.negotiations.iter().find(|(p, _)| p == path)?;
            let neg = native::read(path, text).ok()?;
            let ids: Vec<String> = neg.parties.iter().map(|p| p.name.clone()).collect();
            Some((domain_toml(&neg), ids.join(", ")))
        })
        .unwrap_or_default();
    let picker = if paths.is_empty() {
        String::new()
    } else {
        format!(
            r#"<form class="controls" method="get" action="/mediations/new">
<input type="hidden" name="scenario" value="{scenario}">
<label>Start from the scenario's domain<select name="domain">{domains}</select></label>
<button type="submit">Fill the form</button></form>"#,
            scenario = esc(&scenario),
            domains = options(
                paths.iter().map(|p| ((*p).to_string(), (*p).to_string())),
                chosen.as_deref()
            ),
        )
    };
    page.push(&format!(
        r#"<p>A live mediation: each party states its preferences privately in its own browser; the system proposes packages computed from all of them; nobody, the mediator included, sees another party's preferences or answers. You receive one invitation link per party: send each to its party only (the link is its key).</p>
{picker}
<form id="create" class="controls create" method="post" action="/api/mediations">
<label class="full">Domain (native TOML: name, description, source and the [[issue]] tables; no [[party]] tables)<textarea name="domain" rows="14" spellcheck="false" required>{domain}</textarea></label>
<label>Parties (2 to 12 ids, separated by commas)<input type="text" name="parties" value="{parties}" size="30" required pattern="\s*[A-Za-z0-9_\-]+(\s*,\s*[A-Za-z0-9_\-]+)+\s*"></label>
<label>Protocol<select name="protocol"><option value="single-text" selected>Single negotiating text</option><option value="blind-bidding">Blind bidding</option></select></label>
<label>Rounds (the deadline)<input type="number" name="rounds" value="20" min="1" max="1000" step="1" required></label>
<label class="check"><input type="checkbox" name="post_settlement" value="1" checked> Post-settlement: after an agreement, offer packages every party prefers</label>
<button type="submit">Create the mediation</button>
</form>
<noscript><p class="error">This form needs JavaScript (it calls the JSON API, <code>POST /api/mediations</code>).</p></noscript>
<div id="create-problem" role="alert"></div>
<section id="invitations" hidden aria-labelledby="inv-h"><h2 id="inv-h" tabindex="-1">Invitations</h2>
<p>These links are shown once. Each is the key of one party: send it to that party only, over a channel you trust. Your own link (the mediator's) lets you follow the rounds and start the mediation.</p>
<div id="invitation-list"></div></section>"#,
        domain = esc(&domain),
        parties = esc(&parties),
    ));
    page.finish(&state).await
}

/// `GET /m/{id}`: the mediation's page; what it shows depends on the token the script sends.
pub(crate) async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let mut page = Page::new("mediation", "Mediation", None);
    page.bare();
    page.script(assets::MEDIATION_JS.url());
    page.push(&format!(
        r#"<div id="mediation" data-id="{id}" data-api="/api/mediations/{eid}">
<p id="m-status" role="status" aria-live="polite">Loading the mediation…</p>
<noscript><p class="error">This page needs JavaScript: it sends your invitation's key to the server in a header, never in the address.</p></noscript>
<div id="m-problem" role="alert"></div>
<div id="m-view"></div>
<div id="m-elicit"></div>
</div>"#,
        id = esc(&id),
        eid = enc(&id),
    ));
    page.finish(&state).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_loses_its_parties_and_keeps_its_issues() {
        let text = r#"name = "Picnic \"<b>\""
description = "two\nlines"
[[issue]]
name = "place"
values = ["park", "beach <script>"]
[[party]]
id = "alice"
reservation = 0.3
weights = { place = 1.0 }
[party.evaluations]
place = [4, 8]
[[party]]
id = "bob"
reservation = 0.2
weights = { place = 1.0 }
[party.evaluations]
place = [8, 4]
"#;
        let neg = native::read("p.toml", text).expect("valid");
        let t = domain_toml(&neg);
        assert!(!t.contains("party"), "{t}");
        // A live mediation's domain has issues only: read as the engine reads it.
        let back = native::read_issues("back.toml", &t).expect("valid TOML");
        assert_eq!(back.name, neg.name);
        assert_eq!(back.issues, neg.issues);
        assert!(back.parties.is_empty());
    }
}
