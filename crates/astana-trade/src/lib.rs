//! Trade matrices at scale (issue 15): flows tables (CSV, Parquet, folders of Parquet
//! files, hive-partitioned by `year=`) read into Apache Arrow and summed with Apache
//! DataFusion.
//!
//! DataFusion only reads, validates, filters and sums; every measure is computed in Rust
//! from the resulting [`Cell`]s by astana-partner-balance, so each has one implementation.
//! [`aggregate`] builds one DataFusion plan (no Rust closures or UDFs in it), so the same
//! plan runs embedded or on a cluster.

mod columns;
mod scan;

pub use columns::{ALL as COLUMNS, REQUIRED as REQUIRED_COLUMNS};
pub use scan::{is_hs_code, SHOWN};

use astana_diag::{Diagnostic, Diagnostics};
use astana_model::{iso, Code, FlowKind, FlowRecord, Period, Scenario, WORLD};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int32Type, Int64Type, Schema};
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::functions_aggregate::expr_fn::{bool_or, count, max, min, sum};
use datafusion::logical_expr::{cast as cast_expr, col, lit, try_cast, when, Expr};
use datafusion::prelude::{
    CsvReadOptions, DataFrame, ParquetReadOptions, SessionConfig, SessionContext,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Memory DataFusion may hold for sorts, groups and joins before it spills to disk.
pub const MEMORY_LIMIT: usize = 1 << 30;

/// A flows table: where it is and in which form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A CSV file with a header (today's flows.csv).
    Csv(PathBuf),
    /// One Parquet file.
    Parquet(PathBuf),
    /// A folder of Parquet files, possibly hive-partitioned (`year=2022/part-0.parquet`).
    Folder(PathBuf),
}

impl Source {
    /// The form of `path`: a folder, else by extension (`.csv`, `.parquet`/`.pq`).
    ///
    /// # Errors
    /// A located error naming the path and the accepted forms.
    pub fn from_path(path: &Path) -> Result<Source, Diagnostics> {
        let name = path.display().to_string();
        let fail = |m: String| {
            Diagnostics(vec![Diagnostic::error(&name, m).hint(
                "--flows accepts a .csv file, a .parquet file, or a folder of .parquet files (optionally split into year=YYYY/ folders)",
            )])
        };
        let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        if meta.is_dir() {
            if parquet_files(path).is_empty() {
                return Err(fail("the folder holds no .parquet files".into()));
            }
            return Ok(Source::Folder(path.to_path_buf()));
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Source::Csv(path.to_path_buf())),
            Some("parquet" | "pq") => Ok(Source::Parquet(path.to_path_buf())),
            _ => Err(fail("not a flows table: unknown file extension".into())),
        }
    }

    /// The path.
    pub fn path(&self) -> &Path {
        match self {
            Source::Csv(p) | Source::Parquet(p) | Source::Folder(p) => p,
        }
    }

    /// True for a folder split into `year=YYYY/` subfolders.
    pub fn is_hive(&self) -> bool {
        matches!(self, Source::Folder(p) if hive_years(p))
    }
}

/// The `.parquet` files of `dir` and of its subfolders (`year=…/`), sorted.
fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let is_parquet = |p: &Path| {
        p.is_file()
            && p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("parquet"))
    };
    let entries = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for p in entries(dir) {
        if p.is_dir() {
            out.extend(entries(&p).into_iter().filter(|f| is_parquet(f)));
        } else if is_parquet(&p) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// True when `dir` has a `year=…` subfolder.
fn hive_years(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten()
            .any(|e| e.path().is_dir() && e.file_name().to_string_lossy().starts_with("year="))
    })
}

/// The year of a file in a hive folder (`…/year=2022/part-0.parquet`).
fn year_of(path: &Path) -> Option<i32> {
    path.parent()?
        .file_name()?
        .to_str()?
        .strip_prefix("year=")?
        .parse()
        .ok()
}

