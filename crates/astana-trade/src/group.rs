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
use rayon::prelude::*;
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
pub(crate) struct Names {
    small: HashMap<u128, u32, foldhash::fast::RandomState>,
    large: HashMap<Arc<str>, u32, foldhash::fast::RandomState>,
    names: Vec<Arc<str>>,
}

/// The inline Arrow view of a text of at most 12 bytes: its length, then its bytes.
pub(crate) fn inline_view(s: &str) -> Option<u128> {
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

    pub(crate) fn id(&mut self, s: &str) -> u32 {
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
    #[inline]
    pub(crate) fn by_view(&mut self, view: u128, s: &str) -> u32 {
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
    n: i64,
}

/// The plan's groups, normalised, joined and sorted (year, period, reporter, flow, partner,
/// product, totals last).
pub(crate) struct Groups {
    /// Texts in alphabetical order: a rank indexes it.
    names: Vec<Arc<str>>,
    /// The rank of "" if a key is empty.
    empty: Option<u32>,
    raw: Vec<Raw>,
    /// Invalid rows.
    pub(crate) nbad: i64,
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

/// What a group sums.
#[derive(Clone, Copy, Default)]
struct Sums {
    value: f64,
    /// Rows (saturating: only "more than one" is read).
    n: u32,
    estimate: bool,
}

/// A group's context: (year, period, reporter, flow, source) as ids. A table has few, and
/// a sorted one keeps each for long runs of rows.
pub(crate) type Context = (i32, u32, u32, u32, u32);

/// The last text of a column and its id: runs of one value (a sorted table's reporter,
/// a constant flow or source) cost one comparison per row instead of a lookup.
#[derive(Default)]
struct Last {
    view: u128,
    id: Option<u32>,
}

/// Groups built from batches: the plan's groups (one row each), or rows read straight
/// from the scan and summed here (the embedded run). Either way each batch has the
/// columns `year`, the text keys not fixed, `partner`, `product` (when the table has
/// one), `v` (value), `bad`, and optionally `e` (estimate) and `n` (rows).
pub(crate) struct Builder {
    by: By,
    names: Names,
    star: u32,
    world: u32,
    /// Ids of the fixed keys (reporter, flow, period, source).
    fixed: [Option<u32>; 4],
    acc: Acc,
    /// Invalid rows.
    pub(crate) nbad: i64,
}

/// The sums of a [`Builder`], apart from its names so both can be borrowed at once.
#[derive(Default)]
pub(crate) struct Acc {
    contexts: Vec<Context>,
    context_ids: HashMap<Context, u32, foldhash::fast::RandomState>,
    last_context: Option<(Context, u32)>,
    /// Per context, keyed by partner, product and `whole`, packed (see [`pack`]). A map
    /// per context keeps the groups of a run of rows of one context (a sorted table's
    /// reporter-year) in a small map that stays in cache.
    sums: Vec<HashMap<u128, Sums, foldhash::fast::RandomState>>,
    /// Groups in all the maps.
    groups: usize,
}

/// Groups the native paths hold at most, over all their builders: about 150 bytes each from
/// the maps to the sorted groups, so about 2.4 GB, under the 4 GiB the issue allows. Past it
/// the sums are left to DataFusion's plan, which spills to disk.
pub(crate) const MAX_GROUPS: usize = 16_000_000;

/// Why a native path did not give the groups.
#[derive(Debug)]
pub(crate) enum Refused {
    /// A row it does not take (invalid, quoted, a type it does not read): the next path.
    NotPlain,
    /// More groups than [`MAX_GROUPS`]: DataFusion's plan, which spills.
    TooManyGroups,
    /// The scan's output was not as expected (a bug).
    Broken(String),
}

impl Acc {
    /// The id of a context (the last one is remembered: sorted tables repeat it).
    #[inline]
    pub(crate) fn context(&mut self, c: Context) -> u32 {
        match self.last_context {
            Some((last, at)) if last == c => at,
            _ => self.new_context(c),
        }
    }

    #[cold]
    #[inline(never)]
    fn new_context(&mut self, c: Context) -> u32 {
        let next = u32::try_from(self.contexts.len()).unwrap_or(u32::MAX);
        let at = *self.context_ids.entry(c).or_insert(next);
        if at == next {
            self.contexts.push(c);
            self.sums.push(HashMap::default());
        }
        self.last_context = Some((c, at));
        at
    }

    /// Adds `rows` rows of `value` to the group of `context` and (partner, product + 1 or
    /// 0, whole).
    #[inline]
    pub(crate) fn add_row(
        &mut self,
        context: u32,
        (partner, product, whole): (u32, u32, bool),
        value: f64,
        estimate: bool,
        rows: u32,
    ) {
        let s = match self.sums[context as usize].entry(pack(partner, product, whole)) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                self.groups += 1;
                v.insert(Sums::default())
            }
        };
        s.value += value;
        s.estimate |= estimate;
        s.n = s.n.saturating_add(rows);
    }
}

/// One integer for (partner, product, whole): one hash per row.
fn pack(partner: u32, product: u32, whole: bool) -> u128 {
    (u128::from(partner) << 33) | (u128::from(product) << 1) | u128::from(whole)
}

fn unpack(k: u128) -> (u32, u32, bool) {
    let id = |shift: u32| u32::try_from((k >> shift) & u128::from(u32::MAX)).unwrap_or(0);
    (id(33), id(1), k & 1 == 1)
}

impl Builder {
    pub(crate) fn new(by: By, fixed: Fixed<'_>) -> Builder {
        let mut names = Names::default();
        let star = names.id("*");
        let world = names.id(WORLD);
        let fixed = [fixed.reporter, fixed.flow, fixed.period, fixed.source]
            .map(|s| s.map(|s| names.id(s)));
        Builder {
            by,
            names,
            star,
            world,
            fixed,
            acc: Acc::default(),
            nbad: 0,
        }
    }

    /// Adds the rows of `b` to their groups.
    pub(crate) fn add(&mut self, b: &RecordBatch) -> Result<(), String> {
        let view = |n: &str| -> Result<StringViewArray, String> {
            Ok(typed(b, n, &DataType::Utf8View)?.as_string_view().clone())
        };
        let text_of = |n: &str, fixed: Option<u32>| match fixed {
            Some(_) => Ok(None),
            None => view(n).map(Some),
        };
        let [f_reporter, f_flow, f_period, f_source] = self.fixed;
        let year = typed(b, "year", &DataType::Int32)?;
        let period = text_of("period", f_period)?;
        let reporter = text_of("reporter", f_reporter)?;
        let flow = text_of("flow", f_flow)?;
        let source = text_of("source", f_source)?;
        // By::Product: `partner` is "is the world"; By::Partner: `product` is "is a total".
        let (partner, is_world) = match self.by {
            By::Product => (None, Some(typed(b, "partner", &DataType::Boolean)?)),
            _ => (Some(view("partner")?), None),
        };
        // Absent when the table has no product column.
        let (product, whole) = match (self.by, b.column_by_name("product").is_some()) {
            (_, false) => (None, None),
            (By::Partner, true) => (None, Some(typed(b, "product", &DataType::Boolean)?)),
            _ => (Some(view("product")?), None),
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
        let (names, acc) = (&mut self.names, &mut self.acc);
        let (world, star) = (self.world, self.star);
        let mut last: [Last; 6] = Default::default();
        let mut id = |fixed: Option<u32>, a: &Option<StringViewArray>, c: usize, i: usize| {
            match (fixed, a) {
                (Some(f), _) => f,
                (None, Some(a)) => {
                    let l = &mut last[c];
                    let v = if a.is_null(i) { 0 } else { a.views()[i] };
                    // The low 32 bits of a view are the text's length: at most 12 bytes
                    // and the view is the text.
                    match l.id {
                        Some(id) if l.view == v && (v as u32) <= 12 => id,
                        _ => {
                            let id = names.at(a, i);
                            *l = Last {
                                view: v,
                                id: Some(id),
                            };
                            id
                        }
                    }
                }
                (None, None) => names.by_view(0, ""),
            }
        };
        for i in 0..b.num_rows() {
            let context = acc.context((
                if year.is_null(i) { 0 } else { year.value(i) },
                id(f_period, &period, 2, i),
                id(f_reporter, &reporter, 0, i),
                id(f_flow, &flow, 1, i),
                id(f_source, &source, 5, i),
            ));
            let partner = match (&partner, &is_world) {
                (Some(_), _) => id(None, &partner, 3, i),
                (None, Some(w)) if flag(w, i) => world,
                _ => star,
            };
            // Ids plus one; 0 for none.
            let product = if product.is_some() {
                id(None, &product, 4, i) + 1
            } else {
                0
            };
            let whole = whole.as_ref().is_none_or(|w| flag(w, i));
            let rows = n.map_or(1, |n| u32::try_from(n.value(i)).unwrap_or(u32::MAX));
            acc.add_row(
                context,
                (partner, product, whole),
                if v.is_null(i) { 0.0 } else { v.value(i) },
                e.as_ref().is_some_and(|e| flag(e, i)),
                rows,
            );
            self.nbad += i64::from(flag(&bad, i));
        }
        Ok(())
    }

    /// The ids standing for the world and for "the named partners" under `By::Product`.
    pub(crate) fn world_and_star(&self) -> (u32, u32) {
        (self.world, self.star)
    }

    /// Groups so far.
    pub(crate) fn groups(&self) -> usize {
        self.acc.groups
    }

    /// The ids of the fixed keys: reporter, flow, period, source.
    pub(crate) fn fixed_ids(&self) -> [Option<u32>; 4] {
        self.fixed
    }

    /// The id of the period the builder was given as fixed.
    pub(crate) fn fixed_period(&self) -> Option<u32> {
        self.fixed[2]
    }

    /// The sums, for rows added one by one ([`Acc::context`], [`Acc::add_row`]), and the
    /// names beside them.
    pub(crate) fn parts(&mut self) -> (&mut Names, &mut Acc) {
        (&mut self.names, &mut self.acc)
    }

    /// The groups of all `builders` (built from parts of one table), normalised, joined
    /// and sorted. The groups are first split by their (year, period, reporter, flow), so
    /// each part is sorted on its own, in cache and in parallel, not as one large array.
    pub(crate) fn finish(builders: Vec<Builder>) -> Groups {
        let mut all = Names::default();
        let nbad = builders.iter().map(|b| b.nbad).sum();
        let fy = all.id("FY");
        let maps: Vec<Vec<u32>> = builders
            .iter()
            .map(|b| b.names.names.iter().map(|n| all.id(n)).collect())
            .collect();
        let Ranks { names, rank, empty } = ranks(&all.names);
        let fy = rank[fy as usize];
        // Ids of a builder to ranks, normalised: an empty period is FY, an empty product none.
        let maps: Vec<Vec<u32>> = maps
            .iter()
            .map(|m| m.iter().map(|&id| rank[id as usize]).collect())
            .collect();
        let period_of = |p: u32| if Some(p) == empty { fy } else { p };
        // Each builder's contexts: (part, source rank); parts numbered as first met.
        let mut parts: HashMap<(i32, u32, u32, u32), usize, foldhash::fast::RandomState> =
            HashMap::default();
        let mut keys: Vec<(i32, u32, u32, u32)> = Vec::new();
        let places: Vec<Vec<(usize, u32)>> = builders
            .iter()
            .zip(&maps)
            .map(|(b, m)| {
                b.acc
                    .contexts
                    .iter()
                    .map(|&(y, p, r, f, src)| {
                        let k = (y, period_of(m[p as usize]), m[r as usize], m[f as usize]);
                        let next = keys.len();
                        let part = *parts.entry(k).or_insert(next);
                        if part == next {
                            keys.push(k);
                        }
                        (part, m[src as usize])
                    })
                    .collect()
            })
            .collect();
        let nparts = keys.len();
        // Every builder's groups, split into parts.
        let split: Vec<Vec<Vec<Raw>>> = builders
            .into_par_iter()
            .zip(maps)
            .zip(places)
            .map(|((b, m), places)| {
                let mut out: Vec<Vec<Raw>> = vec![Vec::new(); nparts];
                for (sums, &(part, source)) in b.acc.sums.into_iter().zip(&places) {
                    let (year, period, reporter, flow) = keys[part];
                    out[part].extend(sums.into_iter().map(|(k, s)| {
                        let (partner, product, whole) = unpack(k);
                        let product = match product {
                            0 => 0,
                            p => match m[(p - 1) as usize] {
                                p if Some(p) == empty => 0,
                                p => p + 1,
                            },
                        };
                        Raw {
                            year,
                            period,
                            reporter,
                            flow,
                            partner: m[partner as usize],
                            product,
                            whole,
                            source,
                            last_source: source,
                            value: s.value,
                            estimate: s.estimate,
                            n: i64::from(s.n),
                        }
                    }));
                }
                out
            })
            .collect();
        let mut order: Vec<usize> = (0..nparts).collect();
        order.sort_unstable_by_key(|&i| keys[i]);
        // Each part: its groups from every builder, sorted, equal keys joined.
        let sorted: Vec<Vec<Raw>> = order
            .into_par_iter()
            .map(|part| {
                let mut raw: Vec<Raw> =
                    split.iter().flat_map(|b| b[part].iter().copied()).collect();
                raw.sort_unstable_by_key(|r| (r.partner, r.product, r.whole, r.source));
                raw.dedup_by(|r, o| {
                    let same = (o.partner, o.product, o.whole) == (r.partner, r.product, r.whole);
                    if same {
                        o.value += r.value;
                        o.estimate |= r.estimate;
                        o.n += r.n;
                        o.last_source = r.source;
                    }
                    same
                });
                raw
            })
            .collect();
        let mut raw = Vec::with_capacity(sorted.iter().map(Vec::len).sum());
        for part in sorted {
            raw.extend(part);
        }
        Groups {
            names,
            empty,
            raw,
            nbad,
        }
    }
}

/// Texts in alphabetical order once trimmed (as the row reader trims), each once.
struct Ranks {
    names: Vec<Arc<str>>,
    /// Id to rank: two texts equal once trimmed get one rank.
    rank: Vec<u32>,
    /// The rank of "", if a key is empty.
    empty: Option<u32>,
}

fn ranks(names: &[Arc<str>]) -> Ranks {
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
    Ranks {
        names: sorted,
        rank,
        empty,
    }
}

/// Reads the plan's output (see `aggregate` for its columns).
pub(crate) fn read(batches: &[RecordBatch], by: By, fixed: Fixed<'_>) -> Result<Groups, String> {
    let mut b = Builder::new(by, fixed);
    for batch in batches {
        b.add(batch)?;
    }
    Ok(Builder::finish(vec![b]))
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

    /// The `By::Product` groups per (year, period, reporter, flow), as
    /// [`crate::product_groups`] makes them from the cells: the world rows where a key
    /// has any, else the sum over the named partners; groups without a product left out.
    /// `keep` (the CSV filter, see `crate::keeps`) applies to the groups as to cells.
    pub(crate) fn product_groups(
        &self,
        keep: Option<&crate::Filter>,
    ) -> Vec<crate::ProductGroup<'_>> {
        let world = self
            .names
            .binary_search_by(|n| (**n).cmp(WORLD))
            .ok()
            .and_then(|i| u32::try_from(i).ok());
        let kept = |r: &Raw| {
            keep.is_none_or(|f| {
                let name = |rank: u32| self.name(rank);
                f.keeps(
                    r.year,
                    name(r.period),
                    name(r.reporter),
                    name(r.flow),
                    name(r.partner),
                )
            })
        };
        let key = |r: &Raw| (r.year, r.period, r.reporter, r.flow);
        self.raw
            .chunk_by(|a, b| key(a) == key(b))
            .filter_map(|chunk| {
                let lines = || chunk.iter().filter(|r| r.product > 0 && kept(r));
                let has_world = lines().any(|r| Some(r.partner) == world);
                let products: Vec<(&str, f64)> = lines()
                    .filter(|r| (Some(r.partner) == world) == has_world)
                    .map(|r| (self.name(r.product - 1), r.value))
                    .collect();
                let r = chunk.first()?;
                (!products.is_empty()).then(|| crate::ProductGroup {
                    year: r.year,
                    period: self.name(r.period),
                    reporter: self.name(r.reporter),
                    flow: self.name(r.flow),
                    products,
                })
            })
            .collect()
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
