//! The embedded run's quick path for Parquet: each core takes row groups and reads their
//! text columns as dictionaries (as they are stored), so a key is interned once per
//! dictionary entry, not once per row, and each row costs a few array lookups and one
//! hash of its group. It takes the tables the plan would read with every row valid and
//! no reporter or year filter (those are pruned by the plan's statistics); on anything
//! else, or on a row that is not valid, it hands over to the plan, which reports where.

use crate::group::{Builder, Fixed, Names, Refused};
use crate::scan::MAX_VALUE_USD;
use crate::work::on_cores;
use crate::{By, Filter, Source};
use astana_model::WORLD;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Field, Float64Type, Int32Type, Int64Type, Schema, SchemaRef,
};
use datafusion::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use datafusion::parquet::arrow::ProjectionMask;
use std::path::PathBuf;
use std::sync::Arc;

/// The text columns read as dictionaries.
const TEXT: [&str; 7] = [
    "period", "reporter", "partner", "flow", "product", "source", "estimate",
];

/// One file: its metadata with the dictionary schema, and its year if in a `year=` folder.
struct File {
    path: PathBuf,
    meta: ArrowReaderMetadata,
    hive_year: Option<i32>,
}

/// The groups of every row of `src` that `filter` keeps, one builder per core; refused
/// when the quick path does not take the table, finds an invalid row, or the groups pass
/// `most` (over all cores).
pub(crate) fn group(
    src: &Source,
    filter: &Filter,
    (by, fixed): (By, Fixed<'_>),
    most: usize,
) -> Result<Vec<Builder>, Refused> {
    let (files, work) = files(src, filter).ok_or(Refused::NotPlain)?;
    run(&files, &work, filter, (by, fixed), most)
}

/// Every (file, row group).
type Work = Vec<(usize, usize)>;

/// The files with their dictionary schemas, and their row groups; None when the quick
/// path does not take the table.
fn files(src: &Source, filter: &Filter) -> Option<(Vec<File>, Work)> {
    if filter.reporter.is_some() || filter.year.is_some() {
        return None;
    }
    let hive = src.is_hive();
    let paths = match src {
        Source::Csv(_) => return None,
        Source::Parquet(p) => vec![p.clone()],
        Source::Folder(p) => crate::parquet_files(p),
    };
    let mut files = Vec::with_capacity(paths.len());
    let mut work = Vec::new();
    for path in paths {
        let f = std::fs::File::open(&path).ok()?;
        let plain = ArrowReaderMetadata::load(&f, ArrowReaderOptions::new()).ok()?;
        let hint = dictionary_schema(plain.schema())?;
        let meta = ArrowReaderMetadata::try_new(
            plain.metadata().clone(),
            ArrowReaderOptions::new().with_schema(hint),
        )
        .ok()?;
        let hive_year = if hive {
            Some(crate::year_of(&path)?)
        } else {
            None
        };
        if hive_year.is_some() == meta.schema().field_with_name("year").is_ok() {
            return None; // a year both in the folder and in the file, or in neither
        }
        for rg in 0..meta.metadata().num_row_groups() {
            work.push((files.len(), rg));
        }
        files.push(File {
            path,
            meta,
            hive_year,
        });
    }
    Some((files, work))
}

fn run(
    files: &[File],
    work: &Work,
    filter: &Filter,
    (by, fixed): (By, Fixed<'_>),
    most: usize,
) -> Result<Vec<Builder>, Refused> {
    on_cores(
        work.len(),
        (by, fixed),
        most,
        |k, b, dicts: &mut Dictionaries| {
            let (f, rg) = work[k];
            row_group(&files[f], rg, filter, by, b, dicts).is_some() && b.nbad == 0
        },
    )
}

/// `schema` with its text key columns as dictionaries; None when one is not text.
fn dictionary_schema(schema: &SchemaRef) -> Option<SchemaRef> {
    let fields = schema
        .fields()
        .iter()
        .map(|f| {
            if !TEXT.contains(&f.name().as_str()) {
                return Some(f.as_ref().clone());
            }
            match f.data_type() {
                DataType::Boolean if f.name() == "estimate" => Some(f.as_ref().clone()),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Some(Field::new(
                    f.name(),
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                    f.is_nullable(),
                )),
                _ => None,
            }
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Arc::new(Schema::new_with_metadata(
        fields,
        schema.metadata().clone(),
    )))
}

/// A text column's dictionary turned into ids once (the reader hands the same dictionary
/// to every batch of a column chunk).
#[derive(Default)]
struct Dictionaries {
    /// Per column of [`TEXT`]: the dictionary seen last and its entries' ids.
    seen: [Option<(ArrayRef, Vec<u32>)>; 7],
}

impl Dictionaries {
    /// The ids of the entries of `values` (column `c`), by `f`.
    fn ids(
        &mut self,
        c: usize,
        values: &ArrayRef,
        mut f: impl FnMut(Option<&str>) -> u32,
    ) -> &[u32] {
        let fresh = !matches!(&self.seen[c], Some((v, _)) if Arc::ptr_eq(v, values));
        if fresh {
            let s = values.as_string::<i32>();
            let ids = (0..s.len())
                .map(|i| f((!s.is_null(i)).then(|| s.value(i))))
                .collect();
            self.seen[c] = Some((values.clone(), ids));
        }
        self.seen[c].as_ref().map_or(&[], |(_, ids)| ids.as_slice())
    }
}

/// A text column of a batch: each row's dictionary key (None for a null).
struct Keys<'a> {
    keys: &'a [i32],
    valid: Option<&'a datafusion::arrow::buffer::NullBuffer>,
}

impl Keys<'_> {
    #[inline]
    fn at(&self, i: usize) -> Option<usize> {
        if self.valid.is_some_and(|v| v.is_null(i)) {
            return None;
        }
        usize::try_from(self.keys[i]).ok()
    }
}

fn keys<'a>(b: &'a RecordBatch, name: &str) -> Option<(Keys<'a>, &'a ArrayRef)> {
    let a = b.column_by_name(name)?;
    let d = a.as_dictionary_opt::<Int32Type>()?;
    if d.values().data_type() != &DataType::Utf8 {
        return None;
    }
    Some((
        Keys {
            keys: d.keys().values(),
            valid: d.nulls(),
        },
        d.values(),
    ))
}

