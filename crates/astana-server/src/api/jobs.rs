//! `/api/jobs`: submit long work, follow it (state, progress, Server-Sent Events), cancel it.

use crate::jobs::Snapshot;
use crate::problem::Problem;
use crate::AppState;
use astana_store::{Job, JobState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::convert::Infallible;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(list).post(submit))
        .route("/jobs/{id}", get(get_one).delete(cancel))
        .route("/jobs/{id}/events", get(events))
}

/// A job to run.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewJob {
    /// What to compute: one of the kinds listed in the description of `POST /api/jobs`.
    #[schema(schema_with = kind_schema)]
    kind: String,
    /// The stored scenario it runs on (default `kazakhstan`), for kinds that use one.
    scenario: Option<String>,
    /// The parameters, named as the CLI's flags (a forum folder's files or a domain's files
    /// go in `files`, path → text).
    #[serde(default)]
    params: Value,
}

/// `kind` as the enumeration of [`crate::kinds::KINDS`], so clients (and schemathesis) see
/// the kinds there are; the handler still answers 422 with a "did you mean" for others.
fn kind_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(crate::kinds::KINDS.iter().copied()))
        .description(Some("What to compute"))
        .build()
}

/// A job as stored.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct JobView {
    /// Its id.
    id: String,
    /// What it computes.
    kind: String,
    /// The scenario it runs on.
    scenario: Option<String>,
    /// `queued`, `running`, `done`, `failed`, `cancelled` or `interrupted` (the server stopped
    /// before it finished).
    #[schema(value_type = String)]
    state: JobState,
    /// 0 to 1.
    progress: f64,
    /// What it is doing.
    message: String,
    /// The result document (the same as the CLI's `--json`), when done.
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Value>,
    /// Problem details, when failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<Value>,
    /// When it was submitted.
    created: String,
    /// When it last changed.
    updated: String,
}

impl JobView {
    fn new(j: Job, live: Option<Snapshot>) -> JobView {
        // The live progress is fresher than the store's (stored only every so often), but an
        // end is only shown once stored, with its result: never `done` without a result.
        let (state, progress, message) = match live {
            Some(s) if !j.state.is_final() && !s.state.is_final() => {
                (s.state, s.progress, s.message)
            }
            Some(s) if !j.state.is_final() => (j.state, s.progress, j.message),
            _ => (j.state, j.progress, j.message),
        };
        JobView {
            id: j.id,
            kind: j.kind,
            scenario: j.scenario,
            state,
            progress,
            message,
            result: j.result,
            problem: j.problem,
            created: j.created,
            updated: j.updated,
        }
    }
}

/// Submits a job. Kinds: see [`crate::kinds::KINDS`]. Answers 202 with the job; follow it at
/// `/api/jobs/{id}` or `/api/jobs/{id}/events`.
#[utoipa::path(post, path = "/api/jobs", operation_id = "submit_job", tag = "jobs",
    description = "Submits long work. Kinds: `corridor-simulate`, `forum-schedule`, `power` (e.g. Monte Carlo on a large game), `mediate-run`, `brief`. `params` holds the CLI flags by name; the input is the scenario's, or `params.game` / `params.toml` (power), `params.domain` / `params.files` (mediate-run), `params.files` (forum-schedule). Answers 202 with the job.",
    request_body = NewJob,
    responses((status = 202, body = JobView, links(
                  ("GetJob" = (operation_id = "get_job", parameters(("id" = "$response.body#/id")))),
                  ("JobEvents" = (operation_id = "job_events", parameters(("id" = "$response.body#/id")))),
                  ("CancelJob" = (operation_id = "cancel_job", parameters(("id" = "$response.body#/id")))))),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "Not JSON"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 415, body = Problem, content_type = "application/problem+json", description = "Not `application/json`"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    Json(job): Json<NewJob>,
) -> Result<Response, Problem> {
    let j = submit_job(&state, job.kind, job.scenario, job.params).await?;
    Ok((StatusCode::ACCEPTED, Json(JobView::new(j, None))).into_response())
}

/// Validates and submits a job (shared with the dashboard's forms).
pub(crate) async fn submit_job(
    state: &AppState,
    kind: String,
    scenario: Option<String>,
    params: Value,
) -> Result<Job, Problem> {
    let params = if params.is_null() {
        Value::Object(Default::default())
    } else {
        params
    };
    let (scenario_id, work) = crate::kinds::prepare(state, &kind, scenario, &params).await?;
    state
        .inner
        .jobs
        .submit(&kind, scenario_id.as_deref(), params, work)
        .await
}

async fn load(state: &AppState, id: &str) -> Result<Job, Problem> {
    let store = state.store().clone();
    let key = id.to_string();
    state
        .blocking(move || {
            store
                .job(&key)?
                .ok_or_else(|| Problem::not_found(format!("no job `{key}`")))
        })
        .await
}

/// A job: state, progress, and its result once done.
#[utoipa::path(get, path = "/api/jobs/{id}", operation_id = "get_job", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, body = JobView),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobView>, Problem> {
    // The live state first, the stored one second: a job's end is stored before it is sent
    // to watchers, so the stored row is then at least as new as the live state.
    let live = state.inner.jobs.watch(&id).map(|rx| rx.borrow().clone());
    let j = load(&state, &id).await?;
    Ok(Json(JobView::new(j, live)))
}

/// How many jobs to list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// At most this many, newest first (default 50, at most 1000).
    limit: Option<usize>,
}

