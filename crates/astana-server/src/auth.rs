//! The access hook: with `--token-file`, every request but `/api/health` and the login page
//! must carry the team's token, as `Authorization: Bearer TOKEN` (API clients) or the
//! `astana_token` cookie the login page sets (browsers). The token is kept only as its
//! SHA-256 and compared in constant time. Without a token the server is open to whoever can
//! reach it (the default address is loopback only).
//!
//! The live mediation service adds per-party capability tokens on top of this hook.

use crate::problem::Problem;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use sha2::{Digest, Sha256};

/// The shortest token accepted: 22 characters of base64 or 32 hex digits carry 128 bits.
pub const MIN_TOKEN_CHARS: usize = 22;

/// A token's digest.
pub(crate) type Digest32 = [u8; 32];

/// SHA-256 of a token.
pub(crate) fn digest(token: &str) -> Digest32 {
    Sha256::digest(token.as_bytes()).into()
}

/// Equal digests, in time that does not depend on where they differ.
pub(crate) fn same(a: &Digest32, b: &Digest32) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token a request carries, if any.
fn presented(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = v.strip_prefix("Bearer ") {
            return Some(t.trim().to_string());
        }
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("astana_token=").map(str::to_string))
}

/// Lets a request through if no token is required or it carries the right one.
pub(crate) async fn require(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(want) = state.inner.token.as_ref() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    // A live mediation's calls carry its capability token instead (checked by the handlers),
    // and its page reads that token from the URL fragment; creating one still needs this
    // server's token.
    if path == "/api/health"
        || path == "/login"
        || path.starts_with("/api/mediations/")
        || path.starts_with("/m/")
        // The static stylesheet and scripts (no data): the party page needs them.
        || path.starts_with("/assets/")
    {
        return next.run(req).await;
    }
    let ok = presented(req.headers()).is_some_and(|t| same(&digest(&t), want));
    if ok {
        return next.run(req).await;
    }
    if path.starts_with("/api") {
        let mut r = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "this server requires its access token: send `Authorization: Bearer TOKEN`",
        )
        .into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"astana\""),
        );
        return r;
    }
    Redirect::to("/login").into_response()
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/login", get(login_page).post(login))
}

const LOGIN: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · astana</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.5rem 0 .25rem}input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;margin-top:1rem;padding:.4rem 1rem}.err{color:#a40000}</style></head>
<body><h1>astana</h1><p>This workspace needs its access token.</p>ERROR
<form method="post" action="/login"><label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></body></html>"#;

async fn login_page() -> Html<String> {
    Html(LOGIN.replace("ERROR", ""))
}

#[derive(serde::Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    let ok = state
        .inner
        .token
        .as_ref()
        .is_none_or(|want| same(&digest(f.token.trim()), want));
    if !ok {
        return (
            StatusCode::UNAUTHORIZED,
            Html(LOGIN.replace(
                "ERROR",
                "<p class=\"err\" role=\"alert\">That token is not this workspace's.</p>",
            )),
        )
            .into_response();
    }
    let mut r = Redirect::to("/").into_response();
    // The cookie holds the token itself (the server keeps only its digest); HttpOnly keeps
    // it from scripts, SameSite=Strict from other sites' forms.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "astana_token={}; HttpOnly; SameSite=Strict; Path=/",
        f.token.trim()
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_in_the_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        assert_eq!(presented(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; astana_token=xyz"),
        );
        assert_eq!(presented(&h).as_deref(), Some("xyz"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(presented(&h).as_deref(), Some("abc"));
        assert!(same(&digest("abc"), &digest("abc")));
        assert!(!same(&digest("abc"), &digest("abd")));
    }
}
