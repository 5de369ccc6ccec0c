//! `astana brief`.

use crate::args::BriefArgs;
use crate::{Failure, Outcome};
use std::path::Path;

pub(crate) fn run(scenario_dir: Option<&Path>, a: &BriefArgs) -> Outcome {
    let started = std::time::Instant::now();
    let scenario = crate::scenario_cmd::load(scenario_dir)?;
    let brief = astana_brief::render(&scenario, &astana_brief::Options { year: a.year })
        .map_err(|e| Failure::compute(format!("error: {e}")))?;
    std::fs::write(&a.out, &brief.html)
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
    out!(
        "Wrote {} ({} KB, {} sources cited) in {:.0} ms",
        a.out.display(),
        brief.html.len() / 1024,
        brief.footnotes,
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}
