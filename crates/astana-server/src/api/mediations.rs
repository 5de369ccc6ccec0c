//! `/api/mediations`: live mediations (issue 13). The mediator creates one and gets one
//! invitation link per party; every other call carries a capability token and sees only
//! what its holder may see (see [`crate::mediations`]).

use crate::mediations::{new_seed, Access};
use crate::problem::{Located, Problem};
use crate::AppState;
use astana_mediation::{Accept, Caller, Event, Package, ProfileInput, Protocol, Setup};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

/// Largest create body (the domain's TOML text with the rest): a domain of 10⁶ outcomes
/// fits in a few kilobytes.
pub(crate) const CREATE_LIMIT: usize = 256 << 10;
/// Largest profile (JSON or TOML).
pub(crate) const PROFILE_LIMIT: usize = 64 << 10;
/// Largest proposal or response.
pub(crate) const ANSWER_LIMIT: usize = 16 << 10;

pub(crate) fn router() -> Router<AppState> {
    let limit = DefaultBodyLimit::max;
    Router::new()
        .route("/mediations", post(create).layer(limit(CREATE_LIMIT)))
        .route("/mediations/{id}", get(get_one))
        .route(
            "/mediations/{id}/profile",
            put(profile).layer(limit(PROFILE_LIMIT)),
        )
        .route("/mediations/{id}/start", post(start))
        .route(
            "/mediations/{id}/proposals",
            post(propose).layer(limit(ANSWER_LIMIT)),
        )
        .route(
            "/mediations/{id}/responses",
            post(respond).layer(limit(ANSWER_LIMIT)),
        )
        .route("/mediations/{id}/events", get(events))
        .route("/mediations/{id}/outcome", get(outcome))
        // Answers carry tokens and private views: never cached.
        .layer(axum::middleware::map_response(no_store))
}

async fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A new mediation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewMediation {
    /// The domain as native TOML (name, `[[issue]]` tables with their options); no
    /// `[[party]]` table (parties submit their profiles themselves).
    domain: String,
    /// The parties' ids: 2 to 12 distinct ids of 1 to 32 characters `A–Z a–z 0–9 _ -`.
    parties: Vec<String>,
    /// `single-text` or `blind-bidding`.
    #[schema(schema_with = protocol_schema)]
    protocol: Protocol,
    /// The deadline, in rounds (1 to 1000).
    #[schema(minimum = 1, maximum = 1000)]
    rounds: u32,
    /// Search for packages every party prefers after an agreement (default true).
    #[serde(default = "yes")]
    post_settlement: bool,
    /// Makes the run reproducible (the first text is drawn with it); drawn by the server
    /// when absent.
    #[serde(default)]
    #[schema(minimum = 0)]
    seed: Option<u64>,
}

fn yes() -> bool {
    true
}

fn protocol_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["single-text", "blind-bidding"]))
        .description(Some("The protocol"))
        .build()
}

/// A party's invitation.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Invitation {
    /// The party's id.
    party: String,
    /// Its capability token (shown once; the server keeps only its SHA-256).
    token: String,
    /// Its page: `/m/{id}#token=…` (the fragment never reaches a server or a log).
    url: String,
}

/// A created mediation: the tokens are shown only here.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Created {
    /// The mediation's id.
    id: String,
    /// The mediator's capability token.
    mediator_token: String,
    /// One invitation per party, in the order given.
    parties: Vec<Invitation>,
}

/// Creates a mediation. With `--token-file`, this call needs the server's token; every
/// other mediation call needs a capability token returned here.
#[utoipa::path(post, path = "/api/mediations", operation_id = "create_mediation", tag = "mediations",
    request_body = NewMediation,
    responses((status = 201, body = Created, headers(("Location" = String, description = "The mediation's API address"))),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "Not JSON"),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "The server's token is required"),
              (status = 413, body = Problem, content_type = "application/problem+json", description = "Body over 256 KiB"),
              (status = 415, body = Problem, content_type = "application/problem+json", description = "Not `application/json`"),
              (status = 422, body = Problem, content_type = "application/problem+json", description = "An invalid domain or setup, with every located error")))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Json(m): Json<NewMediation>,
) -> Result<Response, Problem> {
    let seed = match m.seed {
        Some(s) => s,
        None => new_seed()?,
    };
    let setup = Setup {
        domain_toml: m.domain,
        parties: m.parties,
        protocol: m.protocol,
        rounds: m.rounds,
        seed,
        post_settlement: m.post_settlement,
    };
    let names = setup.parties.clone();
    let (id, mediator_token, tokens) = state.inner.mediations.create(&state, setup).await?;
    let parties = names
        .into_iter()
        .zip(tokens)
        .map(|(party, token)| Invitation {
            url: format!("/m/{id}#token={token}"),
            party,
            token,
        })
        .collect();
    let location = format!("/api/mediations/{id}");
    let mut r = (
        StatusCode::CREATED,
        Json(Created {
            id,
            mediator_token,
            parties,
        }),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

/// Who may call, checked before anything else.
async fn access(state: &AppState, id: &str, headers: &HeaderMap) -> Result<Access, Response> {
    state.inner.mediations.access(state, id, headers).await
}

fn forbidden(detail: &str) -> Response {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail).into_response()
}

fn party_of(a: &Access) -> Result<usize, Response> {
    match a.caller {
        Caller::Party(p) => Ok(p),
        Caller::Mediator => Err(forbidden("only a party makes this call")),
    }
}

/// The caller's view: the public state (status, phase, round, issues, the text or the
/// suggestions, who has responded — never how) and, for a party, its own profile, answers
/// and utilities.
#[utoipa::path(get, path = "/api/mediations/{id}", operation_id = "get_mediation", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    responses((status = 200, body = Object, description = "The caller's view"),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, or not its token (the same answer)")))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match access(&state, &id, &headers).await {
        Ok(a) => json_text(a.view().await),
        Err(r) => r,
    }
}

