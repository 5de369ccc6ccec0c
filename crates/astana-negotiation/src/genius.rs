//! GENIUS / ANAC XML: one domain file (`negotiation_template`) and one profile file
//! (`utility_space`) per party, read as GENIUS reads them (see FORMAT.md in the shared
//! reference): issues in document order matched to profile issues by `index`; discrete
//! evaluations divided by the issue's maximum; integer issues by a clamped linear
//! evaluator; weights as written, a weight for a non-issue ignored; utility capped at 1.

use crate::domain::{Issue, Negotiation, Profile};
use crate::error::{DomainError, DomainErrors};
use std::collections::BTreeMap;

/// A domain issue with its GENIUS id and, for integer issues, its bounds.
#[derive(Clone, Debug)]
struct RawIssue {
    id: i64,
    issue: Issue,
    integer: Option<(i64, i64)>,
}

/// The parsed domain file.
#[derive(Clone, Debug)]
pub struct Domain {
    name: String,
    issues: Vec<RawIssue>,
}

impl Domain {
    /// The issues, in document order.
    pub fn issues(&self) -> Vec<Issue> {
        self.issues.iter().map(|r| r.issue.clone()).collect()
    }
}

struct Ctx<'a> {
    file: &'a str,
    doc: &'a roxmltree::Document<'a>,
    errors: Vec<DomainError>,
    more: usize,
}

impl Ctx<'_> {
    /// The errors, with a closing count of those past the limit.
    fn into_errors(mut self) -> DomainErrors {
        if self.more > 0 {
            self.errors
                .push(crate::error::more_errors(self.file, self.more));
        }
        DomainErrors(self.errors)
    }

    fn err(&mut self, node: roxmltree::Node<'_, '_>, message: String) {
        if self.errors.len() >= crate::error::MAX_ERRORS {
            self.more += 1;
            return;
        }
        let pos = self.doc.text_pos_at(node.range().start);
        let element = describe(node);
        self.errors.push(DomainError::new(
            self.file,
            (pos.row as usize, pos.col as usize),
            &element,
            message,
        ));
    }
}

fn describe(node: roxmltree::Node<'_, '_>) -> String {
    let tag = node.tag_name().name();
    match node.attribute("name").or_else(|| node.attribute("value")) {
        Some(n) => format!(
            "<{tag} {}=\"{n}\">",
            if node.attribute("name").is_some() {
                "name"
            } else {
                "value"
            }
        ),
        None => match node.attribute("index") {
            Some(i) => format!("<{tag} index=\"{i}\">"),
            None => format!("<{tag}>"),
        },
    }
}

/// Deepest element nesting read. GENIUS files nest five or six levels; roxmltree parses
/// elements recursively and overflows the stack near 12,500 levels, so deeper files are
/// refused before parsing.
pub const MAX_XML_DEPTH: usize = 256;

/// A linear pre-scan of the element nesting (comments, CDATA, processing instructions,
/// declarations and quoted attribute values skipped): the first element deeper than
/// [`MAX_XML_DEPTH`], located.
fn check_depth(file: &str, text: &str) -> Result<(), DomainErrors> {
    let b = text.as_bytes();
    let find = |from: usize, pat: &[u8]| -> usize {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map_or(b.len(), |k| from + k + pat.len())
    };
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(k) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        let at = i + k;
        let rest = &b[at..];
        i = if rest.starts_with(b"<!--") {
            find(at + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            find(at + 9, b"]]>")
        } else if rest.starts_with(b"<?") {
            find(at + 2, b"?>")
        } else if rest.starts_with(b"<!") {
            find(at + 2, b">")
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            find(at + 2, b">")
        } else {
            // A start tag: to its `>`, outside quoted attribute values.
            let mut j = at + 1;
            let mut quote = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (None, q @ (b'"' | b'\'')) => quote = Some(q),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            if b.get(j.wrapping_sub(1)) != Some(&b'/') {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    let l = astana_model::text::locate(text, at, 1);
                    return Err(DomainErrors(vec![DomainError::new(
                        file,
                        (l.line, l.column),
                        "XML",
                        format!(
                            "elements nested more than {MAX_XML_DEPTH} deep (GENIUS files nest about 6); refused before parsing"
                        ),
                    )]));
                }
            }
            j + 1
        };
    }
    Ok(())
}