/// Adds the rows of row group `rg` of `file` that `filter` keeps to `b` (their invalid
/// rows to `b.nbad`). None when the quick path does not take its columns.
fn row_group(
    file: &File,
    rg: usize,
    filter: &Filter,
    by: By,
    b: &mut Builder,
    dicts: &mut Dictionaries,
) -> Option<()> {
    let schema = file.meta.schema().clone();
    let wanted: Vec<usize> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            TEXT.contains(&f.name().as_str()) || ["year", "value_usd"].contains(&f.name().as_str())
        })
        .map(|(i, _)| i)
        .collect();
    let f = std::fs::File::open(&file.path).ok()?;
    let mask = ProjectionMask::roots(file.meta.parquet_schema(), wanted);
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, file.meta.clone())
        .with_row_groups(vec![rg])
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .ok()?;
    let (world, star) = b.world_and_star();
    let fy = b.fixed_period();
    let fixed = b.fixed_ids();
    for batch in reader {
        let batch = batch.ok()?;
        let n = batch.num_rows();
        let (names, acc) = b.parts();
        let mut nbad = 0;
        // Each text column: keys and the ids (or flags) of its dictionary's entries.
        // A text column: None (leave it to the plan) when it is not a dictionary.
        let text = |name: &str| -> Option<Option<(Keys<'_>, &ArrayRef)>> {
            match batch.column_by_name(name) {
                None => Some(None),
                Some(_) => keys(&batch, name).map(Some),
            }
        };
        let period = text("period")?;
        let reporter = text("reporter")?;
        let partner = text("partner")?;
        let flow = text("flow")?;
        let product = text("product")?;
        let source = text("source")?;
        let (Some(reporter), Some(partner), Some(flow), Some(source)) =
            (reporter, partner, flow, source)
        else {
            return None;
        };
        let intern = |names: &mut Names, s: Option<&str>| names.id(s.unwrap_or(""));
        // Ids per entry; flags folded in as ids where a key is a flag.
        let period_ids: Option<Vec<u32>> = period
            .as_ref()
            .map(|(_, v)| dicts.ids(0, v, |s| intern(names, s)).to_vec());
        let reporter_ids = dicts.ids(1, reporter.1, |s| intern(names, s)).to_vec();
        let partner_ids = match by {
            By::Product => dicts
                .ids(
                    2,
                    partner.1,
                    |s| if s == Some(WORLD) { world } else { star },
                )
                .to_vec(),
            _ => dicts.ids(2, partner.1, |s| intern(names, s)).to_vec(),
        };
        let flow_ids = dicts.ids(3, flow.1, |s| intern(names, s)).to_vec();
        let product_ids: Option<Vec<u32>> = product.as_ref().map(|(_, v)| match by {
            // 1 for a total (no product), 0 for a product line.
            By::Partner => dicts
                .ids(4, v, |s| u32::from(s.is_none_or(str::is_empty)))
                .to_vec(),
            _ => dicts.ids(4, v, |s| intern(names, s) + 1).to_vec(),
        });
        let source_ids = dicts.ids(5, source.1, |s| intern(names, s)).to_vec();
        // The filter on the entries: the flow, and the period (FY: also null and "").
        let keep_flow: Option<Vec<bool>> = filter.flow.as_deref().map(|want| {
            let s = flow.1.as_string::<i32>();
            (0..s.len())
                .map(|i| !s.is_null(i) && s.value(i) == want)
                .collect()
        });
        let keep_period: Option<Vec<bool>> = match (filter.period.as_deref(), &period) {
            (None, _) => None,
            (Some(p), None) => (p != "FY").then(Vec::new), // no column: every row is FY
            (Some(p), Some((_, v))) => {
                let s = v.as_string::<i32>();
                Some(
                    (0..s.len())
                        .map(|i| {
                            let t = (!s.is_null(i)).then(|| s.value(i));
                            t == Some(p) || (p == "FY" && t.is_none_or(str::is_empty))
                        })
                        .collect(),
                )
            }
        };
        let year = match (batch.column_by_name("year"), file.hive_year) {
            (None, Some(y)) => Year::Fixed(y),
            (Some(a), None) => match a.data_type() {
                DataType::Int32 => Year::I32(a.clone()),
                DataType::Int64 => Year::I64(a.clone()),
                _ => return None,
            },
            _ => return None,
        };
        let value = batch.column_by_name("value_usd")?;
        let value = match value.data_type() {
            DataType::Float64 | DataType::Int64 => value.clone(),
            _ => return None,
        };
        // Boolean, or text: 1 for "yes", 0 for "no", "" and null, 2 for anything else.
        let estimate = match batch.column_by_name("estimate") {
            None => Estimate::None,
            Some(a) if a.data_type() == &DataType::Boolean => Estimate::Flag(a.clone()),
            Some(_) => {
                let (k, v) = keys(&batch, "estimate")?;
                let ids = dicts
                    .ids(6, v, |s| match s {
                        None | Some("" | "no") => 0,
                        Some("yes") => 1,
                        Some(_) => 2,
                    })
                    .to_vec();
                Estimate::Text(k, ids)
            }
        };
        let (v64, vint) = (
            value.as_primitive_opt::<Float64Type>(),
            value.as_primitive_opt::<Int64Type>(),
        );
        for i in 0..n {
            let p = period.as_ref().map(|(k, _)| k.at(i));
            let f = flow.0.at(i);
            if let Some(k) = &keep_flow {
                if !f.is_some_and(|f| k[f]) {
                    continue;
                }
            }
            if let Some(k) = &keep_period {
                let keep = match p {
                    None => true, // no column: every row is FY (checked above)
                    Some(None) => filter.period.as_deref() == Some("FY"),
                    Some(Some(e)) => k[e],
                };
                if !keep {
                    continue;
                }
            }
            let (Some(r), Some(pa), Some(f), Some(s)) =
                (reporter.0.at(i), partner.0.at(i), f, source.0.at(i))
            else {
                nbad += 1;
                continue;
            };
            let y = match &year {
                Year::Fixed(y) => Some(*y),
                Year::I32(a) => {
                    let a = a.as_primitive::<Int32Type>();
                    (!a.is_null(i)).then(|| a.value(i))
                }
                Year::I64(a) => {
                    let a = a.as_primitive::<Int64Type>();
                    (!a.is_null(i))
                        .then(|| a.value(i))
                        .and_then(|y| i32::try_from(y).ok())
                }
            };
            #[allow(clippy::cast_precision_loss)] // as the plan's cast to Float64
            let v = match (v64, vint) {
                (Some(a), _) => (!a.is_null(i)).then(|| a.value(i)),
                (_, Some(a)) => (!a.is_null(i)).then(|| a.value(i) as f64),
                _ => None,
            };
            let (Some(y), Some(v)) = (y, v) else {
                nbad += 1;
                continue;
            };
            // The range leaves out NaN as well.
            if !(1900..=2100).contains(&y) || !(-0.0..=MAX_VALUE_USD).contains(&v) {
                nbad += 1;
                continue;
            }
            let period = match (fixed[2], p, &period_ids) {
                (Some(id), _, _) => id,
                (None, Some(Some(e)), Some(ids)) => ids[e],
                (None, _, _) => fy.unwrap_or_else(|| names.id("")),
            };
            let context = acc.context((
                y,
                period,
                fixed[0].unwrap_or(reporter_ids[r]),
                fixed[1].unwrap_or(flow_ids[f]),
                fixed[3].unwrap_or(source_ids[s]),
            ));
            let (product, whole) = match (&product, &product_ids, by) {
                (Some((k, _)), Some(ids), By::Partner) => (0, k.at(i).is_none_or(|e| ids[e] == 1)),
                (Some((k, _)), Some(ids), _) => {
                    (k.at(i).map_or_else(|| names.id("") + 1, |e| ids[e]), true)
                }
                _ => (0, true),
            };
            let est = match &estimate {
                Estimate::None => false,
                Estimate::Flag(a) => {
                    let a = a.as_boolean();
                    !a.is_null(i) && a.value(i)
                }
                Estimate::Text(k, ids) => match k.at(i).map_or(0, |e| ids[e]) {
                    2 => {
                        nbad += 1;
                        continue;
                    }
                    e => e == 1,
                },
            };
            acc.add_row(context, (partner_ids[pa], product, whole), v, est, 1);
        }
        b.nbad += nbad;
    }
    Some(())
}

/// A table's estimate column.
enum Estimate<'a> {
    None,
    Flag(ArrayRef),
    /// Keys, and per entry 0 (no), 1 (yes) or 2 (invalid).
    Text(Keys<'a>, Vec<u32>),
}

/// Where a row's year comes from.
enum Year {
    Fixed(i32),
    I32(ArrayRef),
    I64(ArrayRef),
}
