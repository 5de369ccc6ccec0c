//! One question → one document. For every command with `--json`, the parameters (named as
//! the CLI's long flags), their validation, the engine calls and the JSON document. The
//! `astana` CLI and the HTTP server both call these functions and only present the result:
//! `serde_json::to_string_pretty(&report)` is exactly what `astana X --json` prints.
//!
//! Inputs that are not a scenario (a game file, a negotiation domain, a forum folder) come
//! in as text; this crate never opens a file.
//!
//! ```
//! let (scenario, _) = astana_scenario::load_embedded().expect("embedded scenario");
//! // What `astana balance --year 2023 --flow exports --json` asks (a server gets the same
//! // from the query string `year=2023&flow=exports`).
//! let p = astana_query::balance::Params {
//!     year: Some(2023),
//!     flow: Some("exports".into()),
//!     ..Default::default()
//! };
//! let report = astana_query::balance::run(&scenario, &p).expect("balance");
//! let doc = serde_json::to_value(&report).expect("json");
//! assert_eq!(doc["year"], 2023);
//! assert_eq!(doc["flow"], "exports");
//! ```

pub mod balance;
pub mod brief;
pub mod corridor;
pub mod forum;
pub mod mediate;
pub mod power;
pub mod scenario;

use serde::Serialize;
use std::fmt;

/// What kind of failure: decides the CLI's exit code and the HTTP status.
///
/// | kind | CLI exit | HTTP |
/// |---|---|---|
/// | `Input` | 2 | 422 when `errors` locates problems in posted content, else 400 |
/// | `Compute` | 1 | 422 (the question is well formed but has no answer; also "cancelled") |
/// | `NotFound` | 2 | 404 |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Bad parameters or bad input files.
    Input,
    /// The computation failed (no data, no route, over a work limit, cancelled…).
    Compute,
    /// A named thing (a game, a scenario file) does not exist.
    NotFound,
}

/// One located diagnostic: file, line, column, field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    /// File name as the user gave it (relative to the scenario folder for scenario files).
    pub file: String,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// Field (CSV column, TOML key, XML element), if any.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl From<&astana_scenario::Diagnostic> for Located {
    fn from(d: &astana_scenario::Diagnostic) -> Self {
        Located {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            field: d.field.clone(),
            message: d.message.clone(),
        }
    }
}

impl From<&astana_negotiation::DomainError> for Located {
    fn from(e: &astana_negotiation::DomainError) -> Self {
        Located {
            file: e.file.clone(),
            line: (e.line > 0).then_some(e.line),
            column: (e.line > 0).then_some(e.column),
            field: (!e.element.is_empty()).then(|| e.element.clone()),
            message: e.message.clone(),
        }
    }
}

/// A failed question. `Display` prints exactly what the CLI prints on stderr; `detail` is
/// the same text without the leading `error: `; `errors` lists located problems one by one.
#[derive(Debug, Clone, Serialize)]
pub struct QueryError {
    /// Input, computation or not found.
    pub kind: ErrorKind,
    /// A short summary ("bad input", "computation failed", "not found", "cancelled").
    pub title: String,
    /// The human message.
    pub detail: String,
    /// Each located problem separately (empty when the message is not about a file).
    pub errors: Vec<Located>,
    #[serde(skip)]
    shown: String,
}

impl QueryError {
    fn new(kind: ErrorKind, title: &str, shown: impl fmt::Display) -> Self {
        let shown = shown.to_string();
        let detail = shown
            .strip_prefix("error: ")
            .unwrap_or(&shown)
            .trim_end()
            .to_string();
        QueryError {
            kind,
            title: title.to_string(),
            detail,
            errors: Vec::new(),
            shown,
        }
    }

    /// Bad input; `shown` is the CLI's message (usually starting `error: `).
    pub fn input(shown: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Input, "bad input", shown)
    }

    /// The computation failed.
    pub fn compute(shown: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Compute, "computation failed", shown)
    }

    /// A named thing does not exist.
    pub fn not_found(shown: impl fmt::Display) -> Self {
        Self::new(ErrorKind::NotFound, "not found", shown)
    }

    /// The caller cancelled the computation (see [`Progress`]).
    pub fn cancelled() -> Self {
        Self::new(ErrorKind::Compute, "cancelled", "error: cancelled")
    }

    /// With the located problems behind the message.
    #[must_use]
    pub fn located(mut self, errors: Vec<Located>) -> Self {
        self.errors = errors;
        self
    }

    /// Scenario or forum diagnostics: the list as `Display` prints it, each one located.
    pub fn diagnostics(d: &astana_scenario::Diagnostics) -> Self {
        Self::input(d).located(
            d.0.iter()
                .filter(|x| x.is_error())
                .map(Located::from)
                .collect(),
        )
    }

    /// The CLI's exit code: 2 for input and not found, 1 for a failed computation.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Input | ErrorKind::NotFound => 2,
            ErrorKind::Compute => 1,
        }
    }

    /// The HTTP status (see [`ErrorKind`]).
    pub fn http_status(&self) -> u16 {
        match self.kind {
            ErrorKind::Input if self.errors.is_empty() => 400,
            ErrorKind::Input | ErrorKind::Compute => 422,
            ErrorKind::NotFound => 404,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::error::Error for QueryError {}

/// Progress and cancellation for long computations (a server's job runner; the CLI's
/// progress bar). `report(fraction 0..=1, phase)`; `cancelled()` is polled where the engine
/// reports progress and before and after the work. An engine that cannot stop mid-run
/// finishes its work and the answer is then discarded as cancelled.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    /// Told the fraction done (0 to 1) and the phase.
    pub report: &'a (dyn Fn(f64, &str) + Sync),
    /// Whether the caller wants the computation stopped.
    pub cancelled: &'a (dyn Fn() -> bool + Sync),
}

impl Progress<'_> {
    pub(crate) fn tell(p: Option<&Progress<'_>>, fraction: f64, phase: &str) {
        if let Some(p) = p {
            (p.report)(fraction.clamp(0.0, 1.0), phase);
        }
    }

    /// An error when the caller has cancelled.
    pub(crate) fn check(p: Option<&Progress<'_>>) -> Result<(), QueryError> {
        match p {
            Some(p) if (p.cancelled)() => Err(QueryError::cancelled()),
            _ => Ok(()),
        }
    }
}

/// A comma-separated list flag (`avoid=GEO,ARM`) as trimmed, non-empty items.
pub(crate) fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// One of `choices` for flag `--flag`, or an error with a "did you mean".
pub(crate) fn choice<'c>(
    flag: &str,
    value: &str,
    choices: &[&'c str],
) -> Result<&'c str, QueryError> {
    if let Some(c) = choices.iter().find(|c| **c == value) {
        return Ok(c);
    }
    let hint = astana_model::text::closest(value, choices.iter().copied())
        .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
    Err(QueryError::input(format!(
        "error: --{flag}: unknown value `{value}`; expected one of {}{hint}",
        choices.join(", ")
    )))
}
