//! The native TOML domain: issues, and any number of parties with weights, evaluations
//! per value and a reservation value, in one hand-writable file. Utilities follow GENIUS:
//! each issue's evaluations are divided by their maximum, weights are used as written and
//! the utility is capped at 1.
//!
//! ```toml
//! name = "Picnic"
//! [[issue]]
//! name = "place"
//! values = ["park", "beach"]
//! [[party]]
//! id = "alice"
//! reservation = 0.3
//! weights = { place = 1.0 }
//! [party.evaluations]
//! place = [4, 8]
//! ```
//!
//! The file is walked through `toml_edit`'s spanned document rather than deserialised, so
//! that every problem (unknown keys with a "did you mean", wrong types, bad numbers) is
//! reported at once, each at its line and column; serde would stop at the first.

use crate::domain::{normalise, Issue, Negotiation, Profile};
use crate::error::{DomainError, DomainErrors};
use std::ops::Range;
use toml_edit::{ImDocument, Item, TableLike, Value};

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "illustrative",
    "source",
    "issue",
    "party",
];
const ISSUE_KEYS: &[&str] = &["name", "values"];
const PARTY_KEYS: &[&str] = &[
    "id",
    "name",
    "reservation",
    "discount",
    "weights",
    "evaluations",
];

/// " (did you mean `x`?)" for the closest of `known`, or the list of what is allowed.
pub fn did_you_mean(word: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), *k))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, k)) if score >= 0.8 => format!("; did you mean `{k}`?"),
        _ => format!(
            "; expected one of {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<DomainError>,
    more: usize,
}

impl Reader<'_> {
    fn err(&mut self, span: Option<Range<usize>>, field: &str, message: String) {
        if self.errors.len() >= crate::error::MAX_ERRORS {
            self.more += 1;
            return;
        }
        let span = span.unwrap_or(0..1);
        let l = astana_model::text::locate(self.text, span.start, span.len());
        self.errors.push(DomainError::new(
            self.file,
            (l.line, l.column),
            field,
            message,
        ));
    }

    /// Every key of `table` not in `known` is an error.
    fn unknown_keys(&mut self, table: &dyn TableLike, known: &[&str], field: &str) {
        for (k, _) in table.iter() {
            if !known.contains(&k) {
                let span = table.get_key_value(k).and_then(|(key, _)| key.span());
                self.err(
                    span,
                    field,
                    format!("unknown key `{k}`{}", did_you_mean(k, known)),
                );
            }
        }
    }

    fn string(&mut self, table: &dyn TableLike, key: &str, field: &str) -> Option<String> {
        let item = table.get(key)?;
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.err(
                    item.span(),
                    field,
                    format!("must be a string, found {}", item.type_name()),
                );
                None
            }
        }
    }

    /// A finite number (integer or float) from a value.
    fn number_value(&mut self, v: &Value, field: &str, what: &str) -> Option<f64> {
        let x = match v {
            Value::Integer(i) => *i.value() as f64,
            Value::Float(f) => *f.value(),
            other => {
                self.err(
                    other.span(),
                    field,
                    format!("{what} must be a number, found {}", other.type_name()),
                );
                return None;
            }
        };
        if !x.is_finite() {
            self.err(v.span(), field, format!("{what} must be finite, found {x}"));
            return None;
        }
        Some(x)
    }

    fn number_item(&mut self, item: &Item, field: &str, what: &str) -> Option<f64> {
        match item.as_value() {
            Some(v) => self.number_value(v, field, what),
            None => {
                self.err(
                    item.span(),
                    field,
                    format!("{what} must be a number, found {}", item.type_name()),
                );
                None
            }
        }
    }
}

/// The tables of an array of tables (`[[issue]]`) or of an inline array (`issue = [{…}]`),
/// each with its span.
fn tables<'i>(
    r: &mut Reader<'_>,
    item: &'i Item,
    field: &str,
) -> Vec<(&'i dyn TableLike, Option<Range<usize>>)> {
    if let Some(a) = item.as_array_of_tables() {
        return a.iter().map(|t| (t as &dyn TableLike, t.span())).collect();
    }
    if let Some(a) = item.as_array() {
        let mut out = Vec::new();
        for v in a.iter() {
            match v.as_inline_table() {
                Some(t) => out.push((t as &dyn TableLike, v.span())),
                None => r.err(
                    v.span(),
                    field,
                    format!("must be a table, found {}", v.type_name()),
                ),
            }
        }
        return out;
    }
    r.err(
        item.span(),
        field,
        format!(
            "must be an array of tables ([[{field}]]), found {}",
            item.type_name()
        ),
    );
    Vec::new()
}

/// Reads a native TOML domain. `file` names it in errors.
///
/// # Errors
/// Every problem, each with line, column and field.
pub fn read(file: &str, text: &str) -> Result<Negotiation, DomainErrors> {
    read_with(file, text, false)
}