fn json_located(file: &str, e: &serde_json::Error) -> Problem {
    let mut p = Problem::invalid(format!("the {file} is not a profile"));
    p.errors = vec![Located {
        file: file.into(),
        line: (e.line() > 0).then_some(e.line()),
        column: (e.line() > 0).then_some(e.column()),
        field: None,
        severity: "error".into(),
        message: e.to_string(),
    }];
    p
}

/// Submits (or replaces, before the start) the caller's private profile: JSON
/// `{"reservation", "weights", "evaluations", "discount"?}` or the same as a TOML
/// `[[party]]` table (`Content-Type: application/toml`). Nobody else ever reads it.
#[utoipa::path(put, path = "/api/mediations/{id}/profile", operation_id = "put_profile", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    request_body(content(
        (Object = "application/json"),
        (String = "application/toml")),
        description = "`{\"reservation\": r, \"weights\": {issue: w}, \"evaluations\": {issue: [one number per option]}}`, or a `[[party]]` table as TOML"),
    responses((status = 200, body = Object, description = "The caller's view"),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 403, body = Problem, content_type = "application/problem+json", description = "Not a party's token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, or not its token"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "The mediation has started"),
              (status = 413, body = Problem, content_type = "application/problem+json", description = "Body over 64 KiB"),
              (status = 415, body = Problem, content_type = "application/problem+json", description = "Neither JSON nor TOML"),
              (status = 422, body = Problem, content_type = "application/problem+json", description = "An invalid profile, with every located error")))]
pub(crate) async fn profile(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let a = match access(&state, &id, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let party = match party_of(&a) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let parsed = match kind.as_str() {
        "application/json" => serde_json::from_slice::<ProfileInput>(&body)
            .map_err(|e| json_located("profile.json", &e)),
        "application/toml" | "text/plain" => match std::str::from_utf8(&body) {
            Ok(text) => ProfileInput::from_toml("profile.toml", text)
                .map_err(|e| crate::mediations::domain_problem("profile", &e)),
            Err(_) => Err(Problem::invalid("profile.toml is not UTF-8 text")),
        },
        _ => Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send the profile as `application/json` or `application/toml`",
        )),
    };
    let profile = match parsed {
        Ok(p) => p,
        Err(p) => return p.into_response(),
    };
    answer(a.apply(&state, Event::Profile { party, profile }).await)
}

fn answer(r: Result<Bytes, Problem>) -> Response {
    match r {
        Ok(v) => json_text(v),
        Err(p) => p.into_response(),
    }
}

/// A view already serialised (cached per caller and version) as a JSON answer.
fn json_text(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Starts the mediation (the mediator; only once every party's profile is in).
#[utoipa::path(post, path = "/api/mediations/{id}/start", operation_id = "start_mediation", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    responses((status = 200, body = Object, description = "The mediator's view"),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 403, body = Problem, content_type = "application/problem+json", description = "Not the mediator's token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, or not its token"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "A profile is missing, or already started")))]
pub(crate) async fn start(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let a = match access(&state, &id, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if a.caller != Caller::Mediator {
        return forbidden("only the mediator starts the mediation");
    }
    answer(a.apply(&state, Event::Start).await)
}

/// A visible proposal (blind bidding).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Proposal {
    /// The current round.
    #[schema(minimum = 0)]
    round: u32,
    /// Issue → option label, for every issue.
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    package: Package,
}

/// Posts the caller's visible proposal for this round (blind bidding).
#[utoipa::path(post, path = "/api/mediations/{id}/proposals", operation_id = "post_proposal", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    request_body = Proposal,
    responses((status = 200, body = Object, description = "The caller's view"),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "Not JSON"),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 403, body = Problem, content_type = "application/problem+json", description = "Not a party's token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, or not its token"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "Not the proposals phase of this round"),
              (status = 413, body = Problem, content_type = "application/problem+json", description = "Body over 16 KiB"),
              (status = 415, body = Problem, content_type = "application/problem+json", description = "Not `application/json`"),
              (status = 422, body = Problem, content_type = "application/problem+json", description = "Unknown issue or option, with every located error")))]
