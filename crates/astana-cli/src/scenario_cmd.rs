//! `astana scenario check` and scenario loading shared by every command.

use crate::{Failure, Outcome};
use astana_model::Scenario;
use astana_query::scenario as query;
use astana_scenario::Diagnostics;
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

/// Writes `files` under `dir` (the library refuses existing files without `force`).
fn write(dir: &Path, files: &[(String, String)], force: bool) -> Result<(), Failure> {
    astana_scenario::write_files(dir, files, force)
        .map(|_| ())
        .map_err(|e| match e {
            astana_scenario::WriteError::Exists(d) => Failure::input(d),
            astana_scenario::WriteError::Io(d) => Failure::compute(Diagnostics(vec![d])),
        })
}

/// The files written, as JSON or one line each.
fn report(dir: &Path, files: &[(String, String)], json: bool, extra: serde_json::Value) -> Outcome {
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    if json {
        let mut doc = serde_json::json!({ "dir": dir.display().to_string(), "files": names });
        if let (Some(d), serde_json::Value::Object(m)) = (doc.as_object_mut(), extra) {
            d.extend(m);
        }
        return crate::fmt::print_json(&doc);
    }
    out!("Wrote {} files to {}:", names.len(), dir.display());
    for n in names {
        out!("  {n}");
    }
    Ok(())
}

/// `astana scenario export DIR`.
pub(crate) fn export(dir: &Path, force: bool, json: bool) -> Outcome {
    let files = astana_scenario::export_files();
    write(dir, &files, force)?;
    report(dir, &files, json, serde_json::Value::Null)?;
    if !json {
        out!(
            "Edit them, then: astana scenario check {0} && astana brief --scenario {0}",
            dir.display()
        );
    }
    Ok(())
}

/// `astana scenario init DIR --country ISO3`.
pub(crate) fn init(dir: &Path, country: &str, force: bool, json: bool) -> Outcome {
    let files =
        astana_scenario::init_files(country).map_err(|d| Failure::input(Diagnostics(vec![d])))?;
    write(dir, &files, force)?;
    // What is missing: the warnings `scenario check` gives on the folder just written.
    let (scenario, _) = astana_scenario::load_dir(dir)
        .map_err(|d| Failure::compute(format!("{d}\nerror: the skeleton written does not load")))?;
    let gaps = scenario.gaps();
    let extra = serde_json::json!({ "country": scenario.focal, "missing": gaps });
    report(dir, &files, json, extra)?;
    if !json {
        out!("To fill in (README.md has the checklist):");
        for g in &gaps {
            out!("  - {}: {} ({})", g.title, g.why, g.file);
        }
        out!(
            "Then: astana scenario check {0} && astana brief --scenario {0}",
            dir.display()
        );
    }
    Ok(())
}