fn parse_doc<'a>(file: &str, text: &'a str) -> Result<roxmltree::Document<'a>, DomainErrors> {
    // Files may start with a BOM or blank lines and carry no XML declaration.
    let trimmed = text.trim_start_matches('\u{feff}');
    check_depth(file, trimmed)?;
    roxmltree::Document::parse(trimmed).map_err(|e| {
        let pos = e.pos();
        DomainErrors(vec![DomainError::new(
            file,
            (pos.row as usize, pos.col as usize),
            "XML",
            format!("malformed XML: {e}"),
        )])
    })
}

fn number<T: std::str::FromStr>(
    ctx: &mut Ctx<'_>,
    node: roxmltree::Node<'_, '_>,
    attr: &str,
) -> Option<T> {
    let Some(raw) = node.attribute(attr) else {
        ctx.err(node, format!("missing attribute `{attr}`"));
        return None;
    };
    match raw.trim().parse::<T>() {
        Ok(v) => Some(v),
        Err(_) => {
            ctx.err(node, format!("attribute `{attr}` is not a number: {raw:?}"));
            None
        }
    }
}

/// Every `issue` element under `node`, depth first (GENIUS allows nested objectives).
fn issues_under<'a, 'i>(node: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    node.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "issue")
        .collect()
}

/// Most values an integer issue may have (each value is a label and an evaluation per
/// party; the outcome space is limited separately, see [`crate::analysis::Limits`]).
pub const MAX_ISSUE_VALUES: usize = 1_000_000;

/// Reads a domain file.
///
/// # Errors
/// Every problem, with line, column and element.
pub fn read_domain(file: &str, text: &str) -> Result<Domain, DomainErrors> {
    let doc = parse_doc(file, text)?;
    let mut ctx = Ctx {
        file,
        doc: &doc,
        errors: Vec::new(),
        more: 0,
    };
    let root = doc.root_element();
    if root.tag_name().name() != "negotiation_template" {
        ctx.err(
            root,
            format!(
                "a domain file's root element is <negotiation_template>, found <{}>{}",
                root.tag_name().name(),
                if root.tag_name().name() == "utility_space" {
                    " (this looks like a profile: pass it with --profile)"
                } else {
                    ""
                }
            ),
        );
        return Err(ctx.into_errors());
    }
    let objective = root
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "objective");
    let name = objective
        .and_then(|o| o.attribute("name"))
        .unwrap_or("domain")
        .to_string();
    let mut issues = Vec::new();
    let mut seen: BTreeMap<i64, ()> = BTreeMap::new();
    for node in issues_under(root) {
        let Some(id) = number::<i64>(&mut ctx, node, "index") else {
            continue;
        };
        if seen.insert(id, ()).is_some() {
            ctx.err(node, format!("duplicate issue index {id}"));
            continue;
        }
        let issue_name = node.attribute("name").unwrap_or("").to_string();
        // GENIUS reads `type`; a missing type means discrete.
        let kind = node
            .attribute("type")
            .or_else(|| node.attribute("vtype"))
            .unwrap_or("discrete");
        match kind {
            "discrete" => {
                let values: Vec<String> = node
                    .children()
                    .filter(|n| n.is_element() && n.tag_name().name() == "item")
                    .filter_map(|n| {
                        let v = n.attribute("value");
                        if v.is_none() {
                            ctx.err(n, "item without a `value` attribute".into());
                        }
                        v.map(str::to_string)
                    })
                    .collect();
                if values.is_empty() {
                    ctx.err(node, "discrete issue with no <item> values".into());
                }
                let mut labels = std::collections::BTreeSet::new();
                for v in &values {
                    if !labels.insert(v.as_str()) {
                        ctx.err(node, format!("value {v:?} appears twice"));
                    }
                }
                issues.push(RawIssue {
                    id,
                    issue: Issue {
                        name: issue_name,
                        values,
                    },
                    integer: None,
                });
            }
            "integer" => {
                // Bounds on the issue, or on an old-style <range> child.
                let holder = if node.attribute("lowerbound").is_some() {
                    Some(node)
                } else {
                    node.children()
                        .find(|n| n.is_element() && n.tag_name().name() == "range")
                };
                let Some(holder) = holder else {
                    ctx.err(
                        node,
                        "integer issue without `lowerbound`/`upperbound`".into(),
                    );
                    continue;
                };
                let lo = number::<i64>(&mut ctx, holder, "lowerbound");
                let hi = number::<i64>(&mut ctx, holder, "upperbound");
                let (Some(lo), Some(hi)) = (lo, hi) else {
                    continue;
                };
                // In i128: the whole i64 range has 2^64 values.
                let count = i128::from(hi) - i128::from(lo) + 1;
                if count < 1 {
                    ctx.err(
                        node,
                        format!("integer range {lo}..{hi} is empty (upperbound below lowerbound)"),
                    );
                    continue;
                }
                if count > MAX_ISSUE_VALUES as i128 {
                    ctx.err(
                        node,
                        format!(
                            "integer range {lo}..{hi} has {count} values; an issue has at most {MAX_ISSUE_VALUES} (a fixed limit: split the range into coarser steps, e.g. as a discrete issue)"
                        ),
                    );
                    continue;
                }
                issues.push(RawIssue {
                    id,
                    issue: Issue {
                        name: issue_name,
                        values: (lo..=hi).map(|x| x.to_string()).collect(),
                    },
                    integer: Some((lo, hi)),
                });
            }
            other => ctx.err(
                node,
                format!("issue type {other:?} is not supported (discrete and integer are)"),
            ),
        }
    }
    if issues.is_empty() && ctx.errors.is_empty() {
        ctx.err(root, "the domain has no <issue> elements".into());
    }
    if ctx.errors.is_empty() {
        Ok(Domain { name, issues })
    } else {
        Err(ctx.into_errors())
    }
}