/// What the values are summed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// (year, period, reporter, partner, flow): the partner view. Rows without a product
    /// are totals; where a key has none, its product rows are summed.
    Partner,
    /// (year, period, reporter, flow, product), partners summed; `partner` of a cell is
    /// `WLD` for the reporter's world rows and `*` for the sum over the named partners, so a
    /// world total is never added to its own breakdown.
    Product,
    /// (year, period, reporter, partner, flow, product).
    PartnerProduct,
}

/// Which rows to read (pushed into the plan, so Parquet row groups and `year=` folders
/// that cannot match are skipped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Reporter, ISO3.
    pub reporter: Option<String>,
    /// Year.
    pub year: Option<i32>,
    /// Flow (the raw `flow` column: `turnover` does not select exports and imports).
    pub flow: Option<String>,
    /// Period, as written in the table.
    pub period: Option<String>,
    /// With `year`: also keep the world (`WLD`) rows of every other year, which the
    /// partner view needs to list the years with a world total.
    pub world_totals_all_years: bool,
}

/// One sum: the value of a (year, period, reporter, partner, flow[, product]) key.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Calendar year.
    pub year: i32,
    /// Period as written (`FY` when absent).
    pub period: String,
    /// Reporter, ISO3.
    pub reporter: String,
    /// Partner (see [`By::Product`] for its meaning there).
    pub partner: String,
    /// Flow.
    pub flow: String,
    /// HS code; `None` for all products.
    pub product: Option<String>,
    /// Sum of `value_usd`.
    pub value_usd: f64,
    /// True when any row summed is an estimate.
    pub estimate: bool,
    /// The rows' source; several sources read `first … last` (alphabetically).
    pub source: String,
}

/// Why [`aggregate`] failed.
#[derive(Debug)]
pub enum TradeError {
    /// The table is unreadable or invalid: located errors (exit 2).
    Input(Diagnostics),
    /// The computation failed (e.g. out of memory and disk): exit 1.
    Compute(String),
}

impl std::fmt::Display for TradeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TradeError::Input(d) => write!(f, "{}", d.list()),
            TradeError::Compute(m) => write!(f, "error: {m}"),
        }
    }
}

impl std::error::Error for TradeError {}

/// An embedded DataFusion session with bounded memory: [`MEMORY_LIMIT`] shared fairly
/// among the operators that can spill (to the OS temporary folder), and one partition
/// per available core.
pub fn session() -> SessionContext {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let config = SessionConfig::new()
        .with_target_partitions(cores)
        .with_information_schema(false);
    match RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(FairSpillPool::new(MEMORY_LIMIT)))
        .with_disk_manager_builder(DiskManagerBuilder::default())
        .build_arc()
    {
        Ok(rt) => SessionContext::new_with_config_rt(config, rt),
        Err(_) => SessionContext::new_with_config(config),
    }
}

/// [`aggregate`] on a fresh [`session`], on a runtime of its own: for callers that are
/// not async (the CLI).
///
/// # Errors
/// As [`aggregate`].
pub fn aggregate_blocking(src: &Source, filter: &Filter, by: By) -> Result<Vec<Cell>, TradeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .build()
        .map_err(|e| TradeError::Compute(format!("cannot start the runtime: {e}")))?;
    rt.block_on(aggregate(&session(), src, filter, by))
}

/// A table read: its frame, its file name, its header line (CSV), its columns.
struct Table {
    df: DataFrame,
    name: String,
    columns: Vec<String>,
}

