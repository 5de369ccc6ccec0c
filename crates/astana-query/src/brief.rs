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
    /// Generation date printed on the brief, `YYYY-MM-DD` (default: `SOURCE_DATE_EPOCH`'s
    /// day when set, else today in UTC).
    pub date: Option<String>,
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
/// A `date` that is not `YYYY-MM-DD` (input); the brief cannot be rendered (compute).
pub fn run(scenario: &Scenario, p: &Params) -> Result<Brief, QueryError> {
    run_from(scenario, p, None)
}

/// [`run`] for a scenario read from `scenario_dir` (as the reader typed it), which the
/// brief's reproducing command then names.
///
/// # Errors
/// As [`run`].
pub fn run_from(
    scenario: &Scenario,
    p: &Params,
    scenario_dir: Option<&str>,
) -> Result<Brief, QueryError> {
    let date = p
        .date
        .as_deref()
        .map(astana_brief::parse_date)
        .transpose()
        .map_err(|e| QueryError::input(format!("error: --date: {e}")))?;
    let options = astana_brief::Options {
        year: p.year,
        date,
        scenario_dir: scenario_dir.map(str::to_string),
    };
    let b = astana_brief::render(scenario, &options)
        .map_err(|e| QueryError::compute(format!("error: {e}")))?;
    Ok(Brief {
        bytes: b.html.len(),
        html: b.html,
        footnotes: b.footnotes,
        summary: b.summary,
    })
}
