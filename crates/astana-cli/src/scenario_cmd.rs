//! `astana scenario check` and scenario loading shared by every command.

use crate::{Failure, Outcome};
use astana_model::Scenario;
use astana_query::scenario as query;
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
    let r = match dir {
        Some(d) => query::check(&d.display().to_string(), astana_scenario::load_dir(d)),
        None => query::check_embedded(),
    };
    let (diags, name) = (&r.diagnostics, &r.scenario);
    if json {
        crate::fmt::print_json(&r)?;
    } else {
        // At most `astana_scenario::SHOWN` of them: the output must not grow with the input.
        if !diags.0.is_empty() {
            out!("{}", diags.list());
        }
        match &r.loaded {
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
    if r.ok {
        Ok(())
    } else {
        Err(Failure::input(""))
    }
}
