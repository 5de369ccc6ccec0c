//! `/api/scenarios`: list, upload (validated like `astana scenario check`), read, download,
//! delete, and the brief of a stored scenario.

use crate::problem::{located, Located, Problem};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/scenarios", get(list).post(upload))
        .route("/scenarios/{id}", get(get_one).delete(delete))
        .route("/scenarios/{id}/download", get(download))
        .route("/scenarios/{id}/brief", get(brief))
}

/// A stored scenario in the list.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ScenarioSummary {
    /// Its id in URLs.
    id: String,
    /// Its name.
    name: String,
    /// The embedded default scenario (cannot be deleted).
    builtin: bool,
    /// When it was stored (RFC 3339, UTC).
    created: String,
    /// Size of its files in bytes.
    bytes: i64,
}

impl From<astana_store::ScenarioMeta> for ScenarioSummary {
    fn from(m: astana_store::ScenarioMeta) -> Self {
        ScenarioSummary {
            id: m.id,
            name: m.name,
            builtin: m.builtin,
            created: m.created,
            bytes: m.bytes,
        }
    }
}

/// The stored scenarios.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ScenarioList {
    /// Built-in first, then by id.
    scenarios: Vec<ScenarioSummary>,
}

/// Every stored scenario; the default one has id `kazakhstan`.
#[utoipa::path(get, path = "/api/scenarios", operation_id = "list_scenarios", tag = "scenarios",
    responses((status = 200, body = ScenarioList)))]
pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<ScenarioList>, Problem> {
    let store = state.store().clone();
    let metas = state.blocking(move || Ok(store.list_scenarios()?)).await?;
    Ok(Json(ScenarioList {
        scenarios: metas.into_iter().map(Into::into).collect(),
    }))
}

/// One file of a stored scenario.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FileEntry {
    /// Path relative to the scenario folder.
    path: String,
    /// Size in bytes.
    bytes: usize,
}

/// A stored scenario in detail.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ScenarioDetail {
    #[serde(flatten)]
    summary: ScenarioSummary,
    /// The country it is about (ISO 3166 alpha-3).
    focal: String,
    /// The year its views default to.
    default_year: i32,
    /// What it is.
    description: String,
    /// How many sources, flows, memberships it holds.
    counts: Counts,
    /// Its files.
    files: Vec<FileEntry>,
}

/// Sizes of a scenario's tables.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Counts {
    sources: usize,
    flows: usize,
    memberships: usize,
    alignment: usize,
}

/// One stored scenario: what it holds and its files.
#[utoipa::path(get, path = "/api/scenarios/{id}", operation_id = "get_scenario", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, body = ScenarioDetail),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ScenarioDetail>, Problem> {
    let store = state.store().clone();
    let key = id.clone();
    let stored = state
        .blocking(move || {
            store
                .scenario(&key)?
                .ok_or_else(|| Problem::not_found(format!("no scenario `{key}`")))
        })
        .await?;
    let s = state.scenario(&id).await?;
    Ok(Json(ScenarioDetail {
        focal: s.focal.clone(),
        default_year: s.default_year,
        description: s.description.clone(),
        counts: Counts {
            sources: s.sources.len(),
            flows: s.flows.len(),
            memberships: s.memberships.len(),
            alignment: s.alignment.len(),
        },
        files: stored
            .files
            .iter()
            .map(|(p, b)| FileEntry {
                path: p.clone(),
                bytes: b.len(),
            })
            .collect(),
        summary: stored.meta.into(),
    }))
}

/// Where to store an upload.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct UploadParams {
    /// The id to store it under (lowercase letters, digits, `-`; 1–64 characters). Default:
    /// derived from the scenario's name.
    id: Option<String>,
}

/// An archive's bytes (described as binary, not as an array of numbers).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub(crate) struct Archive(#[allow(dead_code)] Vec<u8>);

/// A stored upload, with the warnings `scenario check` gives.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Uploaded {
    #[serde(flatten)]
    summary: ScenarioSummary,
    /// Warnings (the scenario is valid but something is missing or odd).
    warnings: Vec<Located>,
}

/// Uploads a scenario folder as a zip or tar.gz archive. It is validated with the same
/// located errors as `astana scenario check` (422 with every error) and stored whole.
#[utoipa::path(post, path = "/api/scenarios", operation_id = "upload_scenario", tag = "scenarios",
    params(UploadParams),
    request_body(content((Archive = "application/zip"), (Archive = "application/gzip")),
        description = "The scenario folder as .zip or .tar.gz"),
    responses((status = 201, body = Uploaded, links(
                  ("GetScenario" = (operation_id = "get_scenario", parameters(("id" = "$response.body#/id")))),
                  ("DownloadScenario" = (operation_id = "download_scenario", parameters(("id" = "$response.body#/id")))),
                  ("ScenarioBrief" = (operation_id = "scenario_brief", parameters(("id" = "$response.body#/id")))),
                  ("DeleteScenario" = (operation_id = "delete_scenario", parameters(("id" = "$response.body#/id")))))),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "A malformed id or an unknown query parameter"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "The id is taken"),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 415, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json", description = "Invalid scenario, with every located error")))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    Query(p): Query<UploadParams>,
    body: Bytes,
) -> Result<Response, Problem> {
    let uploaded = store_upload(&state, p.id, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(uploaded)).into_response())
}

