//! The JSON API under `/api`.

pub(crate) mod engines;
pub(crate) mod jobs;
pub(crate) mod scenarios;

use crate::problem::Problem;
use crate::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::OpenApi;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .merge(scenarios::router())
        .merge(jobs::router())
        .merge(engines::router())
        .fallback(|| async { Problem::not_found("no such API endpoint; see /api/openapi.json") })
}

/// The server is up.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// Always `ok`.
    status: &'static str,
    /// The astana version.
    version: &'static str,
}

/// Liveness and version.
#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "The server is up", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "astana", description = "A middle power's diplomacy, computable: every engine of the astana CLI over HTTP. Answers are the same JSON documents `astana … --json` prints; errors are RFC 9457 problem details."),
    paths(
        health,
        scenarios::list, scenarios::upload, scenarios::get_one, scenarios::delete,
        scenarios::download, scenarios::brief,
        jobs::submit, jobs::get_one, jobs::list, jobs::cancel, jobs::events,
        engines::balance, engines::alignment, engines::routes, engines::bottleneck,
        engines::assign, engines::volumes, engines::queue, engines::power_game,
        engines::power_compare, engines::mediate_domain, engines::power_posted,
        engines::mediate_posted, engines::forum_check,
    ),
    components(schemas(Health, crate::problem::Problem, crate::problem::Located)),
    tags(
        (name = "server", description = "Health and this description"),
        (name = "scenarios", description = "Stored scenarios: list, upload, download, delete, brief"),
        (name = "jobs", description = "Long computations in the background, with progress"),
        (name = "engines", description = "The engines on a stored scenario or on posted input: the same documents as the CLI's --json"),
    )
)]
pub(crate) struct ApiDoc;

/// The OpenAPI 3.1 description of this API, generated from the handlers.
async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// A cached JSON answer, with the media type.
pub(crate) fn json_bytes(bytes: std::sync::Arc<[u8]>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        axum::body::Bytes::from_owner(bytes),
    )
        .into_response()
}
