//! The engines on a stored scenario or on posted input. Each handler parses the parameters
//! (named as the CLI's flags), calls astana-query off the async threads and returns its
//! report: the same document `astana … --json` prints.

use crate::problem::Problem;
use crate::AppState;
use astana_query as q;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use std::sync::Arc;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/scenarios/{id}/balance", get(balance))
        .route("/scenarios/{id}/alignment", get(alignment))
        .route("/scenarios/{id}/corridor/routes", get(routes))
        .route("/scenarios/{id}/corridor/bottleneck", get(bottleneck))
        .route("/scenarios/{id}/corridor/assign", get(assign))
        .route("/scenarios/{id}/corridor/volumes", get(volumes))
        .route("/scenarios/{id}/power/compare", get(power_compare))
        .route("/scenarios/{id}/power/{game}", get(power_game))
        .route("/scenarios/{id}/mediate/{domain}", get(mediate_domain))
        .route("/corridor/queue", get(queue))
        .route("/power", post(power_posted))
        .route("/mediate/analyze", post(mediate_posted))
        .route("/forum/check", post(forum_check))
}

/// A failed question as problem details: input → 400 (422 when it locates problems in
/// posted content), computation → 422, not found → 404.
pub(crate) fn problem(e: q::QueryError) -> Problem {
    use axum::http::StatusCode;
    let (status, slug, title) = match e.kind {
        q::ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
        q::ErrorKind::Input if e.errors.is_empty() => {
            (StatusCode::BAD_REQUEST, "bad-request", "Bad request")
        }
        q::ErrorKind::Input => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            "Invalid input",
        ),
        _ if e.title == "cancelled" => (StatusCode::UNPROCESSABLE_ENTITY, "cancelled", "Cancelled"),
        _ => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "computation-failed",
            "Computation failed",
        ),
    };
    let mut p = Problem::new(status, slug, title, e.detail.clone());
    p.errors = e
        .errors
        .iter()
        .map(|l| crate::problem::Located {
            file: l.file.clone(),
            line: l.line,
            column: l.column,
            field: l.field.clone(),
            severity: "error".into(),
            message: l.message.clone(),
        })
        .collect();
    p
}

fn to_json<T: Serialize>(r: Result<T, q::QueryError>) -> Result<Arc<[u8]>, Problem> {
    let r = r.map_err(problem)?;
    serde_json::to_vec(&r)
        .map(Into::into)
        .map_err(|e| Problem::internal(format!("cannot serialise the answer: {e}")))
}

/// Answers a question about scenario `id` from the cache, or computes and caches it.
async fn cached_answer(
    state: &AppState,
    id: &str,
    question: String,
    f: impl FnOnce(&astana_model::Scenario) -> Result<Arc<[u8]>, Problem> + Send + 'static,
) -> Result<Response, Problem> {
    if let Some(a) = state.cached(id, &question) {
        return Ok(super::json_bytes(a));
    }
    let s = state.scenario(id).await?;
    let a = state.blocking(move || f(&s)).await?;
    state.remember(id, &question, a.clone());
    Ok(super::json_bytes(a))
}

fn key(what: &str, raw: Option<String>) -> String {
    format!("{what}?{}", raw.unwrap_or_default())
}

/// Partner shares and concentration (`astana balance`).
#[utoipa::path(get, path = "/api/scenarios/{id}/balance", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::balance::Params),
    responses((status = 200, description = "The document `astana balance --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn balance(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::balance::Params>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("balance", raw), move |s| {
        to_json(q::balance::run(s, &p))
    })
    .await
}

/// UN General Assembly voting alignment from the scenario's table (`astana balance
/// alignment` without roll-call data).
#[utoipa::path(get, path = "/api/scenarios/{id}/alignment", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::balance::AlignmentParams),
    responses((status = 200, description = "The document `astana balance alignment --json` prints (scenario table)", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn alignment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::balance::AlignmentParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("alignment", raw), move |s| {
        to_json(q::balance::alignment(s, q::balance::Votes::Scenario, &p))
    })
    .await
}

/// The k best routes (`astana corridor routes`).
#[utoipa::path(get, path = "/api/scenarios/{id}/corridor/routes", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::corridor::RoutesParams),
    responses((status = 200, description = "The document `astana corridor routes --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn routes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::corridor::RoutesParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("routes", raw), move |s| {
        to_json(q::corridor::routes(s, &p))
    })
    .await
}