/// Validates and stores an uploaded archive (shared with the dashboard's upload form).
pub(crate) async fn store_upload(
    state: &AppState,
    id: Option<String>,
    body: Vec<u8>,
) -> Result<Uploaded, Problem> {
    if let Some(id) = &id {
        check_id(id)?;
    }
    let store = state.store().clone();
    let meta = state
        .blocking(move || {
            let files = crate::archive::unpack(&body)?;
            let (scenario, warnings) = astana_scenario::load_from_bytes(&files)
                .map_err(|d| Problem::from_diagnostics(&d))?;
            let id = match id {
                Some(id) => id,
                None => slug(&scenario.name)?,
            };
            let meta = store.put_scenario(&id, &scenario.name, false, &files)?;
            Ok(Uploaded {
                summary: meta.into(),
                warnings: warnings.0.iter().map(located).collect(),
            })
        })
        .await?;
    Ok(meta)
}

fn check_id(id: &str) -> Result<(), Problem> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(Problem::bad_request(format!(
            "id `{}`: use 1–64 lowercase letters, digits and `-`, not starting with `-`",
            id.escape_debug()
        )))
    }
}

/// `Türkiye 2024` → `turkiye-2024`.
fn slug(name: &str) -> Result<String, Problem> {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ü' => 'u',
            'ö' => 'o',
            'ç' => 'c',
            'ş' => 's',
            'ğ' => 'g',
            'ı' => 'i',
            'ä' => 'a',
            'é' | 'è' | 'ê' => 'e',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').chars().take(64).collect::<String>();
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        return Err(Problem::bad_request(
            "the scenario's name gives no usable id; pass `?id=`",
        ));
    }
    Ok(s)
}

/// Deletes a stored scenario (not the built-in default).
#[utoipa::path(delete, path = "/api/scenarios/{id}", operation_id = "delete_scenario", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 204, description = "Deleted"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json", description = "The built-in scenario")))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let store = state.store().clone();
    let key = id.clone();
    let gone = state
        .blocking(move || Ok(store.delete_scenario(&key)?))
        .await?;
    if !gone {
        return Err(Problem::not_found(format!("no scenario `{id}`")));
    }
    state.forget(&id);
    Ok(StatusCode::NO_CONTENT)
}

/// The scenario folder as a zip archive (what was uploaded; the default one as embedded).
#[utoipa::path(get, path = "/api/scenarios/{id}/download", operation_id = "download_scenario", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id")),
    responses((status = 200, content_type = "application/zip", body = Archive),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let store = state.store().clone();
    let key = id.clone();
    let zip = state
        .blocking(move || {
            let s = store
                .scenario(&key)?
                .ok_or_else(|| Problem::not_found(format!("no scenario `{key}`")))?;
            crate::archive::zip_folder(&key, &s.files)
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}.zip\""),
            ),
        ],
        zip,
    )
        .into_response())
}

/// Which brief.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct BriefParams {
    /// The year of the balance sections (default: the scenario's default year).
    year: Option<i32>,
    /// The date printed on the brief, YYYY-MM-DD (default: the day of SOURCE_DATE_EPOCH
    /// when set, else today in UTC).
    date: Option<String>,
}

/// The same self-contained HTML brief `astana brief` writes, for a stored scenario.
#[utoipa::path(get, path = "/api/scenarios/{id}/brief", operation_id = "scenario_brief", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario id"), BriefParams),
    responses((status = 200, content_type = "text/html", body = String),
              (status = 400, body = Problem, content_type = "application/problem+json", description = "A malformed or unknown query parameter"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub(crate) async fn brief(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<BriefParams>,
    headers: axum::http::HeaderMap,
) -> Result<Response, Problem> {
    // The brief is 450 KB of HTML that gzips to about a quarter: it is cached compressed
    // too, and sent compressed to clients that accept it.
    let gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    // The date is resolved here so that the cache key holds it: a brief cached yesterday
    // is not today's.
    let date = match p.date.as_deref() {
        Some(d) => {
            astana_brief::parse_date(d).map_err(|e| Problem::bad_request(format!("date: {e}")))?
        }
        None => astana_brief::default_date().map_err(Problem::internal)?,
    };
    let question = format!("brief?year={:?}&date={date}&gzip={gzip}", p.year);
    let body = match state.cached(&id, &question) {
        Some(h) => h,
        None => {
            let s = state.scenario(&id).await?;
            let year = p.year;
            let body: std::sync::Arc<[u8]> = state
                .blocking(move || {
                    let options = astana_brief::Options {
                        year,
                        date: Some(date),
                        ..astana_brief::Options::default()
                    };
                    let html = astana_brief::render(&s, &options)
                        .map(|b| b.html.into_bytes())
                        .map_err(|e| Problem::invalid(e.to_string()))?;
                    if !gzip {
                        return Ok(html.into());
                    }
                    use std::io::Write;
                    let mut z = flate2::write::GzEncoder::new(
                        Vec::with_capacity(html.len() / 3),
                        flate2::Compression::default(),
                    );
                    z.write_all(&html)
                        .and_then(|()| z.finish())
                        .map(Into::into)
                        .map_err(|e| Problem::internal(format!("cannot compress the brief: {e}")))
                })
                .await?;
            state.remember(&id, &question, body.clone());
            body
        }
    };
    let mut r = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::VARY, "accept-encoding"),
        ],
        axum::body::Bytes::from_owner(body),
    )
        .into_response();
    if gzip {
        r.headers_mut().insert(
            header::CONTENT_ENCODING,
            axum::http::HeaderValue::from_static("gzip"),
        );
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_ascii() {
        assert_eq!(super::slug("Türkiye 2024").expect("slug"), "turkiye-2024");
        assert!(super::slug("—").is_err());
        assert!(super::check_id("ok-1").is_ok());
        assert!(super::check_id("Bad").is_err());
        assert_eq!(crate::state::DEFAULT_SCENARIO, "kazakhstan");
    }
}
