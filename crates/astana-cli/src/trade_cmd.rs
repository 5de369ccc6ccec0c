//! `astana trade import`: the importers of astana-trade, with a summary on stdout.

use crate::args::{TradeCommand, TradeImportArgs};
#[cfg(feature = "columnar")]
use crate::args::{TradeFormat, TradeUnit};
use crate::{Failure, Outcome};
#[cfg(feature = "columnar")]
use astana_trade::import::{self, Format, ImportError, Options, Unit};

pub(crate) fn run(command: TradeCommand) -> Outcome {
    match command {
        TradeCommand::Import(a) => import_cmd(&a),
    }
}

/// Built without the columnar engine: the importers are not in this binary.
#[cfg(not(feature = "columnar"))]
fn import_cmd(_: &TradeImportArgs) -> Outcome {
    Err(Failure::input(
        "error: this astana was built without the `columnar` feature, so it has no importers; rebuild with `cargo install --path crates/astana-cli --features columnar`",
    ))
}

#[cfg(feature = "columnar")]
fn import_cmd(a: &TradeImportArgs) -> Outcome {
    let format = match a.format {
        TradeFormat::Baci => Format::Baci,
        TradeFormat::Comtrade => Format::Comtrade,
        TradeFormat::Dots => Format::Dots,
    };
    if a.both && format != Format::Baci {
        return Err(Failure::input(
            "error: --both applies to BACI only (a mirror dataset)",
        ));
    }
    if a.unit.is_some() && format != Format::Dots {
        return Err(Failure::input("error: --unit applies to DOTS only"));
    }
    let opts = Options {
        countries: a.countries.clone(),
        both: a.both,
        source: a.source.clone(),
        unit: a.unit.map(|u| match u {
            TradeUnit::Usd => Unit::Usd,
            TradeUnit::Thousands => Unit::Thousands,
            TradeUnit::Millions => Unit::Millions,
        }),
        force: a.force,
    };
    let s = import::import(format, &a.input, &a.out, &opts).map_err(|e| match &e {
        ImportError::Input(_) => Failure::input(&e),
        ImportError::Write(_) => Failure::compute(&e),
    })?;
    if a.json {
        let files: Vec<String> = s.files.iter().map(|f| f.display().to_string()).collect();
        return crate::fmt::print_json(&serde_json::json!({
            "records": s.records,
            "rows": s.rows,
            "files": files,
            "source": s.source,
            "skipped": s.skipped,
        }));
    }
    out!(
        "{}: {} records → {} flow rows (source `{}`) in {} file{}",
        a.out.display(),
        s.records,
        s.rows,
        s.source,
        s.files.len(),
        if s.files.len() == 1 { "" } else { "s" }
    );
    for (why, n) in &s.skipped {
        out!("  skipped {n}: {why}");
    }
    Ok(())
}
