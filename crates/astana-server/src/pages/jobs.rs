//! `/jobs/{id}`: a job's state, progress (live over Server-Sent Events with script, a
//! refresh without), result summary and cancel button; `/jobs`: recent jobs.

use super::{enc, Page};
use crate::problem::Problem;
use crate::AppState;
use astana_brief::charts::esc;
use astana_store::Job;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use std::fmt::Write;

/// The most bytes of a result document shown on the page (the API has all of it).
const SHOWN_JSON: usize = 64 << 10;

async fn load(state: &AppState, id: &str) -> Result<Job, Problem> {
    let store = state.store().clone();
    let key = id.to_string();
    let mut j = state
        .blocking(move || {
            store
                .job(&key)?
                .ok_or_else(|| Problem::not_found(format!("no job `{key}`")))
        })
        .await?;
    // The live state is fresher than the stored one (progress is stored every so often).
    if let Some(rx) = state.inner.jobs.watch(id) {
        let s = rx.borrow().clone();
        if !j.state.is_final() {
            j.state = s.state;
            j.progress = s.progress;
            j.message = s.message;
        }
    }
    Ok(j)
}

pub(crate) async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let mut page = Page::new("jobs", "Job", None);
    let j = match load(&state, &id).await {
        Ok(j) => j,
        Err(p) => {
            page.fail(&p);
            return page.finish(&state).await;
        }
    };
    page = Page::new("jobs", format!("Job: {}", j.kind), j.scenario.as_deref());
    let (head, status) = status_html(&j);
    page.head(&head);
    page.push(&status);
    if let Some(r) = &j.result {
        page.push(&summary(r));
        if j.kind == "forum-schedule" {
            page.push(&super::forum::job_result(&state, &j, r).await);
        }
        let text = serde_json::to_string_pretty(r).unwrap_or_default();
        let cut = if text.len() > SHOWN_JSON {
            let mut end = SHOWN_JSON;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!(
                "{}\n… (cut; the whole document is at /api/jobs/{})",
                &text[..end],
                j.id
            )
        } else {
            text
        };
        page.push(&format!(
            "<details><summary>The result document (JSON)</summary><pre>{}</pre></details>",
            esc(&cut)
        ));
    }
    page.finish(&state).await
}

