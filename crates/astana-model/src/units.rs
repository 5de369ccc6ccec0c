//! How amounts and shares are written for people (CLI text and the brief alike).

/// US dollars in the largest fitting unit: `$5.94tn`, `$31.4bn`, `$862m`.
pub fn usd(v: f64) -> String {
    if v.abs() >= 1e12 {
        format!("${:.2}tn", v / 1e12)
    } else if v.abs() >= 1e9 {
        format!("${:.1}bn", v / 1e9)
    } else {
        format!("${:.0}m", v / 1e6)
    }
}

/// A fraction as a percentage with one decimal: `0.231` → `23.1%`.
pub fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn written_for_people() {
        assert_eq!(super::usd(5.94e12), "$5.94tn");
        assert_eq!(super::usd(31.4e9), "$31.4bn");
        assert_eq!(super::usd(862.182e6), "$862m");
        assert_eq!(super::pct(0.2311), "23.1%");
    }
}
