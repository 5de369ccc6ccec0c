//! Number formatting for text output.

/// `$31.4bn`, `$862m`.
pub(crate) fn usd(v: f64) -> String {
    if v.abs() >= 1e12 {
        format!("${:.2}tn", v / 1e12)
    } else if v.abs() >= 1e9 {
        format!("${:.1}bn", v / 1e9)
    } else {
        format!("${:.0}m", v / 1e6)
    }
}

/// `23.1%`.
pub(crate) fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// Pretty JSON on stdout.
pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> crate::Outcome {
    let s = serde_json::to_string_pretty(v).map_err(crate::Failure::compute)?;
    out!("{s}");
    Ok(())
}