/// The state of a job: progress bar, and while it runs a refresh for browsers without
/// script (in `<head>`), live progress over Server-Sent Events and a cancel button; its
/// problem when it failed. Returns (head, body).
fn status_html(j: &Job) -> (String, String) {
    let mut head = String::new();
    let mut html = String::new();
    let running = !j.state.is_final();
    let eid = enc(&j.id);
    if running {
        // Without script the page reloads itself while the job runs.
        head.push_str(r#"<noscript><meta http-equiv="refresh" content="2"></noscript>"#);
    }
    html.push_str(&format!(
        r#"<p>State: <b id="job-state">{state}</b> · <span id="job-message">{message}</span></p>
<label for="job-progress">Progress</label> <progress id="job-progress" max="1" value="{p}"{events}>{pc:.0}%</progress>
<p class="small">Job <code>{id}</code>{scenario}, submitted {created}, last change {updated}. JSON: <a href="/api/jobs/{eid}">/api/jobs/{id}</a>.</p>"#,
        state = esc(j.state.as_str()),
        message = esc(&j.message),
        p = j.progress,
        pc = j.progress * 100.0,
        // The dashboard script follows a running job's events (no inline script: the CSP).
        events = if running {
            format!(r#" data-events="/api/jobs/{eid}/events""#)
        } else {
            String::new()
        },
        id = esc(&j.id),
        scenario = j
            .scenario
            .as_deref()
            .map(|s| format!(
                r#" on scenario <a href="/s/{}/balance">{}</a>"#,
                enc(s),
                esc(s)
            ))
            .unwrap_or_default(),
        created = esc(&j.created),
        updated = esc(&j.updated),
    ));
    if running {
        html.push_str(&format!(
            r#"<form method="post" action="/jobs/{eid}/cancel"><button class="danger" type="submit">Cancel the job</button></form>"#
        ));
    }
    if let Some(p) = &j.problem {
        let problem = Problem {
            kind: p["type"].as_str().unwrap_or("/problems/failed").to_string(),
            title: p["title"].as_str().unwrap_or("The job failed").to_string(),
            status: p["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(500),
            detail: p["detail"].as_str().unwrap_or_default().to_string(),
            errors: super::located_from_json(&p["errors"]),
        };
        // The page itself is fine: the job's failure is its content.
        html.push_str(&super::error_box(&problem));
    }
    (head, html)
}

/// The result's top-level numbers and words as a table.
fn summary(r: &Value) -> String {
    let Some(obj) = r.as_object() else {
        return String::new();
    };
    let mut rows = String::new();
    for (k, v) in obj {
        let text = match v {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Array(a) => format!("{} item(s)", a.len()),
            _ => continue,
        };
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&k.replace('_', " ")),
            esc(&text)
        );
    }
    let mut html = String::new();
    if !rows.is_empty() {
        let _ = write!(
            html,
            r#"<h2>Result</h2><div class="wide"><table><tr><th>Field</th><th>Value</th></tr>{rows}</table></div>"#
        );
    }
    // Nested records (e.g. a simulation's transit times per corridor and its station
    // queues): one table each, a row per key.
    for (k, v) in obj {
        if let Some(t) = record_table(k, v) {
            html.push_str(&t);
        }
    }
    html
}

/// `{name: {field: scalar, …}, …}` as a table with a row per name, or `None`.
fn record_table(title: &str, v: &Value) -> Option<String> {
    let records = v.as_object()?;
    let mut fields: Vec<&String> = Vec::new();
    for r in records.values() {
        for (f, x) in r.as_object()? {
            if x.is_object() || x.is_array() {
                return None;
            }
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    if records.is_empty() || fields.is_empty() {
        return None;
    }
    let cell = |x: Option<&Value>| match x {
        Some(Value::Number(n)) if n.is_f64() => {
            n.as_f64().map_or(String::new(), |f| format!("{f:.2}"))
        }
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => esc(s),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    };
    let mut t = format!(
        r#"<h3>{}</h3><div class="wide"><table><tr><th></th>"#,
        esc(&title.replace('_', " "))
    );
    for f in &fields {
        let _ = write!(t, r#"<th class="num">{}</th>"#, esc(&f.replace('_', " ")));
    }
    t.push_str("</tr>");
    for (name, r) in records {
        let _ = write!(t, "<tr><td>{}</td>", esc(name));
        for f in &fields {
            let _ = write!(t, r#"<td class="num">{}</td>"#, cell(r.get(f.as_str())));
        }
        t.push_str("</tr>");
    }
    t.push_str("</table></div>");
    Some(t)
}

/// `POST /jobs/{id}/cancel`: asks the job to stop, then back to its page.
pub(crate) async fn cancel(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match crate::api::jobs::cancel(State(state.clone()), Path(id.clone())).await {
        Ok(_) => Redirect::to(&format!("/jobs/{}", enc(&id))).into_response(),
        Err(p) => {
            let mut page = Page::new("jobs", "Job", None);
            page.fail(&p);
            page.push(&format!(
                r#"<p><a href="/jobs/{}">Back to the job</a></p>"#,
                enc(&id)
            ));
            page.finish(&state).await
        }
    }
}

/// `GET /jobs`: the 50 most recent jobs.
pub(crate) async fn list(State(state): State<AppState>) -> Response {
    let mut page = Page::new("jobs", "Jobs", None);
    let store = state.store().clone();
    match state.blocking(move || Ok(store.list_jobs(50)?)).await {
        Ok(jobs) if jobs.is_empty() => {
            page.push("<p>No jobs yet. Start one from the corridor or forum page.</p>")
        }
        Ok(jobs) => {
            let mut rows = String::new();
            for j in jobs {
                let _ = write!(
                    rows,
                    r#"<tr><td><a href="/jobs/{}">{}</a></td><td>{}</td><td>{}</td><td class="n">{:.0}%</td><td>{}</td></tr>"#,
                    enc(&j.id),
                    esc(&j.kind),
                    esc(j.scenario.as_deref().unwrap_or("—")),
                    esc(j.state.as_str()),
                    j.progress * 100.0,
                    esc(&j.created)
                );
            }
            page.push(&format!(
                r#"<div class="wide"><table><tr><th>Kind</th><th>Scenario</th><th>State</th><th class="n">Progress</th><th>Submitted</th></tr>{rows}</table></div>"#
            ));
        }
        Err(p) => page.fail(&p),
    }
    page.finish(&state).await
}

/// `GET /jobs/{id}/calendar/{person}.ics`: a calendar from a forum job's schedule.
pub(crate) async fn calendar(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let out = async {
        let j = load(&state, &id).await?;
        let r = j
            .result
            .clone()
            .filter(|_| j.kind == "forum-schedule")
            .ok_or_else(|| Problem::not_found(format!("job `{id}` has no forum schedule")))?;
        let (forum, schedule) = super::forum::job_schedule(&state, &j, &r).await?;
        super::forum::ics(&forum, &schedule, &file)
    }
    .await;
    match out {
        Ok(r) => r,
        Err(p) => {
            let mut page = Page::new("jobs", "Calendar", None);
            page.fail(&p);
            let mut r = page.finish(&state).await;
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::NOT_FOUND;
            }
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use astana_store::JobState;

    fn job(state: JobState, progress: f64) -> Job {
        Job {
            id: "0123abcd".into(),
            kind: "corridor-simulate".into(),
            scenario: Some("kazakhstan".into()),
            params: serde_json::json!({}),
            state,
            progress,
            message: "day 120 of 365 <fast>".into(),
            result: None,
            problem: None,
            created: "2026-01-01T00:00:00Z".into(),
            updated: "2026-01-01T00:00:01Z".into(),
        }
    }

    #[test]
    fn a_running_job_refreshes_without_script_and_follows_events_with_it() {
        let (head, body) = status_html(&job(JobState::Running, 0.25));
        assert_eq!(
            head,
            r#"<noscript><meta http-equiv="refresh" content="2"></noscript>"#
        );
        assert!(body.contains(
            r#"<progress id="job-progress" max="1" value="0.25" data-events="/api/jobs/0123abcd/events">25%</progress>"#
        ));
        assert!(
            !body.contains("<script"),
            "no inline script (the CSP forbids it)"
        );
        assert!(body.contains(r#"<form method="post" action="/jobs/0123abcd/cancel">"#));
        assert!(body.contains("day 120 of 365 &lt;fast&gt;"));
    }

    #[test]
    fn nested_records_become_tables() {
        let r = serde_json::json!({
            "days": 30.0,
            "corridors": {"northern": {"shipments": 101, "mean_days": 14.303}},
            "list": [1, 2]
        });
        let html = super::summary(&r);
        assert!(html.contains("<h3>corridors</h3>"), "{html}");
        assert!(
            html.contains(
                "<td>northern</td><td class=\"num\">101</td><td class=\"num\">14.30</td>"
            ),
            "{html}"
        );
    }

    #[test]
    fn a_finished_job_neither_refreshes_nor_offers_cancel_and_shows_its_problem() {
        let mut j = job(JobState::Failed, 0.5);
        j.problem = Some(serde_json::json!({
            "type": "/problems/invalid-input", "title": "Invalid input", "status": 422,
            "detail": "the network is overloaded",
            "errors": [{"file": "links.csv", "line": 4, "field": "capacity_teu_year",
                        "severity": "error", "message": "below the demand"}]
        }));
        let (head, body) = status_html(&j);
        assert!(head.is_empty());
        assert!(!body.contains("EventSource") && !body.contains("/cancel"));
        assert!(
            body.contains("<code>links.csv:4</code> <b>capacity_teu_year</b>: below the demand")
        );
    }
}
