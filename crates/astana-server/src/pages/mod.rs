//! The dashboard: server-rendered pages under `/` that work without JavaScript.

use crate::AppState;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/", get(index))
}

async fn index() -> Html<&'static str> {
    Html("<!doctype html><title>astana</title><h1>astana</h1><p><a href=\"/api/scenarios\">Scenarios</a></p>")
}
