//! `products.csv`: a country's trade by product group (HS codes), with the total of the
//! same year and period, read with every problem located and collected.

use crate::diag::{Diagnostic, Diagnostics};
use crate::table;
use crate::validate::{parse_year, required, unknown_code, Resolver, MAX_VALUE_USD};
use astana_model::{iso, Code, FlowKind, Period, ProductRecord};
use std::collections::HashMap;

const REQUIRED: [&str; 6] = ["year", "reporter", "flow", "product", "value_usd", "source"];
const OPTIONAL: [&str; 4] = ["period", "product_name", "estimate", "note"];

/// What a mistyped `product` most likely meant: `Total` → `total`, `27.09` → `2709`.
fn product_hint(v: &str) -> String {
    let lower = v.trim().to_ascii_lowercase();
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let guess = if lower == ProductRecord::TOTAL || lower == ProductRecord::OTHER {
        Some(lower)
    } else if lower.starts_with("rest") || lower.starts_with("others") {
        Some(ProductRecord::OTHER.to_string())
    } else if lower.starts_with("tot") || lower == "all" {
        Some(ProductRecord::TOTAL.to_string())
    } else if ProductRecord::is_hs(&digits) && digits.len() + 2 >= v.trim().len() {
        Some(digits)
    } else {
        None
    };
    match guess {
        Some(g) => format!("did you mean `{g}`?"),
        None => "write an HS code of 2, 4 or 6 digits (27, 2709, 270900), `other` for the published remainder or `total` for the total".to_string(),
    }
}

/// Reads `products.csv`: one row per (year, period, reporter, flow, product).
pub(crate) fn read(
    file: &str,
    text: &str,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<ProductRecord> {
    let mut out = Vec::new();
    let mut seen: HashMap<(i32, Period, Code, FlowKind, String), usize> = HashMap::new();
    table::read(file, text, &REQUIRED, &OPTIONAL, diags, |row, diags| {
        let year = parse_year(file, row, "year", diags);
        let period = match row.get("period").parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                diags.push(Diagnostic::error(file, e).at_line(row.line).field("period"));
                None
            }
        };
        let rep = row.get("reporter");
        let reporter = if iso::is_alpha3(rep) {
            Code::new(rep)
        } else {
            let mut d = unknown_code(rep, "reporter", "unknown ISO3 code").at_line(row.line);
            d.file = file.to_string();
            diags.push(d);
            None
        };
        // Turnover and FDI have no product breakdown in trade statistics.
        let flow = match row.get("flow").parse::<FlowKind>() {
            Ok(f @ (FlowKind::Exports | FlowKind::Imports)) => Some(f),
            Ok(f) => {
                diags.push(
                    Diagnostic::error(file, format!("flow `{f}` has no product breakdown"))
                        .at_line(row.line)
                        .field("flow")
                        .hint("write exports or imports"),
                );
                None
            }
            Err(e) => {
                diags.push(Diagnostic::error(file, e).at_line(row.line).field("flow"));
                None
            }
        };
        let product = required(file, row, "product", diags).and_then(|p| {
            if ProductRecord::is_hs(&p) || p == ProductRecord::TOTAL || p == ProductRecord::OTHER {
                Some(p)
            } else {
                diags.push(
                    Diagnostic::error(file, format!("`{p}` is not an HS code"))
                        .at_line(row.line)
                        .field("product")
                        .hint(product_hint(&p)),
                );
                None
            }
        });
        let raw = row.get("value_usd");
        let value = match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=MAX_VALUE_USD).contains(&v) => Some(v),
            Ok(v) if v.is_finite() && v < 0.0 => {
                diags.push(
                    Diagnostic::error(file, format!("negative value `{raw}`"))
                        .at_line(row.line)
                        .field("value_usd")
                        .hint("trade by product is a gross amount in US dollars"),
                );
                None
            }
            Ok(v) if v.is_finite() => {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!("`{raw}` US dollars is above the largest accepted value, 1e15"),
                    )
                    .at_line(row.line)
                    .field("value_usd"),
                );
                None
            }
            _ => {
                diags.push(
                    Diagnostic::error(file, format!("`{raw}` is not a number"))
                        .at_line(row.line)
                        .field("value_usd")
                        .hint("write plain US dollars without separators, e.g. 51606000000"),
                );
                None
            }
        };
        let estimate = match row.get("estimate") {
            "" | "no" => Some(false),
            "yes" => Some(true),
            other => {
                diags.push(
                    Diagnostic::error(file, format!("`{other}` is not yes or no"))
                        .at_line(row.line)
                        .field("estimate"),
                );
                None
            }
        };
        let source = row.get("source").to_string();
        resolver.check_source(file, row.line, &source, diags);
        let (
            Some(year),
            Some(period),
            Some(reporter),
            Some(flow),
            Some(product),
            Some(value),
            Some(estimate),
        ) = (year, period, reporter, flow, product, value, estimate)
        else {
            return;
        };
        let key = (year, period, reporter, flow, product.clone());
        if let Some(first) = seen.insert(key, row.line) {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("duplicate row for {reporter} {flow} {year} {period}, product `{product}`"),
                )
                .at_line(row.line)
                .field("product")
                .hint(format!(
                    "first given on line {first}; keep one figure per series (another source's figure goes to its own period or file)"
                )),
            );
            return;
        }
        out.push(ProductRecord {
            year,
            period,
            reporter,
            flow,
            product,
            product_name: row.get("product_name").to_string(),
            value_usd: value,
            estimate,
            source,
            note: row.get("note").to_string(),
        });
    });
    check_totals(file, &out, diags);
    out
}

/// Named groups summing above their total: a warning at the total's line (a typo or an
/// overlap such as both `27` and `2709` counted as separate groups).
fn check_totals(file: &str, rows: &[ProductRecord], diags: &mut Diagnostics) {
    let mut sums: HashMap<(i32, Period, Code, FlowKind), f64> = HashMap::new();
    for r in rows.iter().filter(|r| !r.is_total()) {
        // Only the top level of each group counts: 2709 inside 27 is not added again.
        let nested = rows.iter().any(|o| {
            (o.year, o.period, o.reporter, o.flow) == (r.year, r.period, r.reporter, r.flow)
                && ProductRecord::is_hs(&o.product)
                && o.product.len() < r.product.len()
                && r.product.starts_with(&o.product)
        });
        if !nested {
            *sums
                .entry((r.year, r.period, r.reporter, r.flow))
                .or_default() += r.value_usd;
        }
    }
    for t in rows.iter().filter(|r| r.is_total()) {
        let named = sums
            .get(&(t.year, t.period, t.reporter, t.flow))
            .copied()
            .unwrap_or(0.0);
        if named > t.value_usd * (1.0 + 1e-9) {
            diags.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "the groups of {} {} {} {} sum to {named:.0}, above the total {:.0}",
                        t.reporter, t.flow, t.year, t.period, t.value_usd
                    ),
                )
                .field("value_usd")
                .hint("check for a typo, or for a group counted twice"),
            );
        }
    }
}
