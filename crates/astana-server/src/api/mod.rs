//! The JSON API under `/api`.

pub(crate) mod engines;
pub(crate) mod jobs;
pub(crate) mod mediations;
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
        .merge(mediations::router())
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
#[utoipa::path(get, path = "/api/health", operation_id = "health", tag = "server",
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
        mediations::create, mediations::get_one, mediations::profile, mediations::start,
        mediations::propose, mediations::respond, mediations::events, mediations::outcome,
    ),
    components(schemas(Health, crate::problem::Problem, crate::problem::Located)),
    modifiers(&Capability),
    tags(
        (name = "server", description = "Health and this description"),
        (name = "scenarios", description = "Stored scenarios: list, upload, download, delete, brief"),
        (name = "jobs", description = "Long computations in the background, with progress"),
        (name = "engines", description = "The engines on a stored scenario or on posted input: the same documents as the CLI's --json"),
        (name = "mediations", description = "Live mediations: parties negotiate through the server, each profile seen only by its owner; calls carry a capability token"),
    )
)]
pub(crate) struct ApiDoc;

/// The `capability` security scheme: a mediation's token as `Authorization: Bearer`.
struct Capability;

impl utoipa::Modify for Capability {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "capability",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A mediation's capability token (the mediator's or a party's), as returned by `POST /api/mediations`",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI 3.1 description of this API, generated from the handlers.
async fn openapi() -> Response {
    static DOC: std::sync::OnceLock<std::sync::Arc<[u8]>> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| serde_json::to_vec(&document()).unwrap_or_default().into());
    json_bytes(doc.clone())
}

/// The description as JSON. utoipa 5 writes a response link's fields in snake_case
/// (`operation_id`); OpenAPI spells them `operationId`, `operationRef`, `requestBody`
/// (fixed in utoipa 6).
pub(crate) fn document() -> serde_json::Value {
    use serde_json::Value;
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    let operations = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut());
    for op in operations {
        let responses = op.get_mut("responses").and_then(Value::as_object_mut);
        for r in responses.into_iter().flat_map(|r| r.values_mut()) {
            let links = r.get_mut("links").and_then(Value::as_object_mut);
            for link in links.into_iter().flat_map(|l| l.values_mut()) {
                let Some(link) = link.as_object_mut() else {
                    continue;
                };
                for (from, to) in [
                    ("operation_id", "operationId"),
                    ("operation_ref", "operationRef"),
                    ("request_body", "requestBody"),
                ] {
                    if let Some(v) = link.remove(from) {
                        link.insert(to.into(), v);
                    }
                }
            }
        }
    }
    doc
}

/// A cached JSON answer, with the media type.
pub(crate) fn json_bytes(bytes: std::sync::Arc<[u8]>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        axum::body::Bytes::from_owner(bytes),
    )
        .into_response()
}
