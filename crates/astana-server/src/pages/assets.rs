//! Static files under `/assets/` (the dashboard's stylesheet and scripts) and the security
//! headers of every page.
//!
//! Pages link the files as `/assets/NAME?v=HASH` (the first 12 hex digits of the content's
//! SHA-256) and the files are served with a year-long `immutable` cache: a new build changes
//! the hash, so a browser never runs a stale script against a newer API. No page carries
//! inline script, so the Content-Security-Policy can forbid it (`script-src 'self'`): text
//! from users (party ids, issue and option names) can never become script.

use axum::extract::{Path, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// One static file: its bytes, content type and versioned URL.
pub(crate) struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: String,
    url: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, body: String) -> Asset {
        let hash = Sha256::digest(body.as_bytes());
        let hex: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
        let url = format!("/assets/{name}?v={hex}");
        Asset {
            name,
            content_type,
            body,
            url,
        }
    }

    /// The versioned URL pages link.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }
}

/// The dashboard's styles: the brief's, the dashboard's, the mediation pages'.
pub(crate) static CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "astana.css",
        "text/css; charset=utf-8",
        format!(
            "{}{}{}",
            astana_brief::charts::CSS,
            super::CSS,
            include_str!("../../assets/mediation.css")
        ),
    )
});

/// The dashboard's small enhancements (live job progress, a slider's value).
pub(crate) static DASHBOARD_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/dashboard.js").to_string(),
    )
});

/// The live mediation pages' script (`/mediations/new` and `/m/{id}`).
pub(crate) static MEDIATION_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "mediation.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/mediation.js").to_string(),
    )
});

fn all() -> [&'static Asset; 3] {
    [&CSS, &DASHBOARD_JS, &MEDIATION_JS]
}

/// `GET /assets/{name}`: the file, cached for a year (its URL changes with its content).
pub(crate) async fn serve(Path(name): Path<String>) -> Response {
    match all().into_iter().find(|a| a.name == name) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            a.body.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// The policy of the live mediation pages: nothing but this server's own files, no inline
/// script or style, no framing (clickjacking), no form posting elsewhere.
pub(crate) const STRICT_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The dashboard's policy: as strict for script; inline style stays allowed because the
/// brief's SVG charts and the corridor's colour swatches carry `style` attributes.
pub(crate) const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the security headers to every page (`text/html` answers outside `/api`): the
/// Content-Security-Policy, `nosniff`, and `no-referrer` (an invitation's address never
/// leaks to another site through a link).
pub(crate) async fn headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !path.starts_with("/api/") {
        let strict = path.starts_with("/m/") || path.starts_with("/mediations/");
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if strict { STRICT_CSP } else { DASHBOARD_CSP }),
        );
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_carry_a_content_hash() {
        let u = MEDIATION_JS.url();
        assert!(u.starts_with("/assets/mediation.js?v="), "{u}");
        assert_eq!(u.len(), "/assets/mediation.js?v=".len() + 12);
        assert_ne!(CSS.url(), DASHBOARD_JS.url());
    }
}
