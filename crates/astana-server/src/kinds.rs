//! The kinds of job: each turns a request into a [`Work`] after checking its parameters, so
//! a bad request fails at submission (422), not later in the background.

use crate::jobs::Work;
use crate::problem::Problem;
use crate::state::DEFAULT_SCENARIO;
use crate::AppState;
use serde_json::Value;

/// Every kind of job, for messages and the API description.
pub(crate) const KINDS: &[&str] = &["brief"];

/// Checks a job's parameters and prepares its work; returns the scenario it runs on.
pub(crate) async fn prepare(
    state: &AppState,
    kind: &str,
    scenario: Option<String>,
    params: &Value,
) -> Result<(Option<String>, Work), Problem> {
    match kind {
        "brief" => {
            let id = scenario.unwrap_or_else(|| DEFAULT_SCENARIO.to_string());
            let s = state.scenario(&id).await?;
            let year = match params.get("year") {
                None | Some(Value::Null) => None,
                Some(v) => Some(
                    v.as_i64()
                        .and_then(|y| i32::try_from(y).ok())
                        .ok_or_else(|| Problem::invalid("params.year: a year such as 2023"))?,
                ),
            };
            let work: Work = Box::new(move |p| {
                p.report(0.0, "rendering");
                let b = astana_brief::render(&s, &astana_brief::Options { year })
                    .map_err(|e| Problem::invalid(e.to_string()))?;
                Ok(serde_json::json!({
                    "bytes": b.html.len(),
                    "footnotes": b.footnotes,
                    "summary": b.summary,
                }))
            });
            Ok((Some(id), work))
        }
        other => {
            let hint = astana_model::text::closest(other, KINDS.iter().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            Err(Problem::invalid(format!(
                "unknown job kind `{other}`{hint}; kinds: {}",
                KINDS.join(", ")
            )))
        }
    }
}