/// Maximum flow and its minimum cut, with a capacity what-if (`astana corridor bottleneck`).
#[utoipa::path(get, path = "/api/scenarios/{id}/corridor/bottleneck", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::corridor::BottleneckParams),
    responses((status = 200, description = "The document `astana corridor bottleneck --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn bottleneck(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::corridor::BottleneckParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("bottleneck", raw), move |s| {
        to_json(q::corridor::bottleneck(s, &p))
    })
    .await
}

/// Demand split between corridors (`astana corridor assign`).
#[utoipa::path(get, path = "/api/scenarios/{id}/corridor/assign", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::corridor::AssignParams),
    responses((status = 200, description = "The document `astana corridor assign --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn assign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::corridor::AssignParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("assign", raw), move |s| {
        to_json(q::corridor::assign(s, &p))
    })
    .await
}

/// Volumes against capacity (`astana corridor volumes`).
#[utoipa::path(get, path = "/api/scenarios/{id}/corridor/volumes", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::corridor::VolumesParams),
    responses((status = 200, description = "The document `astana corridor volumes --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn volumes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::corridor::VolumesParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("volumes", raw), move |s| {
        to_json(q::corridor::volumes(s, &p))
    })
    .await
}

/// A port or ferry queue checked against M/M/c (`astana corridor queue`).
#[utoipa::path(get, path = "/api/corridor/queue", tag = "engines",
    params(q::corridor::QueueParams),
    responses((status = 200, description = "The document `astana corridor queue --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn queue(
    State(state): State<AppState>,
    Query(p): Query<q::corridor::QueueParams>,
) -> Result<Response, Problem> {
    let a = state
        .blocking(move || to_json(q::corridor::queue(&p)))
        .await?;
    Ok(super::json_bytes(a))
}

/// Voting power in one of the scenario's games (`astana power FILE`); `game` is the file
/// name without `.toml` (e.g. `unsc`).
#[utoipa::path(get, path = "/api/scenarios/{id}/power/{game}", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"),
           ("game" = String, Path, description = "A game of the scenario, by file stem (e.g. `unsc`)"),
           q::power::Params),
    responses((status = 200, description = "The document `astana power FILE --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn power_game(
    State(state): State<AppState>,
    Path((id, game)): Path<(String, String)>,
    Query(p): Query<q::power::Params>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let question = key(&format!("power/{game}"), raw);
    cached_answer(&state, &id, question, move |s| {
        let (name, text) = q::power::scenario_game(&s.games, &game).map_err(problem)?;
        to_json(q::power::run_text(&name, &text, &p, None))
    })
    .await
}

/// A member's voice across the scenario's games and reform models (`astana power compare`
/// on the scenario's game files and tenure table).
#[utoipa::path(get, path = "/api/scenarios/{id}/power/compare", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"), q::power::CompareParams),
    responses((status = 200, description = "The document `astana power compare --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn power_compare(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<q::power::CompareParams>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    cached_answer(&state, &id, key("power-compare", raw), move |s| {
        let tenure = s.tenure.as_deref().map(|t| ("power/tenure.toml", t));
        to_json(q::power::compare(&s.games, tenure, &p))
    })
    .await
}

