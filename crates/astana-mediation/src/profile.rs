//! Private profiles: read from TOML with located errors, checked against the domain and
//! compiled to the negotiation engine's [`Profile`].

use crate::ProfileInput;
use astana_negotiation::domain::normalise;
use astana_negotiation::native::did_you_mean;
use astana_negotiation::{DomainError, DomainErrors, Issue, Profile};
use std::collections::BTreeMap;
use toml_edit::{ImDocument, Item, TableLike, Value};

fn error(file: &str, element: &str, message: String) -> DomainError {
    DomainError {
        file: file.to_string(),
        line: 0,
        column: 0,
        element: element.to_string(),
        message,
    }
}

/// Checks `p` against the domain's issues and compiles it; every problem listed.
pub(crate) fn compile(
    file: &str,
    p: &ProfileInput,
    issues: &[Issue],
    party: usize,
) -> Result<Profile, DomainErrors> {
    let mut errors = Vec::new();
    if !p.reservation.is_finite() || !(0.0..=1.0).contains(&p.reservation) {
        errors.push(error(
            file,
            "reservation",
            format!("reservation {} must be a number in 0..=1", p.reservation),
        ));
    }
    if let Some(d) = p.discount {
        if !d.is_finite() || d <= 0.0 || d > 1.0 {
            errors.push(error(
                file,
                "discount",
                format!("discount {d} must lie in (0, 1] (1 = no discounting)"),
            ));
        }
    }
    let names: Vec<&str> = issues.iter().map(|i| i.name.as_str()).collect();
    for (field, keys) in [
        ("weights", p.weights.keys().collect::<Vec<_>>()),
        ("evaluations", p.evaluations.keys().collect()),
    ] {
        for k in keys {
            if !names.contains(&k.as_str()) {
                errors.push(error(
                    file,
                    &format!("{field}.{k}"),
                    format!("{k:?} is not an issue{}", did_you_mean(k, &names)),
                ));
            }
        }
    }
    let mut terms = Vec::with_capacity(issues.len());
    let mut weights = Vec::with_capacity(issues.len());
    for issue in issues {
        let field = format!("weights.{}", issue.name);
        let w = match p.weights.get(&issue.name) {
            None => {
                errors.push(error(
                    file,
                    "weights",
                    format!("no weight for issue {:?}", issue.name),
                ));
                0.0
            }
            Some(w) if !w.is_finite() || *w < 0.0 => {
                errors.push(error(
                    file,
                    &field,
                    format!("weight {w} must be a finite, non-negative number"),
                ));
                0.0
            }
            Some(w) => *w,
        };
        weights.push(w);
        let field = format!("evaluations.{}", issue.name);
        let e = match p.evaluations.get(&issue.name) {
            None => {
                errors.push(error(
                    file,
                    "evaluations",
                    format!("no evaluations for issue {:?}", issue.name),
                ));
                Vec::new()
            }
            Some(e) if e.len() != issue.values.len() => {
                errors.push(error(
                    file,
                    &field,
                    format!(
                        "{} evaluations for issue {:?}, which has {} options",
                        e.len(),
                        issue.name,
                        issue.values.len()
                    ),
                ));
                Vec::new()
            }
            Some(e) => {
                for (v, x) in e.iter().enumerate() {
                    if !x.is_finite() || *x < 0.0 {
                        errors.push(error(
                            file,
                            &format!("{field}[{v}]"),
                            format!("evaluation {x} must be a finite, non-negative number"),
                        ));
                    }
                }
                e.clone()
            }
        };
        terms.push(
            normalise(&e)
                .into_iter()
                .map(|x| w * x)
                .chain(std::iter::repeat(0.0))
                .take(issue.values.len())
                .collect(),
        );
    }
    if errors.is_empty() && weights.iter().all(|w| *w == 0.0) {
        errors.push(error(
            file,
            "weights",
            "every weight is zero: the profile would be indifferent to everything".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(DomainErrors(errors));
    }
    Ok(Profile {
        name: format!("#{party}"),
        terms,
        weights,
        reservation: p.reservation,
        discount: p.discount.unwrap_or(1.0),
    })
}

const KEYS: &[&str] = &[
    "id",
    "name",
    "reservation",
    "discount",
    "weights",
    "evaluations",
];

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<DomainError>,
}

impl Reader<'_> {
    fn err(&mut self, span: Option<std::ops::Range<usize>>, field: &str, message: String) {
        let span = span.unwrap_or(0..1);
        let l = astana_model::text::locate(self.text, span.start, span.len());
        self.errors.push(DomainError {
            file: self.file.to_string(),
            line: l.line,
            column: l.column,
            element: field.to_string(),
            message,
        });
    }

    fn number(&mut self, v: &Value, field: &str) -> Option<f64> {
        let x = match v {
            Value::Integer(i) => *i.value() as f64,
            Value::Float(f) => *f.value(),
            other => {
                self.err(
                    other.span(),
                    field,
                    format!("must be a number, found {}", other.type_name()),
                );
                return None;
            }
        };
        if !x.is_finite() {
            self.err(v.span(), field, format!("must be finite, found {x}"));
            return None;
        }
        Some(x)
    }

    fn number_item(&mut self, item: &Item, field: &str) -> Option<f64> {
        match item.as_value() {
            Some(v) => self.number(v, field),
            None => {
                self.err(
                    item.span(),
                    field,
                    format!("must be a number, found {}", item.type_name()),
                );
                None
            }
        }
    }

    fn table<'i>(&mut self, t: &'i dyn TableLike, key: &str) -> Option<&'i dyn TableLike> {
        let item = t.get(key)?;
        let table = item.as_table_like();
        if table.is_none() {
            self.err(
                item.span(),
                key,
                format!("must be a table of issue = …, found {}", item.type_name()),
            );
        }
        table
    }
}