/// Reads the issues of a native TOML domain for a live mediation: the same file without
/// profiles (`parties` is empty). A `[[party]]` table is an error: in a live mediation the
/// profiles are private and each party submits its own.
///
/// # Errors
/// Every problem, each with line, column and field.
pub fn read_issues(file: &str, text: &str) -> Result<Negotiation, DomainErrors> {
    read_with(file, text, true)
}

fn read_with(file: &str, text: &str, live: bool) -> Result<Negotiation, DomainErrors> {
    let mut r = Reader {
        file,
        text,
        errors: Vec::new(),
        more: 0,
    };
    let doc = match ImDocument::parse(text) {
        Ok(d) => d,
        Err(e) => {
            r.err(e.span(), "TOML", e.message().trim().to_string());
            return Err(DomainErrors(r.errors));
        }
    };
    let top: &dyn TableLike = doc.as_table();
    r.unknown_keys(top, TOP_KEYS, "TOML");
    let name = r.string(top, "name", "name");
    let description = r.string(top, "description", "description");
    let source = r.string(top, "source", "source");
    let illustrative = match top.get("illustrative") {
        None => false,
        Some(item) => item.as_bool().unwrap_or_else(|| {
            r.err(
                item.span(),
                "illustrative",
                format!("must be true or false, found {}", item.type_name()),
            );
            false
        }),
    };

    let mut issues: Vec<Issue> = Vec::new();
    let raw_issues = top
        .get("issue")
        .map_or_else(Vec::new, |i| tables(&mut r, i, "issue"));
    if raw_issues.is_empty() {
        r.err(None, "issue", "the domain has no [[issue]] tables".into());
    }
    for (t, span) in raw_issues {
        r.unknown_keys(t, ISSUE_KEYS, "issue");
        let name = r.string(t, "name", "issue.name");
        let Some(name) = name else {
            if t.get("name").is_none() {
                r.err(span, "issue.name", "an [[issue]] without a `name`".into());
            }
            continue;
        };
        if issues.iter().any(|i| i.name == name) {
            let s = t.get("name").and_then(Item::span);
            r.err(s, "issue.name", format!("duplicate issue {name:?}"));
        }
        let mut values: Vec<String> = Vec::new();
        match t.get("values") {
            None => r.err(
                span,
                "issue.values",
                format!("issue {name:?} has no `values`"),
            ),
            Some(item) => match item.as_array() {
                None => r.err(
                    item.span(),
                    "issue.values",
                    format!("must be an array of strings, found {}", item.type_name()),
                ),
                Some(a) => {
                    if a.is_empty() {
                        r.err(
                            item.span(),
                            "issue.values",
                            format!("issue {name:?} has no values"),
                        );
                    }
                    for v in a.iter() {
                        let Some(s) = v.as_str() else {
                            r.err(
                                v.span(),
                                "issue.values",
                                format!("a value must be a string, found {}", v.type_name()),
                            );
                            continue;
                        };
                        if values.iter().any(|x| x == s) {
                            r.err(
                                v.span(),
                                "issue.values",
                                format!("value {s:?} appears twice"),
                            );
                        }
                        values.push(s.to_string());
                    }
                }
            },
        }
        issues.push(Issue { name, values });
    }
    let issue_names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();

    if live {
        if let Some(item) = top.get("party") {
            let span = top.get_key_value("party").and_then(|(k, _)| k.span());
            r.err(
                span.or_else(|| item.span()),
                "party",
                "a live mediation's domain has no [[party]] tables: profiles are private, each party submits its own".into(),
            );
        }
    }
    let raw_parties = match top.get("party") {
        Some(p) if !live => tables(&mut r, p, "party"),
        _ => Vec::new(),
    };
    if !live && raw_parties.len() < 2 {
        r.err(
            None,
            "party",
            format!(
                "a negotiation needs at least two [[party]] tables, {} given",
                raw_parties.len()
            ),
        );
    }
    let mut parties = Vec::new();
    for (k, (t, span)) in raw_parties.into_iter().enumerate() {
        r.unknown_keys(t, PARTY_KEYS, "party");
        let id = match r.string(t, "id", "party.id") {
            Some(id) => {
                if parties.iter().any(|p: &Profile| p.name == id) {
                    let s = t.get("id").and_then(Item::span);
                    r.err(s, "party.id", format!("duplicate party {id:?}"));
                }
                id
            }
            None => {
                if t.get("id").is_none() {
                    r.err(
                        span.clone(),
                        "party.id",
                        "a [[party]] without an `id`".into(),
                    );
                }
                format!("#{}", k + 1)
            }
        };
        let _ = r.string(t, "name", "party.name");
        let reservation = match t.get("reservation") {
            None => 0.0,
            Some(item) => match r.number_item(item, "party.reservation", "reservation") {
                Some(x) if (0.0..=1.0).contains(&x) => x,
                Some(x) => {
                    r.err(
                        item.span(),
                        "party.reservation",
                        format!("reservation {x} must lie in 0..1"),
                    );
                    0.0
                }
                None => 0.0,
            },
        };
        let discount = match t.get("discount") {
            None => 1.0,
            Some(item) => match r.number_item(item, "party.discount", "discount") {
                Some(x) if x > 0.0 && x <= 1.0 => x,
                Some(x) => {
                    r.err(
                        item.span(),
                        "party.discount",
                        format!("discount {x} must lie in (0, 1] (1 = no discounting)"),
                    );
                    1.0
                }
                None => 1.0,
            },
        };
        let mut weights: Vec<Option<f64>> = vec![None; issues.len()];
        let mut evals: Vec<Option<Vec<f64>>> = vec![None; issues.len()];
        for (key, field) in [
            ("weights", "party.weights"),
            ("evaluations", "party.evaluations"),
        ] {
            let Some(item) = t.get(key) else {
                r.err(
                    span.clone(),
                    field,
                    format!("party {id:?} has no `{key}` table"),
                );
                continue;
            };
            let Some(table) = item.as_table_like() else {
                r.err(
                    item.span(),
                    field,
                    format!("must be a table of issue = …, found {}", item.type_name()),
                );
                continue;
            };
            for (name, value) in table.iter() {
                let Some(j) = issue_names.iter().position(|n| *n == name) else {
                    let s = table.get_key_value(name).and_then(|(k, _)| k.span());
                    r.err(
                        s,
                        field,
                        format!(
                            "{name:?} is not an issue{}",
                            did_you_mean(name, &issue_names)
                        ),
                    );
                    continue;
                };
                if key == "weights" {
                    match r.number_item(value, field, "a weight") {
                        Some(w) if w >= 0.0 => weights[j] = Some(w),
                        Some(w) => r.err(
                            value.span(),
                            field,
                            format!("weight {w} must be a non-negative number"),
                        ),
                        None => {}
                    }
                    continue;
                }
                let Some(list) = value.as_array() else {
                    r.err(
                        value.span(),
                        field,
                        format!(
                            "must be an array of numbers, one per value, found {}",
                            value.type_name()
                        ),
                    );
                    continue;
                };
                let want = issues[j].values.len();
                if list.len() != want {
                    r.err(
                        value.span(),
                        field,
                        format!(
                            "{} evaluations for issue {name:?}, which has {want} values",
                            list.len()
                        ),
                    );
                    continue;
                }
                let mut ev = Vec::with_capacity(want);
                for v in list.iter() {
                    match r.number_value(v, field, "an evaluation") {
                        Some(x) if x >= 0.0 => ev.push(x),
                        Some(x) => r.err(
                            v.span(),
                            field,
                            format!("evaluation {x} must be a non-negative number"),
                        ),
                        None => {}
                    }
                }
                if ev.len() == want {
                    evals[j] = Some(ev);
                }
            }
            // An issue the table does not mention at all (a bad entry was reported above).
            let table_span = item.span().or(span.clone());
            for issue in &issues {
                if table.get(&issue.name).is_none() {
                    let what = if key == "weights" {
                        "no weight"
                    } else {
                        "no evaluations"
                    };
                    r.err(
                        table_span.clone(),
                        field,
                        format!("party {id:?} has {what} for issue {:?}", issue.name),
                    );
                }
            }
        }
        let weights: Vec<f64> = weights.into_iter().map(|w| w.unwrap_or(0.0)).collect();
        let terms = evals
            .into_iter()
            .zip(&weights)
            .map(|(e, &w)| {
                normalise(&e.unwrap_or_default())
                    .into_iter()
                    .map(|x| w * x)
                    .collect()
            })
            .collect();
        parties.push(Profile {
            name: id,
            terms,
            weights,
            reservation,
            discount,
        });
    }
    if !r.errors.is_empty() {
        r.errors.sort_by_key(|e| (e.line, e.column));
        if r.more > 0 {
            r.errors.push(crate::error::more_errors(file, r.more));
        }
        return Err(DomainErrors(r.errors));
    }
    let mut description = description.unwrap_or_default();
    if illustrative && !description.to_lowercase().contains("illustrative") {
        description = format!("Illustrative. {description}");
    }
    Ok(Negotiation {
        name: name.unwrap_or_else(|| "domain".into()),
        description,
        source: source.unwrap_or_default(),
        issues,
        parties,
    })
}

#[cfg(test)]
mod live_tests {
    use super::*;

    /// A live mediation's domain: issues only; a `[[party]]` table is an error there,
    /// while `read` still needs two.
    #[test]
    fn read_issues_without_and_with_parties() {
        let issues =
            "name = \"Picnic\"\n[[issue]]\nname = \"place\"\nvalues = [\"park\", \"beach\"]\n";
        let neg = read_issues("d.toml", issues).expect("reads");
        assert_eq!(neg.issues[0].values, ["park", "beach"]);
        assert!(neg.parties.is_empty());
        let e = read("d.toml", issues).expect_err("read needs parties");
        assert!(e.0[0].message.contains("at least two [[party]] tables"));
        let with = format!("{issues}[[party]]\nid = \"a\"\nweights = {{ place = 1 }}\n");
        let e = read_issues("d.toml", &with).expect_err("no parties here");
        assert_eq!(
            (e.0.len(), e.0[0].line, e.0[0].element.as_str()),
            (1, 5, "party")
        );
    }
}
