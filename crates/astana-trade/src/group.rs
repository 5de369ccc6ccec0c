//! The plan's groups turned into [`Cell`]s. The text of every key is interned once and
//! replaced by its alphabetical rank, so normalising (blanks trimmed, an empty period read
//! as FY), joining groups that are one key once normalised or that differ only by source,
//! sorting, and checking the keys all work on integers; each cell then shares its texts
//! (`Arc<str>`) instead of allocating them.

use crate::{scan, By, Cell};
use astana_diag::{Diagnostic, Diagnostics};
use astana_model::{iso, FlowKind, Period, WORLD};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type};
use std::collections::HashMap;
use std::sync::Arc;

/// Key columns the plan did not group by because the filter fixed them (Parquet only: a
/// CSV is filtered after its check).
#[derive(Clone, Copy, Default)]
pub(crate) struct Fixed<'a> {
    pub(crate) reporter: Option<&'a str>,
    pub(crate) flow: Option<&'a str>,
    pub(crate) period: Option<&'a str>,
}

/// Distinct texts, each once.
#[derive(Default)]
struct Names {
    ids: HashMap<Arc<str>, u32, foldhash::fast::RandomState>,
    names: Vec<Arc<str>>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let a: Arc<str> = s.into();
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(a.clone());
        self.ids.insert(a, i);
        i
    }
}

/// One group: texts as ids while reading, as ranks (alphabetical) after [`read`].
/// `product` is 0 for none, else the id or rank plus one.
#[derive(Clone, Copy)]
pub(crate) struct Raw {
    year: i32,
    period: u32,
    reporter: u32,
    flow: u32,
    partner: u32,
    product: u32,
    /// `By::Partner`: true for the rows without a product (totals).
    whole: bool,
    /// The first and the last source (alphabetically) of the rows summed.
    source: u32,
    last_source: u32,
    value: f64,
    estimate: bool,
    /// Rows in the group.
    pub(crate) n: i64,
    /// Invalid rows in the group.
    pub(crate) nbad: i64,
}

impl Raw {
    fn key(&self) -> (i32, u32, u32, u32, u32, u32, bool) {
        (
            self.year,
            self.period,
            self.reporter,
            self.flow,
            self.partner,
            self.product,
            self.whole,
        )
    }
}

/// The plan's groups, normalised, joined and sorted (year, period, reporter, flow, partner,
/// product, totals last).
pub(crate) struct Groups {
    /// Texts in alphabetical order: a rank indexes it.
    names: Vec<Arc<str>>,
    pub(crate) raw: Vec<Raw>,
}

/// A column as `t`, or an error naming it.
fn typed(b: &RecordBatch, n: &str, t: &DataType) -> Result<Arc<dyn Array>, String> {
    let a = b
        .column_by_name(n)
        .ok_or_else(|| format!("no column {n} in the result"))?;
    if a.data_type() == t {
        return Ok(a.clone());
    }
    cast(a, t).map_err(|e| e.to_string())
}