pub(crate) async fn propose(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Proposal>, axum::extract::rejection::JsonRejection>,
) -> Response {
    party_post(&state, &id, &headers, body, |party, p: Proposal| {
        Event::Propose {
            party,
            round: p.round,
            package: p.package,
        }
    })
    .await
}

/// A party's posted event: its token, a party's role, the JSON body, then the event applied
/// (checked in that order, so a stranger learns nothing from a body's errors).
async fn party_post<B>(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    body: Result<Json<B>, axum::extract::rejection::JsonRejection>,
    event: impl FnOnce(usize, B) -> Event,
) -> Response {
    let a = match access(state, id, headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let party = match party_of(&a) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Json(b) = match body {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    answer(a.apply(state, event(party, b)).await)
}

/// A secret answer.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Answer {
    /// The current round.
    #[schema(minimum = 0)]
    round: u32,
    /// `true`/`false` (single text, ratification, post-settlement offer) or the ids of the
    /// suggestions accepted (blind bidding, e.g. `["S3", "S7"]`).
    #[schema(schema_with = accept_schema)]
    accept: Accept,
}

fn accept_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
    Schema::OneOf(
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
            .build(),
    )
}

/// Answers this round, secretly: nobody but the caller ever learns how. Idempotent: the
/// same answer again is 200 and changes nothing; a different one, or one for another
/// round, is 409.
#[utoipa::path(post, path = "/api/mediations/{id}/responses", operation_id = "post_response", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    request_body = Answer,
    responses((status = 200, body = Object, description = "The caller's view"),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "Not JSON"),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 403, body = Problem, content_type = "application/problem+json", description = "Not a party's token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, or not its token"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "A past or future round, the wrong phase, or a different answer for a round already answered"),
              (status = 413, body = Problem, content_type = "application/problem+json", description = "Body over 16 KiB"),
              (status = 415, body = Problem, content_type = "application/problem+json", description = "Not `application/json`"),
              (status = 422, body = Problem, content_type = "application/problem+json", description = "An unknown suggestion id or the wrong kind of answer")))]
pub(crate) async fn respond(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Answer>, axum::extract::rejection::JsonRejection>,
) -> Response {
    party_post(&state, &id, &headers, body, |party, r: Answer| {
        Event::Respond {
            party,
            round: r.round,
            accept: r.accept,
        }
    })
    .await
}

/// One Server-Sent Event of a mediation's stream.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the wire format; the stream is written by axum's `Event`
pub(crate) struct ViewEvent {
    /// Always `view`.
    #[schema(schema_with = view_event_name)]
    event: String,
    /// The caller's view as JSON text (what `GET /api/mediations/{id}` answers).
    data: String,
}

fn view_event_name() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["view"]))
        .build()
}

/// The caller's view as Server-Sent Events: one `view` event now, then one each time it
/// changes; keep-alive comments in between. The stream ends when the server stops.
#[utoipa::path(get, path = "/api/mediations/{id}/events", operation_id = "mediation_events", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    responses((status = 200, content_type = "text/event-stream", body = ViewEvent),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, or not its token")))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let a = match access(&state, &id, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let rx = a.watch();
    let closing = state.inner.closing.subscribe();
    // (access, change watcher, shutdown watcher, last view sent, first event sent?)
    let stream = futures_util::stream::unfold(
        (a, rx, closing, None::<Bytes>, false),
        |(a, mut rx, mut closing, last, started)| async move {
            let mut started = started;
            let mut last = last;
            loop {
                if started {
                    tokio::select! {
                        changed = rx.changed() => if changed.is_err() { return None },
                        _ = closing.wait_for(|c| *c) => return None,
                    }
                } else {
                    rx.borrow_and_update();
                    started = true;
                }
                if *closing.borrow() {
                    return None;
                }
                // The caller's own view (its slot of the per-version cache).
                let text = a.view().await;
                if last.as_ref() != Some(&text) {
                    let ev = SseEvent::default()
                        .event("view")
                        .data(std::str::from_utf8(&text).unwrap_or_default());
                    return Some((
                        Ok::<_, Infallible>(ev),
                        (a, rx, closing, Some(text), started),
                    ));
                }
                last = Some(text);
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The agreed package.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Outcome {
    /// Issue → option label.
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    agreement: Package,
}

/// The agreed package (after any post-settlement improvement so far); 404 until there is
/// an agreement.
#[utoipa::path(get, path = "/api/mediations/{id}/outcome", operation_id = "mediation_outcome", tag = "mediations",
    params(("id" = String, Path, description = "Mediation id")),
    security(("capability" = [])),
    responses((status = 200, body = Outcome),
              (status = 401, body = Problem, content_type = "application/problem+json", description = "No token"),
              (status = 404, body = Problem, content_type = "application/problem+json", description = "No such mediation, not its token, or no agreement yet")))]
pub(crate) async fn outcome(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let a = match access(&state, &id, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match a.outcome().await {
        Some(agreement) => Json(Outcome { agreement }).into_response(),
        None => Problem::not_found("this mediation has no agreement (yet)").into_response(),
    }
}
