//! `astana scenario check`.

use crate::QueryError;
use astana_model::Scenario;
use astana_scenario::{Diagnostic, Diagnostics, Loaded};
use serde::Serialize;

/// How the embedded scenario is named in answers.
pub const EMBEDDED_NAME: &str = "embedded scenario (kazakhstan)";

/// One problem, as `scenario check --json` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// "error" or "warning".
    pub severity: &'static str,
    /// File relative to the scenario folder.
    pub file: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// Field.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            severity: if d.is_error() { "error" } else { "warning" },
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            field: d.field.clone(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

/// The answer of `astana scenario check`. Errors found are an answer (`ok` false), not a
/// failure: the CLI exits 2 after printing it, a server answers 422 with it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// The folder checked (or [`EMBEDDED_NAME`]).
    pub scenario: String,
    /// No error.
    pub ok: bool,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// Every problem.
    pub problems: Vec<Problem>,
    /// All diagnostics (for the text listing).
    #[serde(skip)]
    pub diagnostics: Diagnostics,
    /// The scenario, when it loaded.
    #[serde(skip)]
    pub loaded: Option<Scenario>,
}

impl Check {
    /// The located errors, for a problem-details answer.
    pub fn error(&self) -> QueryError {
        QueryError::diagnostics(&self.diagnostics)
    }
}

/// Answers `astana scenario check` for what a loader returned; `name` names the scenario.
pub fn check(name: &str, loaded: Result<Loaded, Diagnostics>) -> Check {
    let (diags, scenario) = match loaded {
        Ok((s, d)) => (d, Some(s)),
        Err(d) => (d, None),
    };
    Check {
        scenario: name.to_string(),
        ok: diags.errors() == 0,
        errors: diags.errors(),
        warnings: diags.warnings(),
        problems: diags.0.iter().map(Problem::from).collect(),
        diagnostics: diags,
        loaded: scenario,
    }
}

/// Checks the embedded scenario.
pub fn check_embedded() -> Check {
    check(EMBEDDED_NAME, astana_scenario::load_embedded())
}

/// Checks a scenario from in-memory files `(relative path, text)`.
pub fn check_files(name: &str, files: &[(&str, &str)]) -> Check {
    check(name, astana_scenario::load_from_memory(files))
}