/// The scenario's negotiation domain `domain` (file stem) analysed (`astana mediate
/// analyze`).
#[utoipa::path(get, path = "/api/scenarios/{id}/mediate/{domain}", tag = "engines",
    params(("id" = String, Path, description = "Scenario id"),
           ("domain" = String, Path, description = "A negotiation domain of the scenario, by file stem (e.g. `trans-caspian`)"),
           q::mediate::Params),
    responses((status = 200, description = "The document `astana mediate analyze --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn mediate_domain(
    State(state): State<AppState>,
    Path((id, domain)): Path<(String, String)>,
    Query(p): Query<q::mediate::Params>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let question = key(&format!("mediate/{domain}"), raw);
    cached_answer(&state, &id, question, move |s| {
        let files = scenario_domain(s, &domain)?;
        to_json(q::mediate::analyze_files(&files, &p, None))
    })
    .await
}

/// The scenario's domain whose file stem is `domain`, as the file list astana-query reads.
pub(crate) fn scenario_domain(
    s: &astana_model::Scenario,
    domain: &str,
) -> Result<Vec<(String, String)>, Problem> {
    s.negotiations
        .iter()
        .find(|(n, _)| q::power::stem(n) == domain)
        .map(|(n, t)| vec![(n.clone(), t.clone())])
        .ok_or_else(|| {
            let names: Vec<String> = s
                .negotiations
                .iter()
                .map(|(n, _)| q::power::stem(n))
                .collect();
            Problem::not_found(format!(
                "no negotiation domain `{domain}` in this scenario; domains: {}",
                names.join(", ")
            ))
        })
}

/// The files of a posted body: an archive (zip, tar.gz) unpacked, else one text file named
/// `default_name` (or `name=` in the query).
fn posted_files(body: &[u8], default_name: &str) -> Result<Vec<(String, String)>, Problem> {
    let is_archive = crate::archive::is_archive(body);
    let raw = if is_archive {
        crate::archive::unpack(body)?
    } else {
        vec![(default_name.to_string(), body.to_vec())]
    };
    raw.into_iter()
        .map(|(n, b)| q::power::decode(&n, b).map(|t| (n, t)).map_err(problem))
        .collect()
}

/// Voting power in a posted game (`astana power FILE`): the body is the game's TOML.
#[utoipa::path(post, path = "/api/power", tag = "engines",
    params(q::power::Params),
    request_body(content = String, content_type = "application/toml", description = "A game file (TOML)"),
    responses((status = 200, description = "The document `astana power FILE --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "An invalid game, with every located error")))]
pub(crate) async fn power_posted(
    State(state): State<AppState>,
    Query(p): Query<q::power::Params>,
    body: Bytes,
) -> Result<Response, Problem> {
    let a = state
        .blocking(move || {
            let text = q::power::decode("game.toml", body.to_vec()).map_err(problem)?;
            to_json(q::power::run_text("game.toml", &text, &p, None))
        })
        .await?;
    Ok(super::json_bytes(a))
}

/// A posted negotiation domain analysed (`astana mediate analyze`): a native TOML domain as
/// the body, or a zip / tar.gz of a GENIUS domain with its profiles.
#[utoipa::path(post, path = "/api/mediate/analyze", tag = "engines",
    params(q::mediate::Params),
    request_body(content = String, content_type = "application/toml", description = "A native TOML domain, or a zip of GENIUS XML files"),
    responses((status = 200, description = "The document `astana mediate analyze --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "An invalid domain, with every located error")))]
pub(crate) async fn mediate_posted(
    State(state): State<AppState>,
    Query(p): Query<q::mediate::Params>,
    body: Bytes,
) -> Result<Response, Problem> {
    let a = state
        .blocking(move || {
            let files = posted_files(&body, "domain.toml")?;
            to_json(q::mediate::analyze_files(&files, &p, None))
        })
        .await?;
    Ok(super::json_bytes(a))
}

/// A schedule checked against its forum (`astana forum check`): the body is a zip or tar.gz
/// of the forum folder with the schedule as `schedule.json`.
#[utoipa::path(post, path = "/api/forum/check", tag = "engines",
    request_body(content = Vec<u8>, content_type = "application/zip", description = "The forum folder's files plus schedule.json"),
    responses((status = 200, description = "The document `astana forum check --json` prints", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "An invalid forum or schedule, with every located error")))]
pub(crate) async fn forum_check(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, Problem> {
    let a = state
        .blocking(move || {
            let is_archive = crate::archive::is_archive(&body);
            if !is_archive {
                return Err(Problem::new(
                    axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "post the forum folder and its schedule.json as a .zip or .tar.gz archive",
                ));
            }
            let mut files = posted_files(&body, "")?;
            let at = files
                .iter()
                .position(|(n, _)| n == "schedule.json")
                .ok_or_else(|| Problem::invalid("the archive has no schedule.json"))?;
            let (name, text) = files.remove(at);
            let forum = q::forum::read_forum(&files).map_err(problem)?;
            let schedule = q::forum::read_schedule(&name, &text).map_err(problem)?;
            to_json(q::forum::check(&forum, &name, &schedule))
        })
        .await?;
    Ok(super::json_bytes(a))
}