/// See [`ProfileInput::from_toml`].
pub(crate) fn from_toml(file: &str, text: &str) -> Result<ProfileInput, DomainErrors> {
    let mut r = Reader {
        file,
        text,
        errors: Vec::new(),
    };
    let doc = match ImDocument::parse(text) {
        Ok(d) => d,
        Err(e) => {
            r.err(e.span(), "TOML", e.message().trim().to_string());
            return Err(DomainErrors(r.errors));
        }
    };
    let top: &dyn TableLike = doc.as_table();
    // One `[[party]]` (or `[party]`) table, or the keys at top level.
    let table: &dyn TableLike = match top.get("party") {
        None => top,
        Some(item) => {
            for (k, _) in top.iter().filter(|(k, _)| *k != "party") {
                let span = top.get_key_value(k).and_then(|(key, _)| key.span());
                r.err(
                    span,
                    k,
                    "the profile is one [[party]] table; nothing may stand beside it".into(),
                );
            }
            if let Some(t) = item.as_table_like() {
                t
            } else if let Some(a) = item.as_array_of_tables().filter(|a| a.len() == 1) {
                match a.get(0) {
                    Some(t) => t,
                    None => top,
                }
            } else {
                r.err(
                    item.span(),
                    "party",
                    "a profile is exactly one [[party]] table (your own)".into(),
                );
                return Err(DomainErrors(r.errors));
            }
        }
    };
    for (k, _) in table.iter() {
        if !KEYS.contains(&k) {
            let span = table.get_key_value(k).and_then(|(key, _)| key.span());
            r.err(
                span,
                k,
                format!("unknown key `{k}`{}", did_you_mean(k, KEYS)),
            );
        }
    }
    // As in the native format: no reservation means 0.
    let reservation = match table.get("reservation") {
        None => Some(0.0),
        Some(item) => r.number_item(item, "reservation"),
    };
    let discount = table.get("discount").map(|i| r.number_item(i, "discount"));
    let mut weights = BTreeMap::new();
    match r.table(table, "weights") {
        None if table.get("weights").is_none() => {
            r.err(None, "weights", "no `weights` table".into());
        }
        None => {}
        Some(t) => {
            for (k, v) in t.iter() {
                if let Some(x) = r.number_item(v, &format!("weights.{k}")) {
                    weights.insert(k.to_string(), x);
                }
            }
        }
    }
    let mut evaluations = BTreeMap::new();
    match r.table(table, "evaluations") {
        None if table.get("evaluations").is_none() => {
            r.err(None, "evaluations", "no `evaluations` table".into());
        }
        None => {}
        Some(t) => {
            for (k, v) in t.iter() {
                let field = format!("evaluations.{k}");
                let Some(list) = v.as_array() else {
                    r.err(
                        v.span(),
                        &field,
                        format!(
                            "must be an array of numbers, one per option, found {}",
                            v.type_name()
                        ),
                    );
                    continue;
                };
                let xs: Vec<Option<f64>> = list.iter().map(|x| r.number(x, &field)).collect();
                if xs.iter().all(Option::is_some) {
                    evaluations.insert(k.to_string(), xs.into_iter().flatten().collect());
                }
            }
        }
    }
    if !r.errors.is_empty() {
        r.errors.sort_by_key(|e| (e.line, e.column));
        return Err(DomainErrors(r.errors));
    }
    Ok(ProfileInput {
        reservation: reservation.unwrap_or(0.0),
        weights,
        evaluations,
        discount: discount.flatten(),
    })
}