/// The jobs list.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct JobList {
    /// Newest first; results left out (fetch a job for its result).
    jobs: Vec<JobView>,
}

/// Recent jobs, newest first, without their results.
#[utoipa::path(get, path = "/api/jobs", operation_id = "list_jobs", tag = "jobs", params(ListParams),
    responses((status = 200, body = JobList),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "A malformed or unknown query parameter")))]
pub(crate) async fn list(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<JobList>, Problem> {
    let limit = p.limit.unwrap_or(50).min(1000);
    let store = state.store().clone();
    let jobs = state.blocking(move || Ok(store.list_jobs(limit)?)).await?;
    let jobs = jobs
        .into_iter()
        .map(|mut j| {
            j.result = None;
            let live = state.inner.jobs.watch(&j.id).map(|rx| rx.borrow().clone());
            JobView::new(j, live)
        })
        .collect();
    Ok(Json(JobList { jobs }))
}

/// Cancels a queued or running job. A finished job is left as it is (409).
#[utoipa::path(delete, path = "/api/jobs/{id}", operation_id = "cancel_job", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 202, body = JobView, description = "Cancellation requested"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "Already finished")))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let j = load(&state, &id).await?;
    if j.state.is_final() || !state.inner.jobs.cancel(&id) {
        return Err(Problem::conflict(format!(
            "job `{id}` is already {}",
            j.state.as_str()
        )));
    }
    // A job still waiting for a worker ends now; a running one stops at its next check.
    if j.state == JobState::Queued {
        let store = state.store().clone();
        let key = id.clone();
        state
            .blocking(move || {
                Ok(store.finish_job(
                    &key,
                    JobState::Cancelled,
                    "cancelled before it started",
                    None,
                    None,
                )?)
            })
            .await?;
    }
    let live = state.inner.jobs.watch(&id).map(|rx| rx.borrow().clone());
    let j = load(&state, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(JobView::new(j, live))).into_response())
}

/// One Server-Sent Event of a job's stream (OpenAPI 3.1 describes each event of a
/// `text/event-stream` by its schema).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the wire format; the stream is written by axum's `Event`
pub(crate) struct JobEvent {
    /// `progress` while the job runs; `end` once, last, with the final state.
    #[schema(schema_with = event_name_schema)]
    event: String,
    /// JSON text: `{"state": ..., "progress": 0..1, "message": ...}`.
    data: String,
}

fn event_name_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["progress", "end"]))
        .build()
}

/// Progress as Server-Sent Events: `progress` events (`{state, progress, message}`) while
/// the job runs, then one `end` event with the final state; the stream then closes.
#[utoipa::path(get, path = "/api/jobs/{id}/events", operation_id = "job_events", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, content_type = "text/event-stream", body = JobEvent),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    // Watch first, then read: a job that is not live when watched has already stored its
    // end, so the stream's single event is final (read the other way round, a job ending
    // in between gave one `progress` event and a closed stream).
    let rx = state.inner.jobs.watch(&id);
    let j = load(&state, &id).await?;
    let last = Snapshot {
        state: j.state,
        progress: j.progress,
        message: j.message.clone(),
    };
    let stream =
        futures_util::stream::unfold((rx, Some(last), false), |(rx, first, ended)| async move {
            if ended {
                return None;
            }
            let event = |s: &Snapshot| {
                let name = if s.state.is_final() {
                    "end"
                } else {
                    "progress"
                };
                Event::default()
                    .event(name)
                    .json_data(s)
                    .unwrap_or_else(|_| Event::default().event(name))
            };
            match (rx, first) {
                // Not live here: finished (or interrupted by an earlier process). One event.
                (None, Some(s)) => Some((Ok(event(&s)), (None, None, true))),
                (None, None) => None,
                (Some(mut rx), first) => {
                    if first.is_some() {
                        let s = rx.borrow_and_update().clone();
                        let fin = s.state.is_final();
                        return Some((Ok(event(&s)), (Some(rx), None, fin)));
                    }
                    if rx.changed().await.is_err() {
                        // The job left the live table: its end was the last value sent.
                        let s = rx.borrow().clone();
                        return Some((Ok(event(&s)), (None, None, true)));
                    }
                    let s = rx.borrow_and_update().clone();
                    let fin = s.state.is_final();
                    Some((Ok(event(&s)), (Some(rx), None, fin)))
                }
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(state: JobState, result: Option<Value>) -> Job {
        Job {
            id: "j".into(),
            kind: "brief".into(),
            scenario: None,
            params: Value::Null,
            state,
            progress: 0.2,
            message: "stored".into(),
            result,
            problem: None,
            created: String::new(),
            updated: String::new(),
        }
    }

    fn live(state: JobState) -> Option<Snapshot> {
        Some(Snapshot {
            state,
            progress: 0.9,
            message: "live".into(),
        })
    }

    #[test]
    fn an_end_is_shown_only_once_stored_with_its_result() {
        // Running in the store, already done live: still running (no result to show yet),
        // with the fresher progress.
        let v = JobView::new(stored(JobState::Running, None), live(JobState::Done));
        assert_eq!((v.state, v.progress), (JobState::Running, 0.9));
        let v = JobView::new(stored(JobState::Running, None), live(JobState::Running));
        assert_eq!((v.state, v.message.as_str()), (JobState::Running, "live"));
        let v = JobView::new(
            stored(JobState::Done, Some(Value::Bool(true))),
            live(JobState::Running),
        );
        assert_eq!(v.state, JobState::Done);
        assert_eq!(v.result, Some(Value::Bool(true)));
    }
}