/// Sums `value_usd` by the key columns of `by` after `filter`, as one DataFusion plan on
/// `ctx`, with the validity counts of the rows in the same pass. When they find a problem,
/// the file is read again row by row for located errors: a CSV without a `product` column
/// by the scenario's own row reader (every error, with line and field, as before); other
/// tables by a row checker (file, row, field; the first [`SHOWN`] and a count).
///
/// On a CSV the filter is applied after the validity counts, so a bad row anywhere is
/// reported, as before (a CSV is read whole anyway).
///
/// # Errors
/// [`TradeError::Input`] for an unreadable or invalid table; [`TradeError::Compute`]
/// when the plan fails otherwise.
pub async fn aggregate(
    ctx: &SessionContext,
    src: &Source,
    filter: &Filter,
    by: By,
) -> Result<Vec<Cell>, TradeError> {
    let name = src.path().display().to_string();
    let input = |m: String| TradeError::Input(Diagnostics(vec![Diagnostic::error(&name, m)]));
    let t = match src {
        Source::Csv(p) => read_csv(ctx, p).await?,
        Source::Parquet(p) | Source::Folder(p) => {
            let hive = src.is_hive();
            let mut opts = ParquetReadOptions::new();
            if hive {
                opts = opts.table_partition_cols(vec![("year".to_string(), DataType::Int32)]);
            }
            let path = p.display().to_string();
            let df = ctx
                .read_parquet(path, opts)
                .await
                .map_err(|e| input(df_message(&e)))?;
            let columns: Vec<String> = df
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            let d = columns::check(&name, None, &columns);
            if d.errors() > 0 {
                return Err(TradeError::Input(d));
            }
            Table {
                df,
                name: name.clone(),
                columns,
            }
        }
    };
    let Table {
        df: table,
        name: tname,
        columns,
    } = t;
    let has = |c: &str| columns.iter().any(|x| x == c);
    let has_product = has("product");
    let is_csv = matches!(src, Source::Csv(_));
    let types: BTreeMap<String, DataType> = table
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let ty = |c: &str| types.get(c).cloned().unwrap_or(DataType::Null);
    let null_str = || lit(datafusion::scalar::ScalarValue::Utf8(None));
    let is_text = |d: &DataType| {
        matches!(
            d,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..)
        )
    };
    // Normalised columns; a text column whose value has leading or trailing blanks counts
    // as bad on a CSV, so the row reader (which trims) has the last word.
    let padded = |c: &str| {
        if is_csv && has(c) {
            col(c)
                .like(lit(" %"))
                .or(col(c).like(lit("% ")))
                .or(col(c).like(lit("\t%")))
                .or(col(c).like(lit("%\t")))
        } else {
            lit(false)
        }
    };
    let year = match ty("year") {
        DataType::Int32 => col("year"),
        DataType::Int64 | DataType::Int16 | DataType::Int8 => {
            cast_expr(col("year"), DataType::Int32)
        }
        d if is_text(&d) => try_cast(col("year"), DataType::Int32),
        d => {
            return Err(input(format!(
                "column `year` has type {d}; expected Int32 or Int64"
            )))
        }
    };
    let value = match ty("value_usd") {
        DataType::Float64 => col("value_usd"),
        DataType::Int64 | DataType::Int32 | DataType::Float32 => {
            cast_expr(col("value_usd"), DataType::Float64)
        }
        d if is_text(&d) => try_cast(col("value_usd"), DataType::Float64),
        d => {
            return Err(input(format!(
                "column `value_usd` has type {d}; expected Float64 or Int64"
            )))
        }
    };
    let period = if has("period") {
        when(
            col("period").is_null().or(col("period").eq(lit(""))),
            lit("FY"),
        )
        .otherwise(col("period"))
        .map_err(|e| TradeError::Compute(e.to_string()))?
    } else {
        lit("FY")
    };
    let product = if has_product {
        when(col("product").eq(lit("")), null_str())
            .otherwise(col("product"))
            .map_err(|e| TradeError::Compute(e.to_string()))?
    } else {
        null_str()
    };
    let (estimate, estimate_bad) = match ty("estimate") {
        DataType::Null => (lit(false), lit(false)),
        DataType::Boolean => (col("estimate").is_true(), lit(false)),
        d if is_text(&d) => (
            col("estimate").eq(lit("yes")).is_true(),
            col("estimate")
                .is_not_null()
                .and(col("estimate").in_list(vec![lit(""), lit("yes"), lit("no")], true)),
        ),
        d => {
            return Err(input(format!(
                "column `estimate` has type {d}; expected yes/no text or Boolean"
            )))
        }
    };
    let value_bad = value
        .clone()
        .is_null()
        .or(value.clone().lt(lit(-0.0f64)))
        .or(value.clone().gt(lit(scan::MAX_VALUE_USD)))
        .or(nan(value.clone()));
    let year_bad = year
        .clone()
        .is_null()
        .or(year.clone().lt(lit(1900)))
        .or(year.clone().gt(lit(2100)));
    let missing = ["reporter", "partner", "flow", "source"]
        .into_iter()
        .fold(col("source").eq(lit("")), |acc, c| acc.or(col(c).is_null()));
    let bad = [
        "period",
        "reporter",
        "partner",
        "flow",
        "product",
        "estimate",
        "source",
        "note",
        "year",
        "value_usd",
    ]
    .into_iter()
    .fold(
        year_bad.or(value_bad).or(missing).or(estimate_bad),
        |acc, c| acc.or(padded(c)),
    );
    let bad = when(bad, lit(1i64))
        .otherwise(lit(0i64))
        .map_err(|e| TradeError::Compute(e.to_string()))?;
    let partner = match by {
        By::Product => when(col("partner").eq(lit(WORLD)), lit(WORLD))
            .otherwise(lit("*"))
            .map_err(|e| TradeError::Compute(e.to_string()))?,
        _ => col("partner"),
    };
    let df = table
        .select(vec![
            year.alias("year"),
            period.alias("period"),
            col("reporter").alias("reporter"),
            partner.alias("partner"),
            col("flow").alias("flow"),
            product.alias("product"),
            value.alias("value_usd"),
            estimate.alias("estimate"),
            col("source").alias("source"),
            bad.alias("bad"),
        ])
        .map_err(|e| input(df_message(&e)))?;
    // The filter goes in the plan; on a CSV the whole file is checked first (below).
    let mut keep: Option<Expr> = None;
    let mut and = |e: Expr| keep = Some(keep.take().map_or(e.clone(), |k| k.and(e)));
    if let Some(r) = &filter.reporter {
        and(col("reporter").eq(lit(r.as_str())));
    }
    if let Some(y) = filter.year {
        if filter.world_totals_all_years {
            and(col("year").eq(lit(y)).or(col("partner").eq(lit(WORLD))));
        } else {
            and(col("year").eq(lit(y)));
        }
    }
    if let Some(f) = &filter.flow {
        and(col("flow").eq(lit(f.as_str())));
    }
    if let Some(p) = &filter.period {
        and(col("period").eq(lit(p.as_str())));
    }
    let mut groups = vec![
        col("year"),
        col("period"),
        col("reporter"),
        col("partner"),
        col("flow"),
    ];
    match by {
        By::Partner if has_product => groups.push(col("product").is_null().alias("whole")),
        By::Partner => {}
        By::Product | By::PartnerProduct => groups.push(col("product")),
    }
    let aggs = vec![
        sum(col("value_usd")).alias("v"),
        bool_or(col("estimate")).alias("e"),
        count(lit(1i64)).alias("n"),
        sum(col("bad")).alias("nbad"),
        min(col("source")).alias("s0"),
        max(col("source")).alias("s1"),
    ];
    let (df, keep_later) = if is_csv {
        (df, keep)
    } else {
        (
            match keep {
                Some(k) => df.filter(k).map_err(|e| input(df_message(&e)))?,
                None => df,
            },
            None,
        )
    };
    let result = match df.aggregate(groups, aggs) {
        Ok(df) => df.collect().await,
        Err(e) => Err(e),
    };
    let batches = match result {
        Ok(b) => b,
        Err(e) if is_csv => {
            return row_errors(src, &tname, &columns, None, filter, by, Some(e)).await
        }
        Err(DataFusionError::ResourcesExhausted(m)) => return Err(TradeError::Compute(m)),
        Err(e) => return Err(input(df_message(&e))),
    };
    let raw = read_cells(&batches, by, has_product).map_err(TradeError::Compute)?;
    let nbad: i64 = raw.iter().map(|r| r.nbad).sum();
    let key_errors = check_keys(&tname, &raw, by, has_product);
    if nbad > 0 || !key_errors.0.is_empty() {
        return row_errors(src, &tname, &columns, Some(key_errors), filter, by, None).await;
    }
    let mut cells = merge(raw, by, has_product);
    if keep_later.is_some() {
        // The CSV filter, applied to the (few) cells.
        cells.retain(|c| keeps(filter, c));
    }
    sort(&mut cells);
    Ok(cells)
}

