//! The plan's groups turned into [`Cell`]s. The text of every key is interned once and
//! replaced by its alphabetical rank, so normalising (blanks trimmed, an empty period read
//! as FY), joining groups that are one key once normalised or that differ only by source,
//! sorting, and checking the keys all work on integers; each cell then shares its texts
//! (`Arc<str>`) instead of allocating them.

use crate::{scan, By, Cell};
use astana_diag::{Diagnostic, Diagnostics};
use astana_model::{iso, FlowKind, Period, WORLD};
use datafusion::arrow::array::{Array, AsArray, RecordBatch, StringViewArray};
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
    /// Proved by the files' statistics, not by the filter.
    pub(crate) source: Option<&'a str>,
}

/// Distinct texts as written, each once. A text of at most 12 bytes is found by its
/// Arrow view (the 16 bytes that hold it inline), so most lookups hash one integer.
#[derive(Default)]
struct Names {
    small: HashMap<u128, u32, foldhash::fast::RandomState>,
    large: HashMap<Arc<str>, u32, foldhash::fast::RandomState>,
    names: Vec<Arc<str>>,
}

/// The inline Arrow view of a text of at most 12 bytes: its length, then its bytes.
fn inline_view(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() > 12 {
        return None;
    }
    let mut v = [0u8; 16];
    v[..4].copy_from_slice(&u32::try_from(b.len()).ok()?.to_le_bytes());
    v[4..4 + b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(v))
}

impl Names {
    fn push(&mut self, s: &str) -> u32 {
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(s.into());
        i
    }

    fn id(&mut self, s: &str) -> u32 {
        match inline_view(s) {
            Some(v) => self.by_view(v, s),
            None => {
                if let Some(&i) = self.large.get(s) {
                    return i;
                }
                let i = self.push(s);
                self.large.insert(self.names[i as usize].clone(), i);
                i
            }
        }
    }

    /// `view` is `s`'s inline view.
    fn by_view(&mut self, view: u128, s: &str) -> u32 {
        if let Some(&i) = self.small.get(&view) {
            return i;
        }
        let i = self.push(s);
        self.small.insert(view, i);
        i
    }

