//! `astana brief`: the HTML brief and its summary.
//!
//! The CLI's `--json` summary is `{"out", "bytes", "footnotes", "summary", "seconds"}`; the
//! output path and the wall-clock time belong to the CLI's run, not to the question, so
//! [`Brief`] serialises the three middle fields and the CLI adds `out` before them and
//! `seconds` after.

use crate::QueryError;
use astana_model::Scenario;
use serde::{Deserialize, Serialize};

/// The parameters of `astana brief`, named as its long flags (`out` is the CLI's).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct Params {
    /// Year of the balance section (default: the scenario's default year).
    pub year: Option<i32>,
}

/// The rendered brief.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// The whole HTML document (not part of the JSON summary).
    #[serde(skip)]
    pub html: String,
    /// Size of the HTML, bytes.
    pub bytes: usize,
    /// Number of footnotes (distinct sources cited).
    pub footnotes: usize,
    /// A few lines for the terminal.
    pub summary: Vec<String>,
}

/// Renders the brief of `scenario`.
///
/// # Errors
/// The brief cannot be rendered (compute).
pub fn run(scenario: &Scenario, p: &Params) -> Result<Brief, QueryError> {
    let b = astana_brief::render(scenario, &astana_brief::Options { year: p.year })
        .map_err(|e| QueryError::compute(format!("error: {e}")))?;
    Ok(Brief {
        bytes: b.html.len(),
        html: b.html,
        footnotes: b.footnotes,
        summary: b.summary,
    })
}