/// Reads the plan's output (see `aggregate` for its columns).
pub(crate) fn read(batches: &[RecordBatch], by: By, fixed: Fixed<'_>) -> Result<Groups, String> {
    let mut names = Names::default();
    let fy = names.id("FY");
    let star = names.id("*");
    let world = names.id(WORLD);
    let fixed_id = |names: &mut Names, s: Option<&str>| s.map(|s| names.id(s));
    let (f_reporter, f_flow, f_period) = (
        fixed_id(&mut names, fixed.reporter),
        fixed_id(&mut names, fixed.flow),
        fixed_id(&mut names, fixed.period),
    );
    let text_of = |b: &RecordBatch, n: &str, fixed: Option<u32>| match fixed {
        Some(_) => Ok(None),
        None => typed(b, n, &DataType::Utf8).map(Some),
    };
    let mut raw = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for b in batches {
        let year = typed(b, "year", &DataType::Int32)?;
        let period = text_of(b, "period", f_period)?;
        let reporter = text_of(b, "reporter", f_reporter)?;
        let flow = text_of(b, "flow", f_flow)?;
        let source = typed(b, "source", &DataType::Utf8)?;
        // By::Product: `partner` is "is the world"; By::Partner: `product` is "is a total".
        let (partner, is_world) = match by {
            By::Product => (None, Some(typed(b, "partner", &DataType::Boolean)?)),
            _ => (Some(typed(b, "partner", &DataType::Utf8)?), None),
        };
        let (product, whole) = match by {
            By::Partner => (None, Some(typed(b, "product", &DataType::Boolean)?)),
            _ => (Some(typed(b, "product", &DataType::Utf8)?), None),
        };
        let v = typed(b, "v", &DataType::Float64)?;
        let e = typed(b, "e", &DataType::Boolean)?;
        let n = typed(b, "n", &DataType::Int64)?;
        let nbad = typed(b, "nbad", &DataType::Int64)?;
        let (v, n, nbad) = (
            v.as_primitive::<Float64Type>(),
            n.as_primitive::<Int64Type>(),
            nbad.as_primitive::<Int64Type>(),
        );
        let year = year.as_primitive::<Int32Type>();
        // Trimmed, as the row reader trims; None for null.
        fn text(a: &Option<Arc<dyn Array>>, i: usize) -> Option<&str> {
            let a = a.as_ref()?;
            (!a.is_null(i)).then(|| a.as_string::<i32>().value(i).trim())
        }
        let flag = |a: &Arc<dyn Array>, i: usize| !a.is_null(i) && a.as_boolean().value(i);
        let source = Some(source);
        for i in 0..b.num_rows() {
            let mut id = |fixed: Option<u32>, a: &Option<Arc<dyn Array>>| match fixed {
                Some(f) => f,
                None => names.id(text(a, i).unwrap_or_default()),
            };
            let reporter = id(f_reporter, &reporter);
            let flow = id(f_flow, &flow);
            let partner = match (&partner, &is_world) {
                (Some(_), _) => id(None, &partner),
                (None, Some(w)) if flag(w, i) => world,
                _ => star,
            };
            let source = id(None, &source);
            let period = match (f_period, text(&period, i)) {
                (Some(p), _) => p,
                (None, Some(p)) if !p.is_empty() => names.id(p),
                _ => fy,
            };
            let product = match text(&product, i) {
                Some(p) if !p.is_empty() => names.id(p) + 1,
                _ => 0,
            };
            raw.push(Raw {
                year: if year.is_null(i) { 0 } else { year.value(i) },
                period,
                reporter,
                flow,
                partner,
                product,
                whole: whole.as_ref().is_none_or(|w| flag(w, i)),
                source,
                last_source: source,
                value: if v.is_null(i) { 0.0 } else { v.value(i) },
                estimate: flag(&e, i),
                n: n.value(i),
                nbad: if nbad.is_null(i) { 0 } else { nbad.value(i) },
            });
        }
    }
    // Ids to alphabetical ranks.
    let Names { names, .. } = names;
    let mut by_name: Vec<u32> = (0..u32::try_from(names.len()).unwrap_or(u32::MAX)).collect();
    by_name.sort_unstable_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, id) in by_name.iter().enumerate() {
        rank[*id as usize] = u32::try_from(r).unwrap_or(u32::MAX);
    }
    let sorted: Vec<Arc<str>> = by_name
        .iter()
        .map(|id| names[*id as usize].clone())
        .collect();
    for r in &mut raw {
        let rk = |id: u32| rank[id as usize];
        r.period = rk(r.period);
        r.reporter = rk(r.reporter);
        r.flow = rk(r.flow);
        r.partner = rk(r.partner);
        r.source = rk(r.source);
        r.last_source = r.source;
        if r.product > 0 {
            r.product = rk(r.product - 1) + 1;
        }
    }
    raw.sort_unstable_by_key(|r| (r.key(), r.source));
    // Join equal keys: values summed, the first and last source kept.
    let mut out: Vec<Raw> = Vec::with_capacity(raw.len());
    for r in raw {
        match out.last_mut() {
            Some(o) if o.key() == r.key() => {
                o.value += r.value;
                o.estimate |= r.estimate;
                o.n += r.n;
                o.nbad += r.nbad;
                o.last_source = r.source;
            }
            _ => out.push(r),
        }
    }
    Ok(Groups {
        names: sorted,
        raw: out,
    })
}