/// `e` is NaN: the only value not equal to itself (no math functions are compiled in).
fn nan(e: Expr) -> Expr {
    e.clone().not_eq(e)
}

async fn read_csv(ctx: &SessionContext, p: &Path) -> Result<Table, TradeError> {
    let name = p.display().to_string();
    let one = |m: String, line: Option<usize>| {
        let mut d = Diagnostic::error(&name, m);
        if let Some(l) = line {
            d = d.at_line(l);
        }
        TradeError::Input(Diagnostics(vec![d]))
    };
    // The header, as the row reader sees it (comments skipped, names trimmed).
    let file = std::fs::File::open(p).map_err(|e| one(format!("cannot read: {e}"), None))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .comment(Some(b'#'))
        .from_reader(std::io::BufReader::new(file));
    let (header, line) = match rdr.headers() {
        Ok(h) => (
            h.iter()
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .collect::<Vec<_>>(),
            h.position().map_or(1, |p| p.line() as usize),
        ),
        Err(_) => {
            // Not UTF-8 or not CSV: the row reader says where.
            return Err(match astana_scenario::load_flows(p) {
                Err(d) => TradeError::Input(d),
                Ok(_) => one("cannot read the header".into(), Some(1)),
            });
        }
    };
    let d = columns::check(&name, Some(line), &header);
    if d.errors() > 0 {
        return Err(TradeError::Input(d));
    }
    // Every column as text: the plan casts and checks them, so no type is guessed from the
    // first rows.
    let schema = Schema::new(
        header
            .iter()
            .map(|h| Field::new(h, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    );
    // A newline inside quotes must not be cut when the file is split between cores; only
    // a file with quotes pays for reading in one piece.
    let quoted = std::fs::read(p).map(|b| b.contains(&b'"')).unwrap_or(true);
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map_or(String::new(), |e| format!(".{e}"));
    let opts = CsvReadOptions::new()
        .has_header(true)
        .comment(b'#')
        .schema(&schema)
        .file_extension(&ext)
        .newlines_in_values(quoted);
    let df = ctx
        .read_csv(p.display().to_string(), opts)
        .await
        .map_err(|e| one(df_message(&e), None))?;
    Ok(Table {
        df,
        name,
        columns: header,
    })
}

/// A DataFusion error as a user reads it.
fn df_message(e: &DataFusionError) -> String {
    let m = e.to_string();
    format!("cannot read: {}", m.lines().next().unwrap_or(&m))
}

/// One group of the plan's output.
struct Raw {
    cell: Cell,
    /// Rows in the group.
    n: i64,
    /// Invalid rows in the group.
    nbad: i64,
    /// `By::Partner` with a product column: true for the rows without a product.
    whole: bool,
}

fn read_cells(batches: &[RecordBatch], by: By, has_product: bool) -> Result<Vec<Raw>, String> {
    let mut out = Vec::new();
    for b in batches {
        let c = |n: &str, t: &DataType| -> Result<Arc<dyn Array>, String> {
            let a = b
                .column_by_name(n)
                .ok_or_else(|| format!("no column {n} in the result"))?;
            cast(a, t).map_err(|e| e.to_string())
        };
        let (year, period, reporter, partner, flow) = (
            c("year", &DataType::Int32)?,
            c("period", &DataType::Utf8)?,
            c("reporter", &DataType::Utf8)?,
            c("partner", &DataType::Utf8)?,
            c("flow", &DataType::Utf8)?,
        );
        let product = match by {
            By::Partner => None,
            _ => Some(c("product", &DataType::Utf8)?),
        };
        let whole = if by == By::Partner && has_product {
            Some(c("whole", &DataType::Boolean)?)
        } else {
            None
        };
        let (v, e, n, nbad, s0, s1) = (
            c("v", &DataType::Float64)?,
            c("e", &DataType::Boolean)?,
            c("n", &DataType::Int64)?,
            c("nbad", &DataType::Int64)?,
            c("s0", &DataType::Utf8)?,
            c("s1", &DataType::Utf8)?,
        );
        let s = |a: &Arc<dyn Array>, i: usize| {
            if a.is_null(i) {
                String::new()
            } else {
                a.as_string::<i32>().value(i).to_string()
            }
        };
        for i in 0..b.num_rows() {
            let (first, last) = (s(&s0, i), s(&s1, i));
            out.push(Raw {
                cell: Cell {
                    year: if year.is_null(i) {
                        0
                    } else {
                        year.as_primitive::<Int32Type>().value(i)
                    },
                    period: s(&period, i),
                    reporter: s(&reporter, i),
                    partner: s(&partner, i),
                    flow: s(&flow, i),
                    product: product.as_ref().filter(|p| !p.is_null(i)).map(|p| s(p, i)),
                    value_usd: if v.is_null(i) {
                        0.0
                    } else {
                        v.as_primitive::<Float64Type>().value(i)
                    },
                    estimate: !e.is_null(i) && e.as_boolean().value(i),
                    source: if first == last {
                        first
                    } else {
                        format!("{first} … {last}")
                    },
                },
                n: n.as_primitive::<Int64Type>().value(i),
                nbad: if nbad.is_null(i) {
                    0
                } else {
                    nbad.as_primitive::<Int64Type>().value(i)
                },
                whole: whole
                    .as_ref()
                    .is_none_or(|w| !w.is_null(i) && w.as_boolean().value(i)),
            });
        }
    }
    Ok(out)
}

/// Checks on the (few) group keys instead of every row: codes, flow, period, product, and
/// duplicate rows (two rows of one key, where a key is a single figure).
fn check_keys(file: &str, raw: &[Raw], by: By, has_product: bool) -> Diagnostics {
    let mut d = Diagnostics::default();
    for r in raw {
        let c = &r.cell;
        let bad_key = !iso::is_alpha3(&c.reporter)
            || !(iso::is_alpha3(&c.partner)
                || c.partner == WORLD
                || (by == By::Product && c.partner == "*"))
            || c.reporter == c.partner
            || c.flow.parse::<FlowKind>().is_err()
            || c.period.parse::<Period>().is_err()
            || c.product.as_deref().is_some_and(|p| !scan::is_hs_code(p));
        if bad_key {
            d.push(Diagnostic::error(
                file,
                format!(
                    "invalid key: {} {} {}→{} {}",
                    c.year, c.period, c.reporter, c.partner, c.flow
                ),
            ));
        }
        // One figure per key: rows without a product under By::Partner, every row under
        // By::PartnerProduct.
        let single = match by {
            By::Partner => !has_product || r.whole,
            By::PartnerProduct => true,
            By::Product => false,
        };
        if single && r.n > 1 && (by != By::PartnerProduct || c.product.is_some() || !has_product) {
            d.push(
                Diagnostic::error(
                    file,
                    format!(
                        "duplicate rows: {} {} {}→{} {}{} ({} rows)",
                        c.year,
                        c.period,
                        c.reporter,
                        c.partner,
                        c.flow,
                        c.product.as_deref().map(|p| format!(" product {p}")).unwrap_or_default(),
                        r.n
                    ),
                )
                .hint("keep one figure per series (a partner-side figure belongs under the partner as reporter)"),
            );
        }
    }
    d
}

/// Under `By::Partner` with a product column: a key's row without a product is its total;
/// only where there is none are its product rows summed.
fn merge(raw: Vec<Raw>, by: By, has_product: bool) -> Vec<Cell> {
    if !(by == By::Partner && has_product) {
        return raw.into_iter().map(|r| r.cell).collect();
    }
    let key = |c: &Cell| {
        (
            c.year,
            c.period.clone(),
            c.reporter.clone(),
            c.partner.clone(),
            c.flow.clone(),
        )
    };
    let mut out: BTreeMap<_, Raw> = BTreeMap::new();
    for r in raw {
        match out.entry(key(&r.cell)) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(r);
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                if r.whole && !o.get().whole {
                    o.insert(r);
                }
            }
        }
    }
    out.into_values().map(|r| r.cell).collect()
}

