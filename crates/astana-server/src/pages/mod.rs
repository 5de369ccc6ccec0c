//! The dashboard: server-rendered pages under `/` that work without JavaScript.
//!
//! Every view's state is in its query string (a shareable URL); uploads and jobs are POST
//! forms answered with a redirect. A little inline script improves two things (live job
//! progress, a slider's value) and nothing depends on it. Charts are the brief's own
//! ([`astana_brief::charts`]): one chart code for brief and dashboard.
//!
//! Each handler parses its form, calls the engines (off the async threads) and renders; an
//! error is a readable box with every located message and the right status, never a blank
//! page.

pub(crate) mod assets;
mod balance;
mod corridor;
mod forum;
mod jobs;
mod live;
mod mediation;
mod power;
mod scenarios;

use crate::problem::{Located, Problem};
use crate::AppState;
use astana_brief::charts::esc;
use axum::extract::RawQuery;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use std::fmt::Write;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(scenarios::index).post(scenarios::upload))
        .route("/pick", get(pick))
        .route("/s/{id}/delete", post(scenarios::delete))
        .route("/s/{id}/balance", get(balance::page))
        .route("/s/{id}/power", get(power::page).post(power::posted))
        .route("/s/{id}/corridor", get(corridor::page))
        .route("/s/{id}/corridor/simulate", post(corridor::simulate))
        .route(
            "/s/{id}/mediation",
            get(mediation::page).post(mediation::upload),
        )
        .route("/s/{id}/forum", get(forum::page).post(forum::schedule))
        .route("/s/{id}/forum/upload", post(forum::upload))
        .route("/s/{id}/forum/calendar/{file}", get(forum::calendar))
        .route("/jobs", get(jobs::list))
        .route("/jobs/{id}", get(jobs::page))
        .route("/jobs/{id}/cancel", post(jobs::cancel))
        .route("/jobs/{id}/calendar/{file}", get(jobs::calendar))
        .route("/s/{id}", get(scenario_home))
        .route("/mediations/new", get(live::new_page))
        .route("/m/{id}", get(live::page))
        .route("/assets/{name}", get(assets::serve))
        .fallback(not_found)
}

/// `/s/{id}` → its first view.
async fn scenario_home(axum::extract::Path(id): axum::extract::Path<String>) -> Response {
    Redirect::to(&format!("/s/{}/balance", enc(&id))).into_response()
}

/// Any other address: a page saying so, with the navigation (not a blank 404).
async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> Response {
    let mut page = Page::new("none", "Not found", None);
    page.fail(&Problem::not_found(format!(
        "no page at {}; the navigation above lists the views",
        uri.path()
    )));
    page.finish(&state).await
}

/// The views of a scenario, in the order of the navigation bar: (path segment, label).
const VIEWS: &[(&str, &str)] = &[
    ("balance", "Balance"),
    ("power", "Voting power"),
    ("corridor", "Corridor"),
    ("mediation", "Mediation"),
    ("forum", "Forum"),
];

/// A page being built: its title (also its one `<h1>`), the scenario it is about, the
/// navigation item it belongs to, its status and body.
pub(crate) struct Page {
    title: String,
    scenario: Option<String>,
    view: &'static str,
    status: StatusCode,
    head: String,
    body: String,
    /// A page for outsiders (a mediation's party): no navigation to the team's scenarios.
    bare: bool,
    /// The page's own script (a static file; the CSP forbids inline script).
    script: Option<&'static str>,
}

impl Page {
    pub(crate) fn new(
        view: &'static str,
        title: impl Into<String>,
        scenario: Option<&str>,
    ) -> Page {
        Page {
            title: title.into(),
            scenario: scenario.map(str::to_string),
            view,
            status: StatusCode::OK,
            head: String::new(),
            body: String::new(),
            bare: false,
            script: None,
        }
    }

    /// Leaves out the navigation and the scenario picker (a page for outsiders).
    pub(crate) fn bare(&mut self) {
        self.bare = true;
    }

    /// Loads `url` (an [`assets`] URL) as the page's script instead of the dashboard's.
    pub(crate) fn script(&mut self, url: &'static str) {
        self.script = Some(url);
    }

    pub(crate) fn push(&mut self, html: &str) {
        self.body.push_str(html);
    }

    /// Extra elements for `<head>` (a refresh for browsers without script).
    pub(crate) fn head(&mut self, html: &str) {
        self.head.push_str(html);
    }