impl Groups {
    fn name(&self, rank: u32) -> &str {
        &self.names[rank as usize]
    }

    /// Checks on the (few) distinct keys instead of every row: codes, flow, period,
    /// product, and duplicate rows (two rows of one key, where a key is a single figure).
    pub(crate) fn check(&self, file: &str, by: By, has_product: bool) -> Diagnostics {
        let valid =
            |f: &dyn Fn(&str) -> bool| -> Vec<bool> { self.names.iter().map(|n| f(n)).collect() };
        let alpha3 = valid(&|n| iso::is_alpha3(n));
        let partner_ok =
            valid(&|n| iso::is_alpha3(n) || n == WORLD || (by == By::Product && n == "*"));
        let flow_ok = valid(&|n| n.parse::<FlowKind>().is_ok());
        let period_ok = valid(&|n| n.parse::<Period>().is_ok());
        let hs_ok = valid(&|n| scan::is_hs_code(n));
        let mut d = Diagnostics::default();
        for r in &self.raw {
            let i = |x: u32| x as usize;
            let bad_key = !alpha3[i(r.reporter)]
                || !partner_ok[i(r.partner)]
                || r.reporter == r.partner
                || !flow_ok[i(r.flow)]
                || !period_ok[i(r.period)]
                || (r.product > 0 && !hs_ok[i(r.product - 1)]);
            let (year, period, reporter, partner, flow) = (
                r.year,
                self.name(r.period),
                self.name(r.reporter),
                self.name(r.partner),
                self.name(r.flow),
            );
            if bad_key {
                d.push(Diagnostic::error(
                    file,
                    format!("invalid key: {year} {period} {reporter}→{partner} {flow}"),
                ));
            }
            // One figure per key: rows without a product under By::Partner, every row
            // with a product (or every row of a table without products) under
            // By::PartnerProduct.
            let single = match by {
                By::Partner => !has_product || r.whole,
                By::PartnerProduct => r.product > 0 || !has_product,
                By::Product => false,
            };
            if single && r.n > 1 {
                let product = if r.product > 0 {
                    format!(" product {}", self.name(r.product - 1))
                } else {
                    String::new()
                };
                d.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "duplicate rows: {year} {period} {reporter}→{partner} {flow}{product} ({} rows)",
                            r.n
                        ),
                    )
                    .hint("keep one figure per series (a partner-side figure belongs under the partner as reporter)"),
                );
            }
        }
        d
    }

    /// The cells. Under `By::Partner` with a product column a key's row without a
    /// product is its total; only where there is none are its product rows summed (a
    /// key's total directly follows its summed products).
    pub(crate) fn cells(self, by: By, has_product: bool) -> Vec<Cell> {
        let totals_first = by == By::Partner && has_product;
        let mut kept: Vec<Raw> = Vec::with_capacity(self.raw.len());
        for r in &self.raw {
            match kept.last_mut() {
                Some(o)
                    if totals_first
                        && !o.whole
                        && (o.year, o.period, o.reporter, o.flow, o.partner)
                            == (r.year, r.period, r.reporter, r.flow, r.partner) =>
                {
                    *o = *r;
                }
                _ => kept.push(*r),
            }
        }
        let at = |rank: u32| self.names[rank as usize].clone();
        kept.iter()
            .map(|r| Cell {
                year: r.year,
                period: at(r.period),
                reporter: at(r.reporter),
                partner: at(r.partner),
                flow: at(r.flow),
                product: (r.product > 0).then(|| at(r.product - 1)),
                value_usd: r.value,
                estimate: r.estimate,
                source: if r.source == r.last_source {
                    at(r.source)
                } else {
                    format!("{} … {}", self.name(r.source), self.name(r.last_source)).into()
                },
            })
            .collect()
    }
}
