//! `/s/{id}/forum`: the scenario's forum scheduled (room grid, requests met by priority,
//! a calendar per person), scheduling as a job, and an uploaded forum folder as a job.

use super::{enc, wide, Page, Params};
use crate::problem::{located, Problem};
use crate::AppState;
use astana_brief::charts::{self, esc};
use astana_forum_scheduler::check::ScheduleFile;
use astana_forum_scheduler::{model, output, solve, Forum, Schedule, Settings};
use astana_store::Job;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};
use std::fmt::Write;
use std::sync::Arc;

/// The budget of the schedule shown on the page: the brief's (1 s of local search, seed 1).
const PAGE_SETTINGS: Settings = Settings {
    seconds: 1.0,
    work: astana_forum_scheduler::solve::DEFAULT_WORK,
    seed: 1,
};

/// The forum of files (path → text), with every located error.
fn read(files: &[(String, String)]) -> Result<Forum, Problem> {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    model::read(&refs).map_err(|d| {
        let mut p = Problem::invalid(format!("the forum is invalid: {}", d.summary()));
        p.errors = d.0.iter().map(located).collect();
        p
    })
}

/// The scenario's forum and its schedule, solved once and then kept with the answers (so
/// the page and the calendars agree).
async fn scenario_schedule(state: &AppState, id: &str) -> Result<(Forum, Schedule), Problem> {
    let s = state.scenario(id).await?;
    if s.forum.is_empty() {
        return Err(Problem::not_found(format!(
            "scenario `{id}` has no forum (files.forum in scenario.toml); upload a forum folder below"
        )));
    }
    let forum = read(&s.forum)?;
    let key = "dashboard/forum-schedule";
    let bytes = match state.cached(id, key) {
        Some(b) => b,
        None => {
            let f = forum.clone();
            let b: Arc<[u8]> = state
                .blocking(move || {
                    let sol = solve(&f, &PAGE_SETTINGS, &mut |_| {});
                    serde_json::to_vec(&output::to_json(&f, &sol))
                        .map(Into::into)
                        .map_err(|e| Problem::internal(e.to_string()))
                })
                .await?;
            state.remember(id, key, b.clone());
            b
        }
    };
    let file: ScheduleFile =
        serde_json::from_slice(&bytes).map_err(|e| Problem::internal(e.to_string()))?;
    let schedule = output::from_file(&forum, &file);
    Ok((forum, schedule))
}

/// The views of a schedule: requests met by priority, the room grid, calendar links.
fn views(f: &Forum, s: &Schedule, calendar_base: &str) -> String {
    let met = s.requests.iter().filter(|x| x.is_some()).count();
    let panels = s.panels.iter().filter(|x| x.is_some()).count();
    let mut people = String::new();
    for p in &f.participants {
        let _ = write!(
            people,
            r#"<li><a href="{calendar_base}/{}.ics" download>{}</a> <span class="small">{}</span></li>"#,
            enc(&p.id),
            esc(&p.name),
            esc(&p.delegation)
        );
    }
    format!(
        r#"<p><b>{met} of {}</b> meeting requests and {panels} of {} panels scheduled.</p>
<h2>Requests met by priority</h2>{}
<h2>Rooms by slot</h2><p class="small">Meetings light, panels dark; hover a cell for who meets.</p>{}
<h2>Calendars</h2><p class="small">One .ics file per person, as <code>astana forum schedule --out</code> writes them.</p><ul class="people">{people}</ul>"#,
        f.requests.len(),
        f.panels.len(),
        wide(&charts::priority_chart(f, s)),
        wide(&charts::room_grid(f, s)),
    )
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut page = Page::new("forum", "Forum", Some(&id));
    let p = Params::parse(raw.as_deref().unwrap_or(""), &[]);
    if let Some(problem) = p.problem() {
        page.fail(&problem);
        return page.finish(&state).await;
    }
    let eid = enc(&id);
    match scenario_schedule(&state, &id).await {
        Ok((f, s)) => {
            page.push(&format!(
                r#"<p>{}: {} participants, {} bilateral requests, {} panels, {} rooms, {} of {} slots. Below: a schedule from one second of search (as in the brief); schedule it as a job for a longer search.</p>"#,
                esc(&f.name),
                f.participants.len(),
                f.requests.len(),
                f.panels.len(),
                f.rooms.len(),
                astana_forum_scheduler::days_text(f.days.len()),
                f.slots.len()
            ));
            page.push(&format!(
                r#"<form class="controls" method="post" action="/s/{eid}/forum">
<label>Seconds of search<input type="number" name="seconds" min="1" max="600" step="1" value="10"></label>
<label>Seed<input type="number" name="seed" min="0" step="1" value="1"></label>
<button type="submit">Schedule as a job</button></form>"#
            ));
            page.push(&views(&f, &s, &format!("/s/{eid}/forum/calendar")));
        }
        Err(p) => page.fail(&p),
    }
    page.push(&format!(
        r#"<h2>Another forum</h2>
<form class="controls" method="post" action="/s/{eid}/forum/upload" enctype="multipart/form-data">
<label>Forum folder (.zip or .tar.gz with forum.toml, participants.csv, requests.csv, rooms.csv, panels.csv)<input type="file" name="file" accept=".zip,.tar.gz,.tgz" required></label>
<button type="submit">Check and schedule as a job</button></form>"#
    ));
    page.finish(&state).await
}