    /// Shows `p` as an error box; the first error sets the page's status.
    /// The scenario `id`, or `None` with its problem shown on the page.
    pub(crate) async fn scenario(
        &mut self,
        state: &AppState,
        id: &str,
    ) -> Option<std::sync::Arc<astana_model::Scenario>> {
        match state.scenario(id).await {
            Ok(s) => Some(s),
            Err(p) => {
                self.fail(&p);
                None
            }
        }
    }

    pub(crate) fn fail(&mut self, p: &Problem) {
        if self.status.is_success() {
            self.status = p.status_code();
        }
        self.body.push_str(&error_box(p));
    }

    /// The whole document, with the navigation bar and the scenario picker.
    pub(crate) async fn finish(self, state: &AppState) -> Response {
        let store = state.store().clone();
        // The picker is a convenience: a page still renders if the list cannot be read.
        let list = state
            .blocking(move || Ok(store.list_scenarios()?))
            .await
            .unwrap_or_default();
        let current = self
            .scenario
            .clone()
            .unwrap_or_else(|| crate::state::DEFAULT_SCENARIO.to_string());
        let mut nav = String::new();
        let item = |nav: &mut String, href: String, label: &str, on: bool| {
            let _ = write!(
                nav,
                r#"<li><a href="{}"{}>{}</a></li>"#,
                esc(&href),
                if on { r#" aria-current="page""# } else { "" },
                esc(label)
            );
        };
        item(&mut nav, "/".into(), "Scenarios", self.view == "scenarios");
        for (v, label) in VIEWS {
            item(
                &mut nav,
                format!("/s/{}/{v}", enc(&current)),
                label,
                self.view == *v,
            );
        }
        item(&mut nav, "/jobs".into(), "Jobs", self.view == "jobs");
        let mut options = String::new();
        for m in &list {
            let _ = write!(
                options,
                r#"<option value="{}"{}>{} ({})</option>"#,
                esc(&m.id),
                if m.id == current { " selected" } else { "" },
                esc(&m.name),
                esc(&m.id)
            );
        }
        let view = if VIEWS.iter().any(|(v, _)| *v == self.view) {
            self.view
        } else {
            "balance"
        };
        let bar = if self.bare {
            r#"<header class="bar"><span class="home">astana</span></header>"#.to_string()
        } else {
            format!(
                r#"<header class="bar"><nav aria-label="Main"><a class="home" href="/">astana</a><ul>{nav}</ul></nav>
<form class="pick" method="get" action="/pick"><label for="pick-s">Scenario</label> <select id="pick-s" name="s">{options}</select><input type="hidden" name="view" value="{view}"> <button type="submit">Open</button></form></header>"#
            )
        };
        let foot = if self.bare {
            format!("astana {}", env!("CARGO_PKG_VERSION"))
        } else {
            format!(
                r#"astana {} · <a href="/api/openapi.json">JSON API</a> · every view's state is in its address: copy it to share the view."#,
                env!("CARGO_PKG_VERSION")
            )
        };
        // Styles and scripts are static files (versioned URLs): the CSP allows no inline script.
        let html = format!(
            r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · astana</title>{head}
<link rel="stylesheet" href="{css}"><script src="{script}" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
{bar}
<main id="main"><h1>{title}</h1>
{body}
</main>
<footer class="foot">{foot}</footer>
</body></html>
"##,
            title = esc(&self.title),
            head = self.head,
            css = assets::CSS.url(),
            script = self.script.unwrap_or_else(|| assets::DASHBOARD_JS.url()),
            body = self.body,
        );
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    }
}

/// A readable error box: the problem's title and detail and every located message.
pub(crate) fn error_box(p: &Problem) -> String {
    format!(
        r#"<div class="error" role="alert"><h2>{} ({})</h2><p>{}</p>{}</div>"#,
        esc(&p.title),
        p.status,
        esc(&p.detail),
        located_list(&p.errors)
    )
}

/// Located messages as a list, each `file:line:column field: message`.
pub(crate) fn located_list(errors: &[Located]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut items = String::new();
    for e in errors {
        let mut at = e.file.clone();
        if let Some(l) = e.line {
            let _ = write!(at, ":{l}");
            if let Some(c) = e.column {
                let _ = write!(at, ":{c}");
            }
        }
        let _ = write!(
            items,
            r#"<li><span class="sev">{}</span> <code>{}</code>{} {}</li>"#,
            esc(&e.severity),
            esc(&at),
            e.field
                .as_deref()
                .map(|f| format!(" <b>{}</b>:", esc(f)))
                .unwrap_or_else(|| ":".into()),
            esc(&e.message)
        );
    }
    format!("<ul>{items}</ul>")
}

/// A located error about a form field.
pub(crate) fn field_error(field: &str, message: impl Into<String>) -> Located {
    Located {
        file: "form".into(),
        line: None,
        column: None,
        field: Some(field.to_string()),
        severity: "error".into(),
        message: message.into(),
    }
}

/// Located messages read back from a stored JSON document (a job's problem details, an
/// upload's warnings); malformed entries are skipped.
pub(crate) fn located_from_json(v: &serde_json::Value) -> Vec<Located> {
    let text =
        |e: &serde_json::Value, k: &str| e.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let num = |e: &serde_json::Value, k: &str| {
        e.get(k)
            .and_then(serde_json::Value::as_u64)
            .and_then(|x| usize::try_from(x).ok())
    };
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some(Located {
                        file: text(e, "file")?,
                        line: num(e, "line"),
                        column: num(e, "column"),
                        field: text(e, "field"),
                        severity: text(e, "severity").unwrap_or_else(|| "error".into()),
                        message: text(e, "message")?,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Percent-encodes a query value or path segment.
pub(crate) fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A query string from pairs, leaving out empty values.
pub(crate) fn query(pairs: &[(&str, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            q.append_pair(k, v);
        }
    }
    q.finish()
}

/// The fields of a form (a query string or a urlencoded body), checked against the names
/// the page knows; every problem is collected, then reported at once.
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    pub(crate) errors: Vec<Located>,
}

impl Params {
    /// Parses `raw`; unknown names are errors with a "did you mean".
    pub(crate) fn parse(raw: &str, known: &[&str]) -> Params {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut errors = Vec::new();
        for (k, _) in &pairs {
            if !known.contains(&k.as_str()) {
                let hint = astana_model::text::closest(k, known.iter().copied())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                let fields = if known.is_empty() {
                    "this page takes none".to_string()
                } else {
                    known.join(", ")
                };
                errors.push(field_error(
                    k,
                    format!("unknown field{hint}; fields: {fields}"),
                ));
            }
        }
        Params { pairs, errors }
    }

    /// The last value of `name`, trimmed; an empty field counts as absent (forms send them).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every non-empty value of `name`, each split at commas.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub(crate) fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(field_error(name, message));
    }

    /// An integer in `range`, or an error naming the field.
    pub(crate) fn int<T>(&mut self, name: &str, range: std::ops::RangeInclusive<T>) -> Option<T>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        let v = self.get(name)?.to_string();
        match v.parse::<T>() {
            Ok(x) if range.contains(&x) => Some(x),
            _ => {
                self.error(
                    name,
                    format!(
                        "`{v}` is not a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A finite number in `range` (NaN and infinities are errors).
    pub(crate) fn num(&mut self, name: &str, range: std::ops::RangeInclusive<f64>) -> Option<f64> {
        let v = self.get(name)?.to_string();
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && range.contains(&x) => Some(x),
            _ => {
                self.error(
                    name,
                    format!(
                        "`{v}` is not a finite number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A checkbox: present and not `0`/`false`/`off`.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| !matches!(v, "0" | "false" | "off" | "no"))
    }

    /// One of `choices`, or an error with a "did you mean".
    pub(crate) fn choice<'c>(&mut self, name: &str, choices: &[&'c str]) -> Option<&'c str> {
        let v = self.get(name)?.to_string();
        self.pick(name, &v, choices)
    }

    /// `value` (of field `name`) if it is one of `choices` (ignoring case), else an error
    /// with a "did you mean".
    pub(crate) fn pick<'c>(
        &mut self,
        name: &str,
        value: &str,
        choices: &[&'c str],
    ) -> Option<&'c str> {
        if let Some(c) = choices.iter().find(|c| c.eq_ignore_ascii_case(value)) {
            return Some(c);
        }
        let hint = astana_model::text::closest(value, choices.iter().copied())
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        self.error(
            name,
            format!(
                "unknown value `{value}`{hint}; use one of {}",
                choices.join(", ")
            ),
        );
        None
    }

    /// The collected errors as one 400 problem.
    pub(crate) fn problem(&self) -> Option<Problem> {
        if self.errors.is_empty() {
            return None;
        }
        let mut p = Problem::bad_request(format!(
            "{} field{} of the form {} wrong; correct {} and submit again",
            self.errors.len(),
            if self.errors.len() == 1 { "" } else { "s" },
            if self.errors.len() == 1 { "is" } else { "are" },
            if self.errors.len() == 1 { "it" } else { "them" },
        ));
        p.errors = self.errors.clone();
        Some(p)
    }
}

/// `<select>` options, `selected` marked.
pub(crate) fn options(
    items: impl IntoIterator<Item = (String, String)>,
    selected: Option<&str>,
) -> String {
    let mut s = String::new();
    for (value, label) in items {
        let _ = write!(
            s,
            r#"<option value="{}"{}>{}</option>"#,
            esc(&value),
            if Some(value.as_str()) == selected {
                " selected"
            } else {
                ""
            },
            esc(&label)
        );
    }
    s
}

/// A view that may be wider than the screen: it scrolls inside its own box, never the page.
pub(crate) fn wide(html: &str) -> String {
    if html.is_empty() {
        return String::new();
    }
    format!(r#"<div class="wide">{html}</div>"#)
}

/// `/pick?s=ID&view=balance` → the view of that scenario (the picker works without script).
async fn pick(RawQuery(raw): RawQuery) -> Response {
    let p = Params::parse(raw.as_deref().unwrap_or(""), &["s", "view"]);
    let id = p.get("s").unwrap_or(crate::state::DEFAULT_SCENARIO);
    let view = p
        .get("view")
        .and_then(|v| VIEWS.iter().find(|(x, _)| *x == v))
        .map_or("balance", |(v, _)| v);
    Redirect::to(&format!("/s/{}/{view}", enc(id))).into_response()
}

/// Dashboard styles on top of the brief's: navigation, forms, error boxes, visible focus,
/// and layouts that fit 400 px without a horizontal scroll of the page.
const CSS: &str = r#"
main{max-width:1180px;padding:20px 32px 32px}
a{color:#1f4e79}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:9}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.bar{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;justify-content:space-between;background:#1b2430;color:#fff;padding:8px 16px;border:0;margin:0}
.bar a{color:#fff;text-decoration:none}.bar a[aria-current]{text-decoration:underline;text-underline-offset:4px;font-weight:700}
.bar nav{display:flex;flex-wrap:wrap;align-items:center;gap:4px 16px}.bar ul{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;margin:0;padding:0}
.bar .home{font-weight:700;letter-spacing:.04em}
.pick{display:flex;flex-wrap:wrap;gap:6px;align-items:center;font-size:14px}.pick select{max-width:60vw}
h1{font-size:28px;margin:8px 0 12px}
form.controls{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:flex-end;background:#fff;border:1px solid var(--rule);padding:12px;margin:8px 0 16px}
form.controls label,.field{display:flex;flex-direction:column;font-size:13px;font-weight:600;color:var(--ink);gap:3px;max-width:100%}
input,select,textarea,button{font:inherit;font-size:14px;max-width:100%}
input[type=text],input[type=number],input[type=search],select,textarea{border:1px solid #6b7480;border-radius:3px;padding:4px 6px;background:#fff;color:var(--ink)}
textarea{width:100%;min-height:12em;font-family:ui-monospace,monospace}
button{background:#1f4e79;color:#fff;border:0;border-radius:3px;padding:6px 14px;cursor:pointer}
button.danger{background:#a32b1f}
form.controls label.check{flex-direction:row;align-items:center;gap:6px}
.error{background:#fdecea;border:1px solid #a32b1f;border-left:5px solid #a32b1f;padding:8px 14px;margin:12px 0;color:#1b2430}
.error h2{border:0;margin:0 0 4px;padding:0;font-size:18px}.error li{margin:3px 0;word-break:break-word}.error .sev{font-weight:700;color:#8a1f14}
.ok{background:#e8f4ea;border-left:5px solid #2e7d32;padding:8px 14px;margin:12px 0}
.wide{overflow-x:auto;max-width:100%}
.wide table{min-width:32em}
.wide svg.chart{min-width:560px}
sup.fn a{color:#1f4e79}
td.nw{white-space:nowrap}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}
progress{width:100%;height:20px}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid var(--rule);padding:8px;font-size:12.5px;max-height:30em;overflow:auto}
.foot{max-width:1180px;margin:0 auto;padding:10px 32px;font-size:12.5px;color:var(--muted)}
.inline{display:inline}
@media (max-width:700px){main{padding:12px}.bar{padding:8px}h1{font-size:23px}.foot{padding:10px 12px}}
"#;