fn keeps(f: &Filter, c: &Cell) -> bool {
    f.reporter.as_ref().is_none_or(|r| *r == c.reporter)
        && f.year
            .is_none_or(|y| y == c.year || (f.world_totals_all_years && c.partner == WORLD))
        && f.flow.as_ref().is_none_or(|x| *x == c.flow)
        && f.period.as_ref().is_none_or(|p| *p == c.period)
}

/// The plan found a problem: read the table row by row to say where.
async fn row_errors(
    src: &Source,
    name: &str,
    columns: &[String],
    key_errors: Option<Diagnostics>,
    filter: &Filter,
    by: By,
    plan_error: Option<DataFusionError>,
) -> Result<Vec<Cell>, TradeError> {
    let has_product = columns.iter().any(|c| c == "product" || c == "quantity");
    let mut found = scan::Found::default();
    match src {
        Source::Csv(p) if !has_product => {
            // Today's row reader: every error, with line and field.
            return match astana_scenario::load_flows(p) {
                Err(d) => Err(TradeError::Input(d)),
                // It accepts what the plan's quick checks did not (e.g. padded fields): its
                // records are the answer.
                Ok((s, _)) => Ok(cells_of_records(&s.flows, filter, by)),
            };
        }
        Source::Csv(p) => {
            let schema = Arc::new(Schema::new(
                columns
                    .iter()
                    .map(|h| Field::new(h, DataType::Utf8, true))
                    .collect::<Vec<_>>(),
            ));
            scan::check_csv(p, schema, &mut found);
        }
        Source::Parquet(p) => scan::check_parquet(p, None, &mut found),
        Source::Folder(p) => {
            let hive = src.is_hive();
            for f in parquet_files(p) {
                let y = if hive { year_of(&f) } else { None };
                scan::check_parquet(&f, y, &mut found);
            }
        }
    }
    let mut d = found.finish(name);
    if let Some(k) = key_errors {
        // Duplicates are found only on the keys; other key errors are already located.
        d.0.extend(
            k.0.into_iter()
                .filter(|x| x.message.starts_with("duplicate")),
        );
    }
    if let Some(e) = plan_error {
        d.0.push(Diagnostic::error(name, df_message(&e)));
    }
    if d.0.is_empty() {
        d.push(Diagnostic::error(
            name,
            "invalid rows (the row check could not say where)",
        ));
    }
    Err(TradeError::Input(d))
}