/// `POST /s/{id}/forum` (`seconds`, `seed`): the scenario's forum scheduled as a job.
pub(crate) async fn schedule(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let mut p = Params::parse(&body, &["seconds", "seed"]);
    let seconds = p.num("seconds", 0.0..=86_400.0);
    let seed = p.int::<u64>("seed", 0..=u64::MAX);
    let out = match p.problem() {
        Some(problem) => Err(problem),
        None => {
            let mut params = json!({});
            if let Some(s) = seconds {
                params["seconds"] = json!(s);
            }
            if let Some(s) = seed {
                params["seed"] = json!(s);
            }
            crate::api::jobs::submit_job(&state, "forum-schedule".into(), Some(id.clone()), params)
                .await
        }
    };
    submitted(&state, "forum", &id, out).await
}

/// Where a submitted job goes: its page, or the error on the page it came from.
pub(crate) async fn submitted(
    state: &AppState,
    view: &'static str,
    id: &str,
    out: Result<Job, Problem>,
) -> Response {
    match out {
        Ok(j) => Redirect::to(&format!("/jobs/{}", enc(&j.id))).into_response(),
        Err(p) => {
            let mut page = Page::new(view, "The job was not started", Some(id));
            page.fail(&p);
            page.push(&format!(
                r#"<p><a href="/s/{}/{view}">Back</a></p>"#,
                enc(id)
            ));
            page.finish(state).await
        }
    }
}

/// `POST /s/{id}/forum/upload` (multipart `file`): a forum folder, checked, then scheduled
/// as a job (its files go with the job's parameters).
pub(crate) async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let out = async {
        let (bytes, _) = super::scenarios::read_upload(multipart).await?;
        let files = state
            .blocking(move || {
                let files = crate::archive::unpack(&bytes)?;
                let mut text = Vec::new();
                for (path, b) in files {
                    let t = String::from_utf8(b).map_err(|_| {
                        Problem::invalid(format!(
                            "{path}: not UTF-8 text; forum files are UTF-8 CSV and TOML"
                        ))
                    })?;
                    text.push((path, t));
                }
                read(&text)?;
                Ok(text)
            })
            .await?;
        let map: serde_json::Map<String, Value> = files
            .into_iter()
            .map(|(p, t)| (p, Value::String(t)))
            .collect();
        crate::api::jobs::submit_job(
            &state,
            "forum-schedule".into(),
            None,
            json!({ "files": map }),
        )
        .await
    }
    .await;
    submitted(&state, "forum", &id, out).await
}

/// `GET /s/{id}/forum/calendar/{person}.ics`.
pub(crate) async fn calendar(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let out = match scenario_schedule(&state, &id).await {
        Ok((f, s)) => ics(&f, &s, &file),
        Err(p) => Err(p),
    };
    match out {
        Ok(r) => r,
        Err(p) => {
            let mut page = Page::new("forum", "Calendar", Some(&id));
            page.fail(&p);
            page.finish(&state).await
        }
    }
}

/// The calendar of the person `file` names (`ID.ics`), as the CLI writes it.
pub(crate) fn ics(f: &Forum, s: &Schedule, file: &str) -> Result<Response, Problem> {
    let person = file.strip_suffix(".ics").unwrap_or(file);
    let cal = output::calendars(f, s)
        .into_iter()
        .find(|(p, _)| p == person)
        .map(|(_, c)| c)
        .ok_or_else(|| {
            let hint =
                astana_model::text::closest(person, f.participants.iter().map(|p| p.id.as_str()))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
            Problem::not_found(format!("no participant `{person}` in the forum{hint}"))
        })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{person}.ics\""),
            ),
        ],
        cal,
    )
        .into_response())
}

/// The forum a forum-schedule job ran on (its uploaded files, else its scenario's) and the
/// schedule of its result.
pub(crate) async fn job_schedule(
    state: &AppState,
    j: &Job,
    result: &Value,
) -> Result<(Forum, Schedule), Problem> {
    let files: Vec<(String, String)> = match j.params.get("files").and_then(Value::as_object) {
        Some(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
        None => {
            let id = j
                .scenario
                .clone()
                .unwrap_or_else(|| crate::state::DEFAULT_SCENARIO.to_string());
            state.scenario(&id).await?.forum.clone()
        }
    };
    let forum = read(&files)?;
    // The CLI's schedule JSON, possibly inside a `schedule` member.
    let doc = result.get("schedule").unwrap_or(result);
    let file: ScheduleFile = serde_json::from_value(doc.clone())
        .map_err(|e| Problem::invalid(format!("the job's result is not a forum schedule: {e}")))?;
    let schedule = output::from_file(&forum, &file);
    Ok((forum, schedule))
}

/// A forum job's result drawn: room grid and calendars (empty if it cannot be read).
pub(crate) async fn job_result(state: &AppState, j: &Job, result: &Value) -> String {
    match job_schedule(state, j, result).await {
        Ok((f, s)) => views(&f, &s, &format!("/jobs/{}/calendar", enc(&j.id))),
        Err(p) => super::error_box(&p),
    }
}