impl ProfileInput {
    /// A `[[party]]` table (or the same keys at top level) as TOML text; errors located
    /// (line, field). `id` and `name` are allowed and ignored: the caller's token says
    /// whose profile it is. Checked against the domain when applied.
    ///
    /// # Errors
    /// Every problem, located.
    pub fn from_toml(file: &str, text: &str) -> Result<ProfileInput, DomainErrors> {
        from_toml(file, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_table_or_top_level_keys() {
        let table = "[[party]]\nid = \"KAZ\"\nreservation = 0.448\nweights = { a = 0.5, b = 0.5 }\n[party.evaluations]\na = [1, 2]\nb = [3.5, 0]\n";
        let p = ProfileInput::from_toml("kaz.toml", table).expect("reads");
        assert_eq!(p.reservation, 0.448);
        assert_eq!(p.weights["b"], 0.5);
        assert_eq!(p.evaluations["b"], [3.5, 0.0]);
        assert_eq!(p.discount, None);
        let top = "reservation = 0.448\ndiscount = 0.9\nweights = { a = 0.5, b = 0.5 }\n[evaluations]\na = [1, 2]\nb = [3.5, 0]\n";
        let q = ProfileInput::from_toml("kaz.toml", top).expect("reads");
        assert_eq!(q.discount, Some(0.9));
        assert_eq!((q.weights, q.evaluations), (p.weights, p.evaluations));
    }

    #[test]
    fn every_problem_located() {
        let text =
            "reservation = nan\nweigths = { a = 1 }\n[evaluations]\na = [1, \"x\", inf]\nb = 2\n";
        let e = ProfileInput::from_toml("p.toml", text).expect_err("bad");
        let got: Vec<String> =
            e.0.iter()
                .map(|e| {
                    format!(
                        "{}:{}:{} {}: {}",
                        e.file, e.line, e.column, e.element, e.message
                    )
                })
                .collect();
        assert_eq!(
            got,
            [
                "p.toml:1:1 weights: no `weights` table",
                "p.toml:1:15 reservation: must be finite, found NaN",
                "p.toml:2:1 weigths: unknown key `weigths`; did you mean `weights`?",
                "p.toml:4:9 evaluations.a: must be a number, found string",
                "p.toml:4:14 evaluations.a: must be finite, found inf",
                "p.toml:5:5 evaluations.b: must be an array of numbers, one per option, found integer",
            ]
        );
        let two = "[[party]]\nreservation = 0\n[[party]]\nreservation = 0\n";
        let e = ProfileInput::from_toml("p.toml", two).expect_err("two parties");
        assert_eq!(
            e.0[0].message,
            "a profile is exactly one [[party]] table (your own)"
        );
    }
}
