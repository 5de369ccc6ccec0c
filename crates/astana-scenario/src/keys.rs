//! Unknown keys in `scenario.toml`: every one reported at its place, with the closest known
//! key as a suggestion (serde's `deny_unknown_fields` stops at the first and suggests none).

use crate::diag::{Diagnostic, Locator};
use toml_edit::{ImDocument, Item, TableLike};

/// The keys each table of `scenario.toml` accepts; `*` stands for any key (a bloc id).
/// Must list exactly the fields of the `Raw*` structs in `validate.rs` (a test checks it).
pub(crate) const SCENARIO_KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "name",
            "focal",
            "default_year",
            "description",
            "vectors",
            "rollup",
            "files",
            "blocs",
            "brief",
            "corridor",
        ],
    ),
    (
        "brief",
        &[
            "alignment_note",
            "fdi_reporter",
            "mediation",
            "mediation_heading",
            "trade_gap",
            "un_group",
        ],
    ),
    (
        "corridor",
        &[
            "name",
            "family",
            "from",
            "to",
            "volumes",
            "volumes_name",
            "routes_from",
            "routes_to",
        ],
    ),
    (
        "files",
        &[
            "sources",
            "flows",
            "products",
            "memberships",
            "alignment",
            "power",
            "tenure",
            "negotiation",
            "corridor_nodes",
            "corridor_links",
            "volumes",
            "forum",
        ],
    ),
    ("blocs", &["*"]),
    ("blocs.*", &["name", "source", "members"]),
];

/// Every key of `text` that `schema` does not allow. A file that is not TOML gives none
/// (the parser reports it).
pub(crate) fn unknown_keys(file: &str, text: &str, schema: &[(&str, &[&str])]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(doc) = ImDocument::parse(text) {
        let mut loc = Locator::new(text);
        walk(file, &mut loc, doc.as_table(), "", "", schema, &mut out);
    }
    out
}

fn walk(
    file: &str,
    loc: &mut Locator<'_>,
    table: &dyn TableLike,
    path: &str,
    pattern: &str,
    schema: &[(&str, &[&str])],
    out: &mut Vec<Diagnostic>,
) {
    let Some((_, allowed)) = schema.iter().find(|(p, _)| *p == pattern) else {
        return;
    };
    let any = allowed.contains(&"*");
    for (key, item) in table.iter() {
        let (child_path, child_pattern) = if path.is_empty() {
            (key.to_string(), key.to_string())
        } else if any {
            (format!("{path}.{key}"), format!("{pattern}.*"))
        } else {
            (format!("{path}.{key}"), format!("{pattern}.{key}"))
        };
        if !any && !allowed.contains(&key) {
            let mut d = Diagnostic::error(file, "unknown key").field(if path.is_empty() {
                key
            } else {
                &child_path
            });
            d = match did_you_mean(key, allowed) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!(
                    "{} takes: {}",
                    if path.is_empty() {
                        "the top level".to_string()
                    } else {
                        format!("[{path}]")
                    },
                    allowed.join(", ")
                )),
            };
            if let Some(span) = table.key(key).and_then(toml_edit::Key::span) {
                d = d.at(loc, span.start, span.len());
            }
            out.push(d);
            continue;
        }
        let child = match item {
            Item::Table(t) => Some(t as &dyn TableLike),
            Item::Value(v) => v.as_inline_table().map(|t| t as &dyn TableLike),
            _ => None,
        };
        if let Some(t) = child {
            walk(file, loc, t, &child_path, &child_pattern, schema, out);
        }
    }
}

/// The known word closest to `word`, if it is close enough to be a typo (the project's one
/// "did you mean" rule, in astana-model).
pub(crate) fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    astana_model::text::closest(word, known.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(did_you_mean("colour", &["color", "name"]), Some("color"));
        assert_eq!(did_you_mean("foacl", &["focal", "files"]), Some("focal"));
        assert_eq!(did_you_mean("zzz", &["focal", "files"]), None);
    }

    #[test]
    fn every_unknown_key_is_located() {
        let text = "name = \"x\"\nfocl = \"KAZ\"\n[files]\nsourcse = \"s.csv\"\n[blocs.EU]\nmembres = []\n";
        let d = unknown_keys("scenario.toml", text, SCENARIO_KEYS);
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.line, d.column, d.field.clone(), d.hint.clone()))
            .collect();
        let at = |line, field: &str, hint: &str| {
            (
                Some(line),
                Some(1),
                Some(field.to_string()),
                Some(format!("did you mean `{hint}`?")),
            )
        };
        assert_eq!(
            got,
            vec![
                at(2, "focl", "focal"),
                at(4, "files.sourcse", "sources"),
                at(6, "blocs.EU.membres", "members"),
            ]
        );
    }
}
