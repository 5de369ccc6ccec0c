//! `astana brief`.

use crate::args::BriefArgs;
use crate::{Failure, Outcome};
use std::path::Path;

pub(crate) fn run(scenario_dir: Option<&Path>, a: &BriefArgs) -> Outcome {
    let started = std::time::Instant::now();
    let scenario = crate::scenario_cmd::load(scenario_dir)?;
    // The date printed on the brief: --date, else SOURCE_DATE_EPOCH's day, else today (UTC).
    let date = match a.date {
        Some(d) => d,
        None => astana_brief::default_date().map_err(|e| Failure::input(format!("error: {e}")))?,
    };
    let params = astana_query::brief::Params {
        year: a.year,
        date: Some(date.to_string()),
    };
    let dir = scenario_dir.map(|d| d.display().to_string());
    let brief = astana_query::brief::run_from(&scenario, &params, dir.as_deref())?;
    // Replaced whole or not at all: an interrupted run keeps the previous brief.
    crate::write::atomically(&a.out, |w| w.write_all(brief.html.as_bytes()))
        .map_err(|e| Failure::compute(format!("error: cannot write {}: {e}", a.out.display())))?;
    let elapsed = started.elapsed();
    if a.json {
        // The library's summary between the CLI's own output path and time.
        let mut doc = serde_json::Map::new();
        doc.insert("out".into(), a.out.display().to_string().into());
        if let serde_json::Value::Object(m) =
            serde_json::to_value(&brief).map_err(Failure::compute)?
        {
            doc.extend(m);
        }
        doc.insert("seconds".into(), elapsed.as_secs_f64().into());
        return crate::fmt::print_json(&doc);
    }
    out!("{} brief", scenario.name);
    for line in &brief.summary {
        out!("  - {line}");
    }
    // No time here: the README quotes this line, and a test checks it (`--json` has it).
    out!(
        "Wrote {} ({} KB, {} sources cited)",
        a.out.display(),
        brief.html.len() / 1024,
        brief.footnotes,
    );
    Ok(())
}
