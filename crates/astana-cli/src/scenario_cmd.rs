//! `astana scenario check` and scenario loading shared by every command.

use crate::{Failure, Outcome};
use astana_model::Scenario;
use astana_scenario::{Diagnostic, Diagnostics};
use std::path::Path;

/// Loads `dir` or the embedded scenario; prints warnings to stderr.
pub(crate) fn load(dir: Option<&Path>) -> Result<Scenario, Failure> {
    let result = match dir {
        Some(d) => astana_scenario::load_dir(d),
        None => astana_scenario::load_embedded(),
    };
    match result {
        Ok((s, _warnings)) => Ok(s),
        Err(d) => Err(Failure::input(format!(
            "{d}\nhint: run `astana scenario check{}` for details",
            dir.map(|d| format!(" {}", d.display())).unwrap_or_default()
        ))),
    }
}

pub(crate) fn check(dir: Option<&Path>, json: bool) -> Outcome {
    let (diags, scenario) = match dir {
        Some(d) => split(astana_scenario::load_dir(d)),
        None => split(astana_scenario::load_embedded()),
    };
    let name = dir.map_or("embedded scenario (kazakhstan)".to_string(), |d| {
        d.display().to_string()
    });
    if json {
        let items: Vec<serde_json::Value> = diags.0.iter().map(diag_json).collect();
        crate::fmt::print_json(&serde_json::json!({
            "scenario": name,
            "ok": diags.errors() == 0,
            "errors": diags.errors(),
            "warnings": diags.warnings(),
            "problems": items,
        }))?;
    } else {
        // At most `astana_scenario::SHOWN` of them: the output must not grow with the input.
        if !diags.0.is_empty() {
            out!("{}", diags.list());
        }
        match &scenario {
            Some(s) => out!(
                "{name}: ok — {} sources, {} flows, {} blocs, {} memberships, {} alignment rows; {}",
                s.sources.len(),
                s.flows.len(),
                s.blocs.len(),
                s.memberships.len(),
                s.alignment.len(),
                diags.summary()
            ),
            None => out!("{name}: {}", diags.summary()),
        }
    }
    if diags.errors() > 0 {
        Err(Failure::input(""))
    } else {
        Ok(())
    }
}

fn split(r: Result<astana_scenario::Loaded, Diagnostics>) -> (Diagnostics, Option<Scenario>) {
    match r {
        Ok((s, d)) => (d, Some(s)),
        Err(d) => (d, None),
    }
}

fn diag_json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": if d.is_error() { "error" } else { "warning" },
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "field": d.field,
        "message": d.message,
        "hint": d.hint,
    })
}
