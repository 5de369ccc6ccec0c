//! `/`: the stored scenarios — list, upload with its validation report, download, delete.

use super::{enc, Page};
use crate::problem::Problem;
use crate::AppState;
use astana_brief::charts::esc;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::fmt::Write;

/// The list and the upload form; `report` is the outcome of an upload just tried.
async fn render(state: &AppState, report: Option<Result<String, Problem>>) -> Response {
    let mut page = Page::new("scenarios", "Scenarios", None);
    match report {
        Some(Ok(ok)) => page.push(&ok),
        Some(Err(p)) => page.fail(&p),
        None => {}
    }
    let store = state.store().clone();
    match state.blocking(move || Ok(store.list_scenarios()?)).await {
        Ok(list) => {
            let mut rows = String::new();
            for m in &list {
                let id = enc(&m.id);
                let delete = if m.builtin {
                    r#"<span class="muted">built-in</span>"#.to_string()
                } else {
                    format!(
                        r#"<form class="inline" method="post" action="/s/{id}/delete"><button class="danger" type="submit" aria-label="Delete {name}">Delete</button></form>"#,
                        name = esc(&m.name)
                    )
                };
                let _ = write!(
                    rows,
                    r#"<tr><td><a href="/s/{id}/balance">{name}</a></td><td><code>{eid}</code></td><td class="n nw">{kb:.1} kB</td><td>{builtin}</td><td><a href="/api/scenarios/{id}/brief">brief</a> · <a href="/api/scenarios/{id}/download">zip</a></td><td>{delete}</td></tr>"#,
                    name = esc(&m.name),
                    eid = esc(&m.id),
                    kb = m.bytes as f64 / 1000.0,
                    builtin = if m.builtin { "yes" } else { "no" },
                );
            }
            page.push(&format!(
                r#"<p class="small">Stored scenarios: open one, read its brief, download it as a zip.</p><div class="wide"><table><tr><th>Name</th><th>Id</th><th class="n">Size</th><th>Built-in</th><th>Brief · download</th><th>Delete</th></tr>{rows}</table></div>"#
            ));
        }
        Err(p) => page.fail(&p),
    }
    page.push(
        r#"<h2>Upload a scenario</h2>
<p class="small">A scenario folder as a .zip or .tar.gz archive (as <code>astana scenario check</code> reads it). It is validated first: every error is listed with its file, line and field.</p>
<form class="controls" method="post" action="/" enctype="multipart/form-data">
<label>Archive (.zip or .tar.gz)<input type="file" name="file" accept=".zip,.tar.gz,.tgz,application/zip,application/gzip" required></label>
<label>Id (optional)<input type="text" name="id" pattern="[a-z0-9][a-z0-9-]{0,63}" placeholder="derived from the name" aria-describedby="id-help"></label>
<span id="id-help" class="small">lowercase letters, digits and -</span>
<button type="submit">Upload and check</button></form>"#,
    );
    page.finish(state).await
}

/// `GET /`.
pub(crate) async fn index(State(state): State<AppState>) -> Response {
    render(&state, None).await
}

/// `POST /` (multipart `file`, optional `id`): stores the upload, or shows its validation
/// report with the status the API gives (422 for an invalid scenario).
pub(crate) async fn upload(State(state): State<AppState>, multipart: Multipart) -> Response {
    let outcome = async {
        let (file, id) = read_upload(multipart).await?;
        let up = crate::api::scenarios::store_upload(&state, id, file).await?;
        let v = serde_json::to_value(&up).unwrap_or_default();
        let sid = v["id"].as_str().unwrap_or_default().to_string();
        let mut ok = format!(
            r#"<div class="ok" role="status"><p>Stored <a href="/s/{}/balance">{}</a> as <code>{}</code>.</p>"#,
            enc(&sid),
            esc(v["name"].as_str().unwrap_or_default()),
            esc(&sid)
        );
        let warnings = super::located_from_json(&v["warnings"]);
        if !warnings.is_empty() {
            ok.push_str(&format!(
                r#"<div class="caveat"><p>{} warning(s) from the check:</p>{}</div>"#,
                warnings.len(),
                super::located_list(&warnings)
            ));
        }
        ok.push_str("</div>");
        Ok::<String, Problem>(ok)
    }
    .await;
    render(&state, Some(outcome)).await
}

/// The `file` and `id` fields of an upload form.
pub(crate) async fn read_upload(
    mut multipart: Multipart,
) -> Result<(Vec<u8>, Option<String>), Problem> {
    let mut file = None;
    let mut id = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| Problem::bad_request(format!("the form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| Problem::bad_request(format!("the form could not be read: {e}")))?;
        match name.as_str() {
            "file" => file = Some(bytes.to_vec()),
            "id" => {
                let v = String::from_utf8_lossy(&bytes).trim().to_string();
                id = (!v.is_empty()).then_some(v);
            }
            other => {
                return Err(Problem::bad_request(format!(
                    "unknown form field `{}`; fields: file, id",
                    other.escape_debug()
                )))
            }
        }
    }
    match file {
        Some(f) if !f.is_empty() => Ok((f, id)),
        _ => Err(Problem::bad_request(
            "choose a scenario archive (.zip or .tar.gz) in the `file` field",
        )),
    }
}

/// `POST /s/{id}/delete`: deletes, then back to the list (the built-in one is refused).
pub(crate) async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match crate::api::scenarios::delete(State(state.clone()), Path(id)).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(p) => render(&state, Some(Err(p))).await,
    }
}