/// Reads one party's profile against `domain`. `name` labels the party.
///
/// # Errors
/// Every problem, with line, column and element.
pub fn read_profile(
    domain: &Domain,
    name: &str,
    file: &str,
    text: &str,
) -> Result<Profile, DomainErrors> {
    let doc = parse_doc(file, text)?;
    let mut ctx = Ctx {
        file,
        doc: &doc,
        errors: Vec::new(),
        more: 0,
    };
    let root = doc.root_element();
    if root.tag_name().name() != "utility_space" {
        ctx.err(
            root,
            format!(
                "a profile's root element is <utility_space>, found <{}>",
                root.tag_name().name()
            ),
        );
        return Err(ctx.into_errors());
    }
    let by_id: BTreeMap<i64, usize> = domain
        .issues
        .iter()
        .enumerate()
        .map(|(k, r)| (r.id, k))
        .collect();
    let k = domain.issues.len();
    let mut evals: Vec<Option<Vec<f64>>> = vec![None; k];
    let mut weights: Vec<Option<f64>> = vec![None; k];
    let mut seen = vec![false; k];
    for node in issues_under(root) {
        let Some(id) = number::<i64>(&mut ctx, node, "index") else {
            continue;
        };
        let Some(&j) = by_id.get(&id) else {
            ctx.err(node, format!("issue index {id} is not in the domain"));
            continue;
        };
        seen[j] = true;
        let raw = &domain.issues[j];
        if let Some((lo, hi)) = raw.integer {
            let Some(ev) = node
                .children()
                .find(|n| n.is_element() && n.tag_name().name() == "evaluator")
            else {
                ctx.err(node, "integer issue without an <evaluator>".into());
                continue;
            };
            if ev.attribute("ftype").is_some_and(|f| f != "linear") {
                ctx.err(ev, "only ftype=\"linear\" evaluators are supported".into());
                continue;
            }
            let slope = number::<f64>(&mut ctx, ev, "slope");
            let offset = number::<f64>(&mut ctx, ev, "offset");
            if let (Some(slope), Some(offset)) = (slope, offset) {
                evals[j] = Some(
                    (lo..=hi)
                        .map(|x| (offset + slope * (x - lo) as f64).clamp(0.0, 1.0))
                        .collect(),
                );
            }
            continue;
        }
        let mut ev = vec![None; raw.issue.values.len()];
        for item in node
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "item")
        {
            let Some(label) = item.attribute("value") else {
                ctx.err(item, "item without a `value` attribute".into());
                continue;
            };
            let Some(v) = raw.issue.values.iter().position(|x| x == label) else {
                ctx.err(
                    item,
                    format!(
                        "value {label:?} is not a value of issue {:?} in the domain",
                        raw.issue.name
                    ),
                );
                continue;
            };
            let Some(e) = number::<f64>(&mut ctx, item, "evaluation") else {
                continue;
            };
            if !(e.is_finite() && e >= 0.0) {
                ctx.err(
                    item,
                    format!("evaluation {e} must be a non-negative number"),
                );
                continue;
            }
            ev[v] = Some(e);
        }
        let missing: Vec<&str> = raw
            .issue
            .values
            .iter()
            .zip(&ev)
            .filter(|(_, e)| e.is_none())
            .map(|(v, _)| v.as_str())
            .collect();
        if !missing.is_empty() {
            ctx.err(node, format!("no evaluation for {}", missing.join(", ")));
            continue;
        }
        let ev: Vec<f64> = ev.into_iter().map(|e| e.unwrap_or(0.0)).collect();
        evals[j] = Some(crate::domain::normalise(&ev));
    }
    for w in root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "weight")
    {
        let Some(id) = number::<i64>(&mut ctx, w, "index") else {
            continue;
        };
        // A weight for the objective itself (FitnessA) is not an issue weight.
        let Some(&j) = by_id.get(&id) else {
            continue;
        };
        let Some(v) = number::<f64>(&mut ctx, w, "value") else {
            continue;
        };
        if !(v.is_finite() && v >= 0.0) {
            ctx.err(w, format!("weight {v} must be a non-negative number"));
            continue;
        }
        weights[j] = Some(v);
    }
    let scalar = |ctx: &mut Ctx<'_>, tag: &str| -> Option<f64> {
        let node = root
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == tag)?;
        number::<f64>(ctx, node, "value")
    };
    let reservation = scalar(&mut ctx, "reservation").unwrap_or(0.0);
    let discount = scalar(&mut ctx, "discount_factor")
        .filter(|d| *d > 0.0 && *d <= 1.0)
        .unwrap_or(1.0);
    for (j, raw) in domain.issues.iter().enumerate() {
        if !seen[j] {
            ctx.err(
                root,
                format!(
                    "issue {:?} (index {}) has no evaluations",
                    raw.issue.name, raw.id
                ),
            );
        }
        if weights[j].is_none() {
            ctx.err(
                root,
                format!(
                    "issue {:?} (index {}) has no <weight>",
                    raw.issue.name, raw.id
                ),
            );
        }
    }
    if !ctx.errors.is_empty() {
        return Err(ctx.into_errors());
    }
    let weights: Vec<f64> = weights.into_iter().map(|w| w.unwrap_or(0.0)).collect();
    let terms = evals
        .into_iter()
        .zip(&weights)
        .map(|(e, &w)| e.unwrap_or_default().into_iter().map(|x| w * x).collect())
        .collect();
    Ok(Profile {
        name: name.to_string(),
        terms,
        weights,
        reservation,
        discount,
    })
}

/// Reads a domain and its profiles (given as `(file name, text)`).
///
/// # Errors
/// Every problem in every file.
pub fn read(domain: (&str, &str), profiles: &[(&str, &str)]) -> Result<Negotiation, DomainErrors> {
    let d = read_domain(domain.0, domain.1)?;
    let mut errors = Vec::new();
    let mut parties = Vec::new();
    for (file, text) in profiles {
        let stem = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        match read_profile(&d, stem, file, text) {
            Ok(p) => parties.push(p),
            Err(e) => errors.extend(e.0),
        }
    }
    if parties.len() + errors.len() < 2 && errors.is_empty() {
        errors.push(DomainError::new(
            domain.0,
            (0, 0),
            "profiles",
            format!(
                "a negotiation needs at least two profiles, {} given",
                profiles.len()
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(DomainErrors(errors));
    }
    // Most ANAC files call their objective "root": the file's stem says more.
    let name = if d.name.is_empty() || d.name.eq_ignore_ascii_case("root") {
        std::path::Path::new(domain.0)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("domain")
            .to_string()
    } else {
        d.name.clone()
    };
    Ok(Negotiation {
        name,
        description: String::new(),
        source: String::new(),
        issues: d.issues(),
        parties,
    })
}
