//! The row checker for what the CSV row reader cannot read: Parquet files, and CSV tables
//! with a `product` column. It runs only after the plan's validity counts found a problem,
//! to say where: file, row (Parquet: 0-based index in the file; CSV: line) and field.

use astana_diag::{Diagnostic, Diagnostics};
use astana_model::{iso, FlowKind, Period, WORLD};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type};
use std::path::Path;

/// How many located errors are shown; the rest are counted.
pub const SHOWN: usize = 50;

/// The largest accepted `value_usd`, as in the CSV row reader.
pub(crate) const MAX_VALUE_USD: f64 = 1e15;

/// Errors found so far: the first [`SHOWN`], and how many more.
#[derive(Default)]
pub(crate) struct Found {
    pub(crate) diags: Diagnostics,
    pub(crate) more: usize,
}

impl Found {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        if self.diags.0.len() < SHOWN {
            self.diags.push(d);
        } else {
            self.more += 1;
        }
    }

    pub(crate) fn finish(mut self, file: &str) -> Diagnostics {
        if self.more > 0 {
            self.diags.push(Diagnostic::error(
                file,
                format!("… and {} more errors not shown", self.more),
            ));
        }
        self.diags
    }
}

/// Where a row is: a CSV line or a Parquet row index.
#[derive(Clone, Copy)]
pub(crate) enum Place {
    /// CSV: the line of row 0 (2: right under the header).
    Line(usize),
    /// Parquet: row indices from 0.
    Row,
}

/// Checks every row of `batches` (one file) and pushes what is wrong.
pub(crate) fn check_batches(
    file: &str,
    batches: impl Iterator<Item = Result<RecordBatch, String>>,
    hive_year: Option<i32>,
    place: Place,
    found: &mut Found,
) {
    let mut base = 0usize;
    for b in batches {
        let b = match b {
            Ok(b) => b,
            Err(e) => {
                found.push(Diagnostic::error(file, format!("cannot read: {e}")));
                return;
            }
        };
        check_batch(file, &b, base, hive_year, place, found);
        base += b.num_rows();
    }
}

fn strings(b: &RecordBatch, name: &str) -> Option<ArrayRef> {
    let a = b.column_by_name(name)?;
    if a.data_type() == &DataType::Boolean {
        return Some(a.clone());
    }
    cast(a, &DataType::Utf8).ok()
}

