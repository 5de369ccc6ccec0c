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

use crate::domain::{Issue, Negotiation, Profile};
use crate::error::{DomainError, DomainErrors};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    illustrative: bool,
    source: Option<String>,
    #[serde(default)]
    issue: Vec<Spanned<RawIssue>>,
    #[serde(default)]
    party: Vec<Spanned<RawParty>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssue {
    name: Spanned<String>,
    values: Spanned<Vec<Spanned<String>>>,
}

/// One number per value of an issue.
type Evaluations = Vec<Spanned<f64>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParty {
    id: Spanned<String>,
    /// Display name (documentation only; the id names the party).
    #[allow(dead_code)]
    name: Option<String>,
    reservation: Option<Spanned<f64>>,
    discount: Option<Spanned<f64>>,
    weights: Spanned<BTreeMap<Spanned<String>, Spanned<f64>>>,
    evaluations: Spanned<BTreeMap<Spanned<String>, Spanned<Evaluations>>>,
}

/// Reads a native TOML domain. `file` names it in errors.
///
/// # Errors
/// Every problem, each with line, column and field.
pub fn read(file: &str, text: &str) -> Result<Negotiation, DomainErrors> {
    let at = |span: std::ops::Range<usize>| {
        let l = astana_model::text::locate(text, span.start, span.len());
        (l.line, l.column)
    };
    let raw: RawDomain = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..1);
        DomainErrors(vec![DomainError::new(
            file,
            at(span),
            "TOML",
            e.message().trim().to_string(),
        )])
    })?;
    let mut errors = Vec::new();
    let mut err = |span: std::ops::Range<usize>, field: &str, message: String| {
        errors.push(DomainError::new(file, at(span), field, message));
    };
    let mut issues: Vec<Issue> = Vec::new();
    for issue in &raw.issue {
        let name = issue.get_ref().name.get_ref().clone();
        if issues.iter().any(|i| i.name == name) {
            err(
                issue.get_ref().name.span(),
                "issue.name",
                format!("duplicate issue {name:?}"),
            );
        }
        let values = issue.get_ref().values.get_ref();
        if values.is_empty() {
            err(
                issue.get_ref().values.span(),
                "issue.values",
                format!("issue {name:?} has no values"),
            );
        }
        let mut labels: Vec<String> = Vec::new();
        for v in values {
            if labels.contains(v.get_ref()) {
                err(
                    v.span(),
                    "issue.values",
                    format!("value {:?} appears twice", v.get_ref()),
                );
            }
            labels.push(v.get_ref().clone());
        }
        issues.push(Issue {
            name,
            values: labels,
        });
    }
    if raw.issue.is_empty() {
        err(0..1, "issue", "the domain has no [[issue]] tables".into());
    }
    if raw.party.len() < 2 {
        err(
            0..1,
            "party",
            format!(
                "a negotiation needs at least two [[party]] tables, {} given",
                raw.party.len()
            ),
        );
    }
    let mut parties = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for party in &raw.party {
        let p = party.get_ref();
        let id = p.id.get_ref().clone();
        if ids.contains(&id) {
            err(p.id.span(), "party.id", format!("duplicate party {id:?}"));
        }
        ids.push(id.clone());
        let reservation = p.reservation.as_ref().map_or(0.0, |r| *r.get_ref());
        if let Some(r) = &p.reservation {
            if !(0.0..=1.0).contains(r.get_ref()) {
                err(
                    r.span(),
                    "party.reservation",
                    format!("reservation {} must lie in 0..1", r.get_ref()),
                );
            }
        }
        let discount = p
            .discount
            .as_ref()
            .map(|d| *d.get_ref())
            .filter(|d| *d > 0.0 && *d <= 1.0)
            .unwrap_or(1.0);
        let mut weights = vec![None; issues.len()];
        for (k, w) in p.weights.get_ref() {
            match issues.iter().position(|i| &i.name == k.get_ref()) {
                None => err(
                    k.span(),
                    "party.weights",
                    format!("{:?} is not an issue", k.get_ref()),
                ),
                Some(_) if !(w.get_ref().is_finite() && *w.get_ref() >= 0.0) => err(
                    w.span(),
                    "party.weights",
                    format!("weight {} must be a non-negative number", w.get_ref()),
                ),
                Some(j) => weights[j] = Some(*w.get_ref()),
            }
        }
        let mut evals: Vec<Option<Vec<f64>>> = vec![None; issues.len()];
        for (k, list) in p.evaluations.get_ref() {
            let Some(j) = issues.iter().position(|i| &i.name == k.get_ref()) else {
                err(
                    k.span(),
                    "party.evaluations",
                    format!("{:?} is not an issue", k.get_ref()),
                );
                continue;
            };
            let values = list.get_ref();
            if values.len() != issues[j].values.len() {
                err(
                    list.span(),
                    "party.evaluations",
                    format!(
                        "{} evaluations for issue {:?}, which has {} values",
                        values.len(),
                        issues[j].name,
                        issues[j].values.len()
                    ),
                );
                continue;
            }
            let mut ok = true;
            for v in values {
                if !(v.get_ref().is_finite() && *v.get_ref() >= 0.0) {
                    err(
                        v.span(),
                        "party.evaluations",
                        format!("evaluation {} must be a non-negative number", v.get_ref()),
                    );
                    ok = false;
                }
            }
            if ok {
                evals[j] = Some(values.iter().map(|v| *v.get_ref()).collect());
            }
        }
        for (j, issue) in issues.iter().enumerate() {
            if weights[j].is_none()
                && !p
                    .weights
                    .get_ref()
                    .keys()
                    .any(|k| k.get_ref() == &issue.name)
            {
                err(
                    p.weights.span(),
                    "party.weights",
                    format!("party {id:?} has no weight for issue {:?}", issue.name),
                );
            }
            if evals[j].is_none()
                && !p
                    .evaluations
                    .get_ref()
                    .keys()
                    .any(|k| k.get_ref() == &issue.name)
            {
                err(
                    p.evaluations.span(),
                    "party.evaluations",
                    format!("party {id:?} has no evaluations for issue {:?}", issue.name),
                );
            }
        }
        let weights: Vec<f64> = weights.into_iter().map(|w| w.unwrap_or(0.0)).collect();
        let terms = evals
            .into_iter()
            .zip(&weights)
            .map(|(e, &w)| {
                let e = e.unwrap_or_default();
                let max = e.iter().copied().fold(0.0, f64::max);
                e.iter()
                    .map(|x| if max < 1e-5 { 0.0 } else { w * (x / max) })
                    .collect()
            })
            .collect();
        parties.push(Profile {
            name: id.clone(),
            terms,
            weights,
            reservation,
            discount,
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.column));
        return Err(DomainErrors(errors));
    }
    let mut description = raw.description.unwrap_or_default();
    if raw.illustrative && !description.to_lowercase().contains("illustrative") {
        description = format!("Illustrative. {description}");
    }
    Ok(Negotiation {
        name: raw.name.unwrap_or_else(|| "domain".into()),
        description,
        source: raw.source.unwrap_or_default(),
        issues,
        parties,
    })
}
