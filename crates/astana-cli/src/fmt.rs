//! Number formatting for text output.

pub(crate) use astana_model::units::{pct, usd};

/// Pretty JSON on stdout.
pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> crate::Outcome {
    let s = serde_json::to_string_pretty(v).map_err(crate::Failure::compute)?;
    out!("{s}");
    Ok(())
}