/// A fixed order (the plan's is not): year, period, reporter, flow, partner, product.
fn sort(cells: &mut [Cell]) {
    cells.sort_by(|a, b| {
        (
            a.year,
            &a.period,
            &a.reporter,
            &a.flow,
            &a.partner,
            &a.product,
        )
            .cmp(&(
                b.year,
                &b.period,
                &b.reporter,
                &b.flow,
                &b.partner,
                &b.product,
            ))
    });
}

/// Cells from records already read (the CSV row reader's answer), grouped in Rust.
fn cells_of_records(flows: &[FlowRecord], filter: &Filter, by: By) -> Vec<Cell> {
    let mut out: BTreeMap<(i32, String, String, String, String), Cell> = BTreeMap::new();
    for f in flows {
        let partner = match by {
            By::Product if f.partner != WORLD => "*".to_string(),
            _ => f.partner.to_string(),
        };
        let c = Cell {
            year: f.year,
            period: f.period.to_string(),
            reporter: f.reporter.to_string(),
            partner,
            flow: f.flow.as_str().to_string(),
            product: None,
            value_usd: f.value_usd,
            estimate: f.estimate,
            source: f.source.clone(),
        };
        if !keeps(filter, &c) {
            continue;
        }
        let key = (
            c.year,
            c.period.clone(),
            c.reporter.clone(),
            c.partner.clone(),
            c.flow.clone(),
        );
        match out.entry(key) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(c);
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                let o = o.get_mut();
                o.value_usd += c.value_usd;
                o.estimate |= c.estimate;
            }
        }
    }
    let mut cells: Vec<Cell> = out.into_values().collect();
    sort(&mut cells);
    cells
}