    /// The id of row `i` of a text column; null reads as "".
    fn at(&mut self, a: &StringViewArray, i: usize) -> u32 {
        if a.is_null(i) {
            return self.by_view(0, "");
        }
        let view = a.views()[i];
        // The low 32 bits of a view are the text's length.
        if (view as u32) <= 12 {
            self.by_view(view, a.value(i))
        } else {
            self.id(a.value(i))
        }
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
    /// The rank of "" if a key is empty.
    empty: Option<u32>,
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
    let star = names.id("*");
    let world = names.id(WORLD);
    let fixed_id = |names: &mut Names, s: Option<&str>| s.map(|s| names.id(s));
    let (f_reporter, f_flow, f_period, f_source) = (
        fixed_id(&mut names, fixed.reporter),
        fixed_id(&mut names, fixed.flow),
        fixed_id(&mut names, fixed.period),
        fixed_id(&mut names, fixed.source),
    );
    let view = |b: &RecordBatch, n: &str| -> Result<StringViewArray, String> {
        Ok(typed(b, n, &DataType::Utf8View)?.as_string_view().clone())
    };
    let text_of = |b: &RecordBatch, n: &str, fixed: Option<u32>| match fixed {
        Some(_) => Ok(None),
        None => view(b, n).map(Some),
    };
    let mut raw = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for b in batches {
        let year = typed(b, "year", &DataType::Int32)?;
        let period = text_of(b, "period", f_period)?;
        let reporter = text_of(b, "reporter", f_reporter)?;
        let flow = text_of(b, "flow", f_flow)?;
        let source = text_of(b, "source", f_source)?;
        // By::Product: `partner` is "is the world"; By::Partner: `product` is "is a total".
        let (partner, is_world) = match by {
            By::Product => (None, Some(typed(b, "partner", &DataType::Boolean)?)),
            _ => (Some(view(b, "partner")?), None),
        };
        // Absent when the table has no product column.
        let (product, whole) = match (by, b.column_by_name("product").is_some()) {
            (_, false) => (None, None),
            (By::Partner, true) => (None, Some(typed(b, "product", &DataType::Boolean)?)),
            _ => (Some(view(b, "product")?), None),
        };
        let v = typed(b, "v", &DataType::Float64)?;
        // Absent when the table has no estimate column, and under By::Product (no counts).
        let e = b
            .column_by_name("e")
            .map(|_| typed(b, "e", &DataType::Boolean))
            .transpose()?;
        let n = b
            .column_by_name("n")
            .map(|_| typed(b, "n", &DataType::Int64))
            .transpose()?;
        let bad = typed(b, "bad", &DataType::Boolean)?;
        let v = v.as_primitive::<Float64Type>();
        let n = n.as_ref().map(|n| n.as_primitive::<Int64Type>());
        let year = year.as_primitive::<Int32Type>();
        let flag = |a: &Arc<dyn Array>, i: usize| !a.is_null(i) && a.as_boolean().value(i);
        for i in 0..b.num_rows() {
            let mut id = |fixed: Option<u32>, a: &Option<StringViewArray>| match (fixed, a) {
                (Some(f), _) => f,
                (None, Some(a)) => names.at(a, i),
                (None, None) => names.by_view(0, ""),
            };
            let reporter = id(f_reporter, &reporter);
            let flow = id(f_flow, &flow);
            let period = id(f_period, &period);
            let partner = match (&partner, &is_world) {
                (Some(_), _) => id(None, &partner),
                (None, Some(w)) if flag(w, i) => world,
                _ => star,
            };
            // Ids plus one; 0 for none.
            let product = if product.is_some() {
                id(None, &product) + 1
            } else {
                0
            };
            let source = id(f_source, &source);
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
                estimate: e.as_ref().is_some_and(|e| flag(e, i)),
                n: n.map_or(1, |n| n.value(i)),
                nbad: i64::from(flag(&bad, i)),
            });
        }
    }
    // Texts trimmed (as the row reader trims), then ids to dense alphabetical ranks: two
    // texts equal once trimmed get one rank.
    let fy = names.id("FY");
    let Names { names, .. } = names;
    let trimmed: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    let mut by_name: Vec<u32> = (0..u32::try_from(names.len()).unwrap_or(u32::MAX)).collect();
    by_name.sort_unstable_by(|a, b| trimmed[*a as usize].cmp(trimmed[*b as usize]));
    let mut rank = vec![0u32; names.len()];
    let mut sorted: Vec<Arc<str>> = Vec::new();
    for id in &by_name {
        let t = trimmed[*id as usize];
        if sorted.last().is_none_or(|l| &**l != t) {
            sorted.push(if t.len() == names[*id as usize].len() {
                names[*id as usize].clone()
            } else {
                t.into()
            });
        }
        rank[*id as usize] = u32::try_from(sorted.len() - 1).unwrap_or(u32::MAX);
    }
    let empty = sorted.first().filter(|s| s.is_empty()).map(|_| 0u32);
    let fy = rank[fy as usize];
    // The sort key packed into one integer when the ranks fit (they nearly always do).
    let bits = (u32::BITS
        - u32::try_from(sorted.len() + 1)
            .unwrap_or(u32::MAX)
            .leading_zeros()) as usize;
    let (y0, y1) = raw.iter().fold((i32::MAX, i32::MIN), |(lo, hi), r| {
        (lo.min(r.year), hi.max(r.year))
    });
    let ybits = if raw.is_empty() {
        0
    } else {
        (u64::BITS
            - (i64::from(y1) - i64::from(y0))
                .unsigned_abs()
                .leading_zeros()) as usize
    };
    let packed = ybits + 6 * bits < 128; // six ranks, the year and one bit
    for r in &mut raw {
        let rk = |id: u32| rank[id as usize];
        r.period = match rk(r.period) {
            p if Some(p) == empty => fy,
            p => p,
        };
        r.reporter = rk(r.reporter);
        r.flow = rk(r.flow);
        r.partner = rk(r.partner);
        r.source = rk(r.source);
        r.last_source = r.source;
        r.product = match r.product {
            0 => 0,
            p => match rk(p - 1) {
                p if Some(p) == empty => 0,
                p => p + 1,
            },
        };
    }
    // Sorting (key, index) pairs moves 32 bytes per swap instead of a whole group.
    let raw: Vec<Raw> = if packed {
        let mut order: Vec<(u128, u32)> = raw
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut k = u128::try_from(i64::from(r.year) - i64::from(y0)).unwrap_or(0);
                for f in [r.period, r.reporter, r.flow, r.partner, r.product] {
                    k = (k << bits) | u128::from(f);
                }
                k = (k << 1) | u128::from(r.whole);
                (
                    (k << bits) | u128::from(r.source),
                    u32::try_from(i).unwrap_or(u32::MAX),
                )
            })
            .collect();
        order.sort_unstable();
        order.iter().map(|(_, i)| raw[*i as usize]).collect()
    } else {
        raw.sort_unstable_by_key(|r| (r.key(), r.source));
        raw
    };
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
        empty,
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
                || (r.product > 0 && !hs_ok[i(r.product - 1)])
                || Some(r.source) == self.empty;
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