fn check_batch(
    file: &str,
    b: &RecordBatch,
    base: usize,
    hive_year: Option<i32>,
    place: Place,
    found: &mut Found,
) {
    let col = |n: &str| strings(b, n);
    let (year, period, reporter, partner, flow, product, estimate, source) = (
        col("year"),
        col("period"),
        col("reporter"),
        col("partner"),
        col("flow"),
        col("product"),
        col("estimate"),
        col("source"),
    );
    let value = b
        .column_by_name("value_usd")
        .and_then(|a| match a.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                cast(a, &DataType::Utf8).ok()
            }
            _ => cast(a, &DataType::Float64).ok(),
        });
    let text = |a: &Option<ArrayRef>, i: usize| -> Option<String> {
        let a = a.as_ref()?;
        if a.is_null(i) {
            return None;
        }
        match a.data_type() {
            DataType::Boolean => Some(a.as_boolean().value(i).to_string()),
            _ => Some(a.as_string::<i32>().value(i).to_string()),
        }
    };
    for i in 0..b.num_rows() {
        let (row_label, line) = match place {
            Place::Line(first) => (String::new(), Some(first + base + i)),
            Place::Row => (format!("row {}: ", base + i), None),
        };
        let mut err = |field: &str, msg: String, hint: Option<&str>| {
            let mut d = Diagnostic::error(file, format!("{row_label}{msg}")).field(field);
            if let Some(l) = line {
                d = d.at_line(l);
            }
            if let Some(h) = hint {
                d = d.hint(h);
            }
            found.push(d);
        };
        let required = |a: &Option<ArrayRef>| text(a, i).map(|s| s.trim().to_string());
        match (hive_year, required(&year)) {
            (Some(_), _) => {}
            (None, None) => err("year", "missing value".into(), None),
            (None, Some(y)) => {
                if !y.parse::<i32>().is_ok_and(|y| (1900..=2100).contains(&y)) {
                    err(
                        "year",
                        format!("`{y}` is not a year"),
                        Some("write a four-digit calendar year; put part-year figures in `period`"),
                    );
                }
            }
        }
        if let Some(p) = required(&period) {
            if let Err(e) = p.parse::<Period>() {
                err("period", e, None);
            }
        }
        let r = required(&reporter);
        match &r {
            None => err("reporter", "missing value".into(), None),
            Some(r) if !iso::is_alpha3(r) => {
                err("reporter", format!("unknown ISO3 code `{r}`"), None);
            }
            _ => {}
        }
        match required(&partner) {
            None => err("partner", "missing value".into(), None),
            Some(p) if !(iso::is_alpha3(&p) || p == WORLD) => {
                err("partner", format!("unknown ISO3 code `{p}`"), None);
            }
            Some(p) if r.as_deref() == Some(p.as_str()) => {
                err(
                    "partner",
                    format!("reporter and partner are both `{p}`"),
                    None,
                );
            }
            _ => {}
        }
        match required(&flow) {
            None => err("flow", "missing value".into(), None),
            Some(f) => {
                if let Err(e) = f.parse::<FlowKind>() {
                    err("flow", e, None);
                }
            }
        }
        if let Some(p) = required(&product) {
            if !p.is_empty() && !is_hs_code(&p) {
                err(
                    "product",
                    format!("`{p}` is not an HS code"),
                    Some("write the HS code as digits only, 2, 4 or 6 of them, e.g. 2709"),
                );
            }
        }
        let v = value.as_ref().and_then(|a| {
            if a.is_null(i) {
                return None;
            }
            Some(match a.data_type() {
                DataType::Float64 => Ok(a.as_primitive::<Float64Type>().value(i)),
                _ => {
                    let s = a.as_string::<i32>().value(i).trim().to_string();
                    s.parse::<f64>().map_err(|_| s)
                }
            })
        });
        match v {
            None => err("value_usd", "missing value".into(), None),
            Some(Err(s)) => err(
                "value_usd",
                format!("`{s}` is not a number"),
                Some("write plain US dollars without separators, e.g. 31400000000"),
            ),
            Some(Ok(v)) if !v.is_finite() => err("value_usd", format!("`{v}` is not a number"), None),
            Some(Ok(v)) if v < 0.0 => err(
                "value_usd",
                format!("negative value `{v}`"),
                Some("flows are gross amounts in US dollars; record a deficit as imports, not as a negative value"),
            ),
            Some(Ok(v)) if v > MAX_VALUE_USD => err(
                "value_usd",
                format!("`{v}` US dollars is above the largest accepted value, 1e15"),
                None,
            ),
            _ => {}
        }
        if let Some(e) = required(&estimate) {
            if !matches!(e.as_str(), "" | "yes" | "no" | "true" | "false") {
                err("estimate", format!("`{e}` is not yes or no"), None);
            }
        }
        match required(&source) {
            Some(s) if !s.is_empty() => {}
            _ => err("source", "empty source".into(), None),
        }
    }
}

/// An HS code: 2, 4 or 6 digits (chapter, heading, subheading).
pub fn is_hs_code(s: &str) -> bool {
    matches!(s.len(), 2 | 4 | 6) && s.bytes().all(|c| c.is_ascii_digit())
}

/// Checks a Parquet file row by row.
pub(crate) fn check_parquet(path: &Path, hive_year: Option<i32>, found: &mut Found) {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let file = path.display().to_string();
    let reader = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| e.to_string()))
        .and_then(|b| b.build().map_err(|e| e.to_string()));
    match reader {
        Ok(r) => check_batches(
            &file,
            r.map(|b| b.map_err(|e| e.to_string())),
            hive_year,
            Place::Row,
            found,
        ),
        Err(e) => found.push(Diagnostic::error(&file, format!("cannot read: {e}"))),
    }
}

/// Checks a CSV file (all columns read as text) row by row.
pub(crate) fn check_csv(
    path: &Path,
    schema: datafusion::arrow::datatypes::SchemaRef,
    found: &mut Found,
) {
    use datafusion::arrow::csv::ReaderBuilder;
    let file = path.display().to_string();
    let reader = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            ReaderBuilder::new(schema)
                .with_header(true)
                .with_comment(b'#')
                .build(f)
                .map_err(|e| e.to_string())
        });
    match reader {
        Ok(r) => check_batches(
            &file,
            r.map(|b| b.map_err(|e| e.to_string())),
            None,
            Place::Line(2),
            found,
        ),
        Err(e) => found.push(Diagnostic::error(&file, format!("cannot read: {e}"))),
    }
}