/// The cells of the partner view as the engine's records, in a bare scenario named
/// `name` (as the CSV row reader names it).
///
/// # Errors
/// A cell whose key is not a valid record (cannot happen after [`aggregate`]'s checks).
pub fn scenario_of_cells(name: &str, cells: &[Cell]) -> Result<Scenario, Diagnostics> {
    let mut flows = Vec::with_capacity(cells.len());
    for c in cells {
        let rec = (|| {
            Some(FlowRecord {
                year: c.year,
                period: c.period.parse().ok()?,
                reporter: Code::new(&c.reporter)?,
                partner: Code::new(&c.partner)?,
                flow: c.flow.parse().ok()?,
                value_usd: c.value_usd,
                estimate: c.estimate,
                source: c.source.clone(),
                note: String::new(),
            })
        })();
        match rec {
            Some(r) => flows.push(r),
            None => {
                return Err(Diagnostics(vec![Diagnostic::error(
                    name,
                    format!(
                        "invalid key: {} {} {}→{} {}",
                        c.year, c.period, c.reporter, c.partner, c.flow
                    ),
                )]))
            }
        }
    }
    Ok(Scenario {
        name: name.to_string(),
        flows,
        ..Scenario::default()
    })
}

/// One reporter-year-flow's products: `(HS code, value)` in code order.
pub type ProductGroup = Vec<(String, f64)>;

/// The [`By::Product`] cells as plain `(product, value)` groups per (year, period, reporter,
/// flow), for the product measures: the reporter's world (`WLD`) rows when it has any for
/// that key, else the sum over its named partners; cells without a product (totals) left
/// out.
pub fn product_groups(cells: &[Cell]) -> BTreeMap<(i32, String, String, String), ProductGroup> {
    let mut world: BTreeMap<(i32, String, String, String), ProductGroup> = BTreeMap::new();
    let mut named: BTreeMap<(i32, String, String, String), ProductGroup> = BTreeMap::new();
    for c in cells {
        let Some(p) = &c.product else { continue };
        let key = (c.year, c.period.clone(), c.reporter.clone(), c.flow.clone());
        let into = if c.partner == WORLD {
            &mut world
        } else {
            &mut named
        };
        into.entry(key).or_default().push((p.clone(), c.value_usd));
    }
    for (k, v) in world {
        named.insert(k, v);
    }
    for v in named.values_mut() {
        v.sort_by(|a, b| a.0.cmp(&b.0));
    }
    named
}

pub mod import;
