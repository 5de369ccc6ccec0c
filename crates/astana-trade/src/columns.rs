//! The columns of a flows table and the checks on a header or a Parquet schema.

use astana_diag::{Diagnostic, Diagnostics};

/// Every column a flows table may have (CSV header names = Parquet column names).
pub const ALL: [&str; 11] = [
    "year",
    "period",
    "reporter",
    "partner",
    "flow",
    "product",
    "value_usd",
    "quantity",
    "estimate",
    "source",
    "note",
];

/// The columns a flows table must have (`year` may come from a hive folder `year=YYYY/`).
pub const REQUIRED: [&str; 6] = ["year", "reporter", "partner", "flow", "value_usd", "source"];

/// Errors for unknown, repeated and missing columns; `file` names the table, `line` the
/// header's line when it is a CSV.
pub(crate) fn check(file: &str, line: Option<usize>, names: &[String]) -> Diagnostics {
    let mut d = Diagnostics::default();
    let at = |x: Diagnostic| match line {
        Some(l) => x.at_line(l),
        None => x,
    };
    for (i, n) in names.iter().enumerate() {
        if !ALL.contains(&n.as_str()) {
            let hint = match suggest(n) {
                Some(s) => format!("did you mean `{s}`? allowed columns: {}", ALL.join(", ")),
                None => format!("allowed columns: {}", ALL.join(", ")),
            };
            d.push(
                at(Diagnostic::error(
                    file,
                    format!("unknown column `{n}` (column {})", i + 1),
                ))
                .field(n)
                .hint(hint),
            );
        } else if names[..i].contains(n) {
            d.push(
                at(Diagnostic::error(
                    file,
                    format!("column `{n}` appears twice"),
                ))
                .field(n),
            );
        }
    }
    for r in REQUIRED {
        if !names.iter().any(|n| n == r) {
            d.push(
                at(Diagnostic::error(
                    file,
                    format!("missing required column `{r}`"),
                ))
                .hint(format!("the table must have: {}", REQUIRED.join(", "))),
            );
        }
    }
    d
}

/// The known column nearest to `name` (case-insensitive edit distance ≤ 2, or one
/// containing the other), if any.
fn suggest(name: &str) -> Option<&'static str> {
    let low = name.to_ascii_lowercase();
    ALL.iter()
        .map(|c| (distance(&low, c), *c))
        .filter(|(d, c)| *d <= 2 || (low.len() >= 3 && (c.contains(&*low) || low.contains(c))))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over bytes (column names are short ASCII).
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_column_gets_a_did_you_mean() {
        let names: Vec<String> = ["year", "reporter", "partner", "flow", "value", "source"]
            .map(String::from)
            .to_vec();
        let d = check("f.parquet", None, &names);
        let text = d.list().to_string();
        assert!(text.contains("unknown column `value` (column 5)"), "{text}");
        assert!(text.contains("did you mean `value_usd`?"), "{text}");
        assert!(
            text.contains("missing required column `value_usd`"),
            "{text}"
        );
        assert_eq!(suggest("Reporter"), Some("reporter"));
        assert_eq!(suggest("zzzzzz"), None);
    }
}
