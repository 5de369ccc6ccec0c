//! `astana brief`.

use crate::args::BriefArgs;
use crate::{Failure, Outcome};
use std::path::Path;

pub(crate) fn run(scenario_dir: Option<&Path>, a: &BriefArgs) -> Outcome {
    let started = std::time::Instant::now();
    let scenario = crate::scenario_cmd::load(scenario_dir)?;
    let brief = astana_brief::render(&scenario, &astana_brief::Options { year: a.year })
        .map_err(|e| Failure::compute(format!("error: {e}")))?;
    // Replaced whole or not at all: an interrupted run keeps the previous brief.
    crate::write::atomically(&a.out, |w| w.write_all(brief.html.as_bytes()))
        .map_err(|e| Failure::compute(format!("error: cannot write {}: {e}", a.out.display())))?;
    let elapsed = started.elapsed();
    if a.json {
        return crate::fmt::print_json(&serde_json::json!({
            "out": a.out.display().to_string(),
            "bytes": brief.html.len(),
            "footnotes": brief.footnotes,
            "summary": brief.summary,
            "seconds": elapsed.as_secs_f64(),
        }));
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
