//! `tenure.toml` checked at its places. `Tenure::from_toml` (voting power) reads what it
//! needs and skips what it cannot read; what it skips would make the brief print "—" with no
//! reason given, so names and counts are checked here, located, at load.

use crate::diag::{Diagnostic, Diagnostics, Locator};
use crate::keys::did_you_mean;
use toml_edit::{ImDocument, Item, TableLike};

fn table(item: Option<&Item>) -> Option<&dyn TableLike> {
    item.and_then(Item::as_table_like)
}

/// Every group name that is not a `[groups]` key and every count that is not a whole number
/// from 0 to 2³²−1, in `[focal]`, `[groups]` and each `[[model]]`.
pub(crate) fn check(file: &str, text: &str, diags: &mut Diagnostics) {
    let Ok(doc) = ImDocument::parse(text) else {
        // Not TOML: `Tenure::from_toml` has said so.
        return;
    };
    let mut loc = Locator::new(text);
    let root = doc.as_table();
    let groups: Vec<&str> = table(root.get("groups"))
        .map(|g| g.iter().map(|(k, _)| k).collect())
        .unwrap_or_default();
    let mut at = |d: Diagnostic, span: Option<std::ops::Range<usize>>| match span {
        Some(s) => diags.push(d.at(&mut loc, s.start, s.len())),
        None => diags.push(d),
    };
    let unknown = |name: &str, field: &str| {
        let d = Diagnostic::error(file, format!("unknown group `{name}`")).field(field);
        match did_you_mean(name, &groups) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("[groups] names: {}", groups.join(", "))),
        }
    };
    if let Some(g) = table(root.get("focal")).and_then(|f| f.get("group")) {
        if let Some(name) = g.as_str().filter(|n| !groups.contains(n)) {
            at(unknown(name, "focal.group"), g.span());
        }
    }
    if let Some(g) = table(root.get("groups")) {
        for (name, item) in g.iter() {
            let field = format!("groups.{name}.eligible");
            match table(Some(item)).and_then(|t| t.get("eligible")) {
                Some(v) => count(file, &field, v, &mut at),
                None => at(
                    Diagnostic::error(file, format!("group `{name}` has no `eligible` count"))
                        .field(&field)
                        .hint("the members that can hold an elected seat (the group less its permanent members)"),
                    g.key(name).and_then(toml_edit::Key::span),
                ),
            }
        }
    }
    let models = root.get("model").and_then(Item::as_array_of_tables);
    for (i, m) in models.into_iter().flat_map(|a| a.iter()).enumerate() {
        if m.get("file").and_then(Item::as_str).is_none() {
            at(
                Diagnostic::error(file, "a [[model]] without `file` applies to no game")
                    .field(&format!("model[{i}].file"))
                    .hint("name the game file, e.g. file = \"unsc.toml\""),
                m.span(),
            );
        }
        for key in ["seats", "new_permanent"] {
            let Some(t) = table(m.get(key)) else {
                continue;
            };
            for (name, v) in t.iter() {
                let field = format!("model[{i}].{key}.{name}");
                if groups.contains(&name) {
                    count(file, &field, v, &mut at);
                } else {
                    at(
                        unknown(name, &field),
                        t.key(name).and_then(toml_edit::Key::span),
                    );
                }
            }
        }
        if let Some(v) = m.get("term_years") {
            if !matches!(v.as_integer(), Some(1..=100)) {
                at(
                    Diagnostic::error(
                        file,
                        "`term_years` is not a whole number of years from 1 to 100",
                    )
                    .field(&format!("model[{i}].term_years")),
                    v.span(),
                );
            }
        }
    }
}

/// A count: a whole number from 0 to `u32::MAX` (what `Tenure` keeps).
fn count(
    file: &str,
    field: &str,
    v: &Item,
    at: &mut impl FnMut(Diagnostic, Option<std::ops::Range<usize>>),
) {
    if !matches!(v.as_integer().map(u32::try_from), Some(Ok(_))) {
        at(
            Diagnostic::error(file, "not a whole number from 0 to 4294967295").field(field),
            v.span(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> Vec<(Option<usize>, Option<usize>, String, String)> {
        let mut d = Diagnostics::default();
        check("power/tenure.toml", text, &mut d);
        d.0.into_iter()
            .map(|d| {
                (
                    d.line,
                    d.column,
                    d.field.unwrap_or_default(),
                    format!("{} / {}", d.message, d.hint.unwrap_or_default()),
                )
            })
            .collect()
    }

    #[test]
    fn the_shipped_tenure_file_passes() {
        let text = include_str!("../../../data/scenarios/kazakhstan/power/tenure.toml");
        assert_eq!(places(text), []);
    }

    #[test]
    fn names_and_counts_are_checked_where_they_stand() {
        let text = "[focal]\ngroup = \"ASIA_PACIFC\"\n[groups]\nASIA_PACIFIC = { eligible = 52 }\nEEG = { eligible = -1 }\nWEOG = { members = 28 }\n[[model]]\nfile = \"unsc.toml\"\nseats = { ASIA_PACIFIC = 2.5, EGG = 1 }\nterm_years = 0\n[[model]]\nseats = {}\n";
        let got = places(text);
        let want = [
            (2, 9, "focal.group", "unknown group `ASIA_PACIFC` / did you mean `ASIA_PACIFIC`?"),
            (5, 20, "groups.EEG.eligible", "not a whole number from 0 to 4294967295 / "),
            (6, 1, "groups.WEOG.eligible", "group `WEOG` has no `eligible` count / the members that can hold an elected seat (the group less its permanent members)"),
            (9, 26, "model[0].seats.ASIA_PACIFIC", "not a whole number from 0 to 4294967295 / "),
            (9, 31, "model[0].seats.EGG", "unknown group `EGG` / did you mean `EEG`?"),
            (10, 14, "model[0].term_years", "`term_years` is not a whole number of years from 1 to 100 / "),
            (11, 1, "model[1].file", "a [[model]] without `file` applies to no game / name the game file, e.g. file = \"unsc.toml\""),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(l, c, f, m)| (Some(*l), Some(*c), f.to_string(), m.to_string()))
            .collect();
        assert_eq!(got, want);
    }
}
