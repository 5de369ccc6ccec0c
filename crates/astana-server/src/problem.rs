//! RFC 9457 problem details: every error under `/api` is `application/problem+json` with a
//! status, a title, a detail and — for input errors — the same located messages the CLI
//! prints (file, line, column, field).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One located message (a diagnostic of a file the request carried or named).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Located {
    /// The file, relative to the uploaded folder (or the name of the posted body).
    pub file: String,
    /// 1-based line (for CSV: the physical line of the row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The CSV column or TOML key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong (and how to fix it, when known).
    pub message: String,
}

/// A problem details document (RFC 9457).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (relative: `/problems/invalid-input`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence, in words (what the CLI would print).
    pub detail: String,
    /// Every located error and warning, when the input had any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Located>,
}

impl Problem {
    /// A problem with a status, a kind slug and a detail.
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 404.
    pub fn not_found(what: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", what)
    }

    /// 400: the request itself is malformed (parameters, body shape).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    /// 422: the request is well formed but its content is invalid.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            "Invalid input",
            detail,
        )
    }

    /// 409.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    /// 413.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request too large",
            detail,
        )
    }

    /// 500: a fault of the server, never of the input.
    pub fn internal(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            detail,
        )
    }

    /// 422 with every diagnostic of a scenario (errors and warnings), as `scenario check`
    /// reports them.
    pub fn from_diagnostics(d: &astana_scenario::Diagnostics) -> Self {
        let mut p = Problem::invalid(format!("the scenario is invalid: {}", d.summary()));
        p.errors = d.0.iter().map(located).collect();
        p
    }

    /// The status as a `StatusCode`.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A scenario diagnostic as a located message.
pub fn located(d: &astana_scenario::Diagnostic) -> Located {
    Located {
        file: d.file.clone(),
        line: d.line,
        column: d.column,
        field: d.field.clone(),
        severity: if d.is_error() { "error" } else { "warning" }.into(),
        message: match &d.hint {
            Some(h) => format!("{} ({h})", d.message),
            None => d.message.clone(),
        },
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response()
    }
}

impl From<astana_store::StoreError> for Problem {
    fn from(e: astana_store::StoreError) -> Self {
        use astana_store::StoreError as E;
        match e {
            E::Exists(_) | E::Protected(_) => Problem::conflict(e.to_string()),
            _ => Problem::internal(e.to_string()),
        }
    }
}

/// Turns the plain-text errors axum produces itself (a bad query string, a body over the
/// limit, an unknown route, a wrong method) into problem details, under `/api` only.
pub async fn api_errors_as_problems(uri: axum::http::Uri, response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !uri.path().starts_with("/api")
        || !(status.is_client_error() || status.is_server_error())
        || is_problem
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 << 10)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let detail = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let (kind, title) = match status {
        StatusCode::NOT_FOUND => ("not-found", "Not found"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "Request too large"),
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "Method not allowed"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported-media-type", "Unsupported media type"),
        s if s.is_server_error() => ("internal", "Internal error"),
        _ => ("bad-request", "Bad request"),
    };
    let mut r = Problem::new(status, kind, title, detail).into_response();
    // Keep headers such as `Allow` on a 405.
    for (k, v) in &parts.headers {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            r.headers_mut().insert(k.clone(), v.clone());
        }
    }
    r
}

/// A handler that panicked answers 500 with problem details; the server keeps running.
pub fn panic_response(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    eprintln!("error: a request handler panicked: {what}");
    Problem::internal("the server failed on this request; it has been logged").into_response()
}
