//! Trade matrices at scale (issue 15): flows tables (CSV, Parquet, folders of Parquet
//! files, hive-partitioned by `year=`) read into Apache Arrow and summed with Apache
//! DataFusion.
//!
//! DataFusion only reads, validates, filters and sums; every measure is computed in Rust
//! from the resulting [`Cell`]s by astana-partner-balance, so each has one implementation.
//! [`aggregate`] builds one DataFusion plan (no Rust closures or UDFs in it), so the same
//! plan runs embedded or on a cluster.

mod columns;
mod csv_fast;
mod group;
mod parquet_fast;
mod scan;
mod work;

pub use columns::{ALL as COLUMNS, REQUIRED as REQUIRED_COLUMNS};
pub use scan::{is_hs_code, SHOWN};

use astana_diag::{Diagnostic, Diagnostics};
use astana_model::{Code, FlowRecord, Scenario, WORLD};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::functions_aggregate::expr_fn::{bool_or, count, sum};
use datafusion::logical_expr::{cast as cast_expr, col, lit, try_cast, Expr};
use datafusion::prelude::{
    CsvReadOptions, DataFrame, ParquetReadOptions, SessionConfig, SessionContext,
};
use group::Refused;
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
    pub period: Arc<str>,
    /// Reporter, ISO3.
    pub reporter: Arc<str>,
    /// Partner (see [`By::Product`] for its meaning there).
    pub partner: Arc<str>,
    /// Flow.
    pub flow: Arc<str>,
    /// HS code; `None` for all products.
    pub product: Option<Arc<str>>,
    /// Sum of `value_usd`.
    pub value_usd: f64,
    /// True when any row summed is an estimate.
    pub estimate: bool,
    /// The rows' source; several sources read `first … last` (alphabetically).
    pub source: Arc<str>,
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
    session_of(1)
}

/// [`session`] with `per_core` partitions per core.
fn session_of(per_core: usize) -> SessionContext {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut config = SessionConfig::new()
        .with_target_partitions(cores * per_core)
        .with_information_schema(false);
    // Skip the partial (per-core) aggregation when it does not at least halve the rows: a
    // product view has nearly as many groups as rows, and aggregating twice cost 10-15 %
    // there (DataFusion's default waits for 80 %).
    config
        .options_mut()
        .execution
        .skip_partial_aggregation_probe_ratio_threshold = 0.5;
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
    aggregate_summed_blocking(src, filter, by).map(Summed::cells)
}

/// A table read: its frame, its file name, its header line (CSV), its columns.
struct Table {
    df: DataFrame,
    name: String,
    columns: Vec<String>,
    /// CSV: the byte after the header line (for the quick path).
    data_start: Option<u64>,
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
    aggregate_with(ctx, src, filter, by, Grouping::Plan).await
}

/// Who sums the rows once DataFusion has read, checked and filtered them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// DataFusion's aggregation, inside the plan: the only choice on a cluster, where the
    /// rows must stay on the executors.
    Plan,
    /// Each partition's rows streamed to a hash map of interned keys here, one task per
    /// partition, and the maps merged: embedded only. DataFusion's grouping by several text
    /// columns was about 60 % of a product view at 10⁷ rows.
    Native,
}

/// [`aggregate`], with the rows summed by `grouping`. Both give the same cells (tested).
///
/// # Errors
/// As [`aggregate`].
pub async fn aggregate_with(
    ctx: &SessionContext,
    src: &Source,
    filter: &Filter,
    by: By,
    grouping: Grouping,
) -> Result<Vec<Cell>, TradeError> {
    aggregate_summed(ctx, src, filter, by, grouping)
        .await
        .map(Summed::cells)
}

/// [`aggregate_summed`] on a fresh embedded session (natively grouped), for callers that
/// are not async.
///
/// # Errors
/// As [`aggregate`].
pub fn aggregate_summed_blocking(
    src: &Source,
    filter: &Filter,
    by: By,
) -> Result<Summed, TradeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .build()
        .map_err(|e| TradeError::Compute(format!("cannot start the runtime: {e}")))?;
    // Four partitions per core: each is one task of the native grouping, so the cores
    // share the work evenly (a file's row groups rarely split evenly in two).
    rt.block_on(aggregate_summed(
        &session_of(4),
        src,
        filter,
        by,
        Grouping::Native,
    ))
}

/// [`aggregate_with`], with the sums before they become cells.
///
/// # Errors
/// As [`aggregate`].
pub async fn aggregate_summed(
    ctx: &SessionContext,
    src: &Source,
    filter: &Filter,
    by: By,
    grouping: Grouping,
) -> Result<Summed, TradeError> {
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
                data_start: None,
            }
        }
    };
    let Table {
        df: table,
        name: tname,
        columns,
        data_start,
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
    // Text keys go into the plan as written: blanks around them, an empty period or product,
    // are normalised on the (few) groups in Rust (`combine`), not on every row. A CSV reads
    // `year` and `value_usd` typed, so a value the quick parse rejects (" 2022") fails the
    // plan and the row reader has the last word.
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
        col("period")
    } else {
        null_str()
    };
    let (estimate, estimate_bad) = match ty("estimate") {
        DataType::Null => (lit(false), lit(false)),
        // Null where the column is (`bool_or` skips nulls and a null reads as false): an
        // `is_true()` here made DataFusion 55 fail on nullable columns, its logical plan
        // saying "not null" and its physical plan "nullable".
        DataType::Boolean => (col("estimate"), lit(false)),
        d if is_text(&d) => (
            col("estimate").eq(lit("yes")),
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
        .fold(lit(false), |acc, c| acc.or(col(c).is_null()));
    // True for an invalid row (null only where every operand is null, which cannot be: the
    // checks on year are never all null together with the others).
    let bad = year_bad.or(value_bad).or(missing).or(estimate_bad);
    // The filter, on the columns as read (so Parquet statistics and `year=` folders prune);
    // on a CSV the whole file is checked first and the filter applied to the cells.
    let mut keep: Option<Expr> = None;
    let mut and = |e: Expr| keep = Some(keep.take().map_or(e.clone(), |k| k.and(e)));
    if let Some(r) = &filter.reporter {
        and(col("reporter").eq(lit(r.as_str())));
    }
    if let Some(y) = filter.year {
        if filter.world_totals_all_years {
            and(year.clone().eq(lit(y)).or(col("partner").eq(lit(WORLD))));
        } else {
            and(year.clone().eq(lit(y)));
        }
    }
    if let Some(f) = &filter.flow {
        and(col("flow").eq(lit(f.as_str())));
    }
    if let Some(p) = &filter.period {
        if !has("period") {
            and(lit(p.as_str()).eq(lit("FY")));
        } else if p == "FY" {
            and(col("period")
                .is_null()
                .or(col("period").eq(lit("")))
                .or(col("period").eq(lit("FY"))));
        } else {
            and(col("period").eq(lit(p.as_str())));
        }
    }
    let (table, keep_later) = match keep {
        Some(k) if !is_csv => (table.filter(k).map_err(|e| input(df_message(&e)))?, false),
        k => (table, k.is_some()),
    };
    // By::Product keys a row by whether its partner is the world, not by the partner.
    let partner = match by {
        By::Product => col("partner").eq(lit(WORLD)),
        _ => col("partner"),
    };
    let product = match by {
        By::Partner if has_product => col("product").is_null().or(col("product").eq(lit(""))),
        By::Partner => lit(true),
        _ if has_product => col("product"),
        _ => null_str(),
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
    // A key the filter fixed, or a column the table lacks, is left out of the groups:
    // DataFusion treats a constant key as a sort order and then emits groups in small
    // pieces, copying the rest each time (10⁷ rows took 3x longer). The source is a
    // key (a table has few), so no per-group min/max of text is kept; `group` joins a
    // cell's sources.
    let one_source = single_source(src);
    let mut fixed = if is_csv {
        group::Fixed::default()
    } else {
        group::Fixed {
            reporter: filter.reporter.as_deref(),
            flow: filter.flow.as_deref(),
            period: filter.period.as_deref(),
            source: one_source.as_deref(),
        }
    };
    if !has("period") {
        fixed.period = Some("FY");
    }
    let groups = [
        ("year", false),
        ("period", fixed.period.is_some()),
        ("reporter", fixed.reporter.is_some()),
        ("partner", false),
        ("flow", fixed.flow.is_some()),
        ("product", !has_product),
        ("source", fixed.source.is_some()),
    ]
    .into_iter()
    .filter(|(_, fixed)| !fixed)
    .map(|(c, _)| col(c))
    .collect::<Vec<_>>();
    // Embedded, a CSV of plainly valid rows, or a Parquet table read whole, is summed as
    // it is read (`csv_fast`, `parquet_fast`).
    let quick =
        match (grouping, src, data_start) {
            (Grouping::Native, Source::Csv(p), Some(at)) => Some(csv_fast::group(
                p,
                &columns,
                at,
                (by, fixed),
                group::MAX_GROUPS,
            )),
            (Grouping::Native, Source::Parquet(_) | Source::Folder(_), _) => Some(
                parquet_fast::group(src, filter, (by, fixed), group::MAX_GROUPS),
            ),
            _ => None,
        };
    let built = match (grouping, quick) {
        (_, Some(Ok(builders))) => Ok(Ok(group::Builder::finish(builders))),
        (_, Some(Err(Refused::TooManyGroups))) => Ok(Err(Refused::TooManyGroups)),
        (Grouping::Plan, _) => {
            // Only what is read: estimates where the table has the column, row counts
            // where a key is a single figure (the duplicate check).
            let mut aggs = vec![
                sum(col("value_usd")).alias("v"),
                bool_or(col("bad")).alias("bad"),
            ];
            if has("estimate") {
                aggs.push(bool_or(col("estimate")).alias("e"));
            }
            if by != By::Product {
                aggs.push(count(lit(1i64)).alias("n"));
            }
            match df.aggregate(groups, aggs) {
                Ok(df) => df
                    .collect()
                    .await
                    .map(|batches| group::read(&batches, by, fixed).map_err(Refused::Broken)),
                Err(e) => Err(e),
            }
        }
        (Grouping::Native, _) => {
            let mut cols = groups;
            cols.push(col("value_usd").alias("v"));
            cols.push(col("bad"));
            if has("estimate") {
                cols.push(col("estimate").alias("e"));
            }
            match df.select(cols) {
                Ok(df) => group_natively(df, by, fixed).await,
                Err(e) => Err(e),
            }
        }
    };
    let groups = match built {
        Ok(Ok(g)) => g,
        // Too many groups to hold: DataFusion's aggregation, which spills to disk.
        Ok(Err(Refused::TooManyGroups)) => {
            return Box::pin(aggregate_summed(ctx, src, filter, by, Grouping::Plan)).await
        }
        Ok(Err(Refused::Broken(m))) => return Err(TradeError::Compute(m)),
        // Only a quick path refuses so, and then the scan above runs instead.
        Ok(Err(Refused::NotPlain)) => {
            return Err(TradeError::Compute(
                "a native grouping refused the table".into(),
            ))
        }
        Err(e) if is_csv => {
            return row_errors(src, &tname, &columns, None, filter, by, Some(e))
                .await
                .map(|c| Summed(Inner::Cells(c)))
        }
        Err(DataFusionError::ResourcesExhausted(m)) => return Err(TradeError::Compute(m)),
        Err(e) => return Err(input(df_message(&e))),
    };
    let nbad = groups.nbad;
    let key_errors = groups.check(&tname, by, has_product);
    if nbad > 0 || !key_errors.0.is_empty() {
        return row_errors(src, &tname, &columns, Some(key_errors), filter, by, None)
            .await
            .map(|c| Summed(Inner::Cells(c)));
    }
    Ok(Summed(Inner::Groups {
        groups,
        by,
        has_product,
        // The CSV filter, applied to the (few) groups.
        keep: keep_later.then(|| filter.clone()),
    }))
}

/// The sums of [`aggregate_summed`]: turned into [`Cell`]s, or read as product groups
/// without building cells (a product view has millions).
pub struct Summed(Inner);

enum Inner {
    Groups {
        groups: group::Groups,
        by: By,
        has_product: bool,
        keep: Option<Filter>,
    },
    /// The row reader's answer.
    Cells(Vec<Cell>),
}

impl Summed {
    /// The cells, in the order of [`aggregate`].
    pub fn cells(self) -> Vec<Cell> {
        match self.0 {
            Inner::Cells(c) => c,
            Inner::Groups {
                groups,
                by,
                has_product,
                keep,
            } => {
                let mut cells = groups.cells(by, has_product);
                if let Some(f) = keep {
                    cells.retain(|c| keeps(&f, c));
                }
                cells
            }
        }
    }

    /// [`product_groups`] of the [`By::Product`] sums.
    pub fn product_groups(&self) -> Vec<ProductGroup<'_>> {
        match &self.0 {
            Inner::Cells(c) => product_groups(c),
            Inner::Groups { groups, keep, .. } => groups.product_groups(keep.as_ref()),
        }
    }
}

/// Sums the rows of `df` (the columns [`group::Builder::add`] reads) with one task and
/// one [`group::Builder`] per partition, then merges the builders.
async fn group_natively(
    df: DataFrame,
    by: By,
    fixed: group::Fixed<'_>,
) -> Result<Result<group::Groups, Refused>, DataFusionError> {
    use futures::StreamExt;
    let streams = df.execute_stream_partitioned().await?;
    let most = group::MAX_GROUPS / streams.len().max(1);
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            let mut b = group::Builder::new(by, fixed);
            tokio::spawn(async move {
                while let Some(batch) = s.next().await {
                    if let Err(m) = b.add(&batch?) {
                        return Ok(Err(Refused::Broken(m)));
                    }
                    if b.groups() > most {
                        return Ok(Err(Refused::TooManyGroups));
                    }
                }
                Ok::<_, DataFusionError>(Ok(b))
            })
        })
        .collect();
    let mut all = Vec::with_capacity(tasks.len());
    for t in tasks {
        let b = t
            .await
            .map_err(|e| DataFusionError::External(Box::new(e)))??;
        match b {
            Ok(b) => all.push(b),
            Err(m) => return Ok(Err(m)),
        }
    }
    Ok(Ok(group::Builder::finish(all)))
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
    let (header, line, at) = match rdr.headers() {
        Ok(h) => (
            h.iter()
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .collect::<Vec<_>>(),
            h.position().map_or(1, |p| p.line() as usize),
            h.position().map(csv::Position::byte),
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
    // The schema is given, so no type is guessed from the first rows: `year` and
    // `value_usd` typed, every other column text. A value that does not parse fails the
    // plan, and the row reader then says where.
    let schema = Schema::new(
        header
            .iter()
            .map(|h| {
                let t = match h.as_str() {
                    "year" => DataType::Int32,
                    "value_usd" => DataType::Float64,
                    _ => DataType::Utf8,
                };
                Field::new(h, t, true)
            })
            .collect::<Vec<_>>(),
    );
    // A newline inside quotes must not be cut when the file is split between cores; only
    // a file with one pays for reading in one piece.
    let quoted = newline_in_quotes(p).unwrap_or(true);
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
        data_start: at.and_then(|at| data_start(p, at)),
    })
}

/// The byte after the header line, which starts at `at` or after comment and blank lines
/// there, when its quotes are closed on it (a quoted name might hold a line break).
fn data_start(p: &Path, at: u64) -> Option<u64> {
    use std::io::{BufRead, Seek};
    let mut f = std::io::BufReader::new(std::fs::File::open(p).ok()?);
    f.seek(std::io::SeekFrom::Start(at)).ok()?;
    let mut at = at;
    let mut line = Vec::new();
    // The reader's position of the header can be that of comment or blank lines before it.
    loop {
        line.clear();
        let n = f.read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            return None;
        }
        at += n as u64;
        let text = line.trim_ascii_end();
        if !text.is_empty() && !text.starts_with(b"#") {
            break;
        }
    }
    let quotes = line.iter().filter(|&&c| c == b'"').count();
    (quotes % 2 == 0).then_some(at)
}

/// The source of every row of a Parquet table when the files' statistics prove there is
/// only one (exact minimum equal to the maximum in every row group, no nulls), so it need
/// not be a key. None for a CSV, or when it cannot be proved.
fn single_source(src: &Source) -> Option<String> {
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let files = match src {
        Source::Csv(_) => return None,
        Source::Parquet(p) => vec![p.clone()],
        Source::Folder(p) => parquet_files(p),
    };
    let mut one: Option<Vec<u8>> = None;
    for f in files {
        let reader = SerializedFileReader::new(std::fs::File::open(&f).ok()?).ok()?;
        let meta = reader.metadata();
        let at = meta
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .position(|c| c.name() == "source")?;
        for rg in meta.row_groups() {
            let st = rg.column(at).statistics()?;
            let (min, max) = (st.min_bytes_opt()?, st.max_bytes_opt()?);
            if st.null_count_opt() != Some(0)
                || !st.min_is_exact()
                || !st.max_is_exact()
                || min != max
                || one.as_deref().is_some_and(|o| o != min)
            {
                return None;
            }
            one = Some(min.to_vec());
        }
    }
    let s = String::from_utf8(one?).ok()?;
    // A blank source is an error: leave it to the checks.
    (!s.trim().is_empty() && s.trim() == s).then_some(s)
}

/// True when a quoted field of the CSV file at `p` holds a line break. Streams the file:
/// outside quotes only `"` is looked for (memchr), inside them `"` and line breaks.
fn newline_in_quotes(p: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut f = std::fs::File::open(p)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut quoted = false;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(false);
        }
        let mut rest = &buf[..n];
        loop {
            let hit = if quoted {
                memchr::memchr3(b'"', b'\n', b'\r', rest)
            } else {
                memchr::memchr(b'"', rest)
            };
            let Some(i) = hit else { break };
            if rest[i] != b'"' {
                return Ok(true);
            }
            quoted = !quoted;
            rest = &rest[i + 1..];
        }
    }
}

/// A DataFusion error as a user reads it.
fn df_message(e: &DataFusionError) -> String {
    let m = e.to_string();
    format!("cannot read: {}", m.lines().next().unwrap_or(&m))
}

fn keeps(f: &Filter, c: &Cell) -> bool {
    f.keeps(c.year, &c.period, &c.reporter, &c.flow, &c.partner)
}

impl Filter {
    /// True when the filter keeps a sum of this key (applied to sums, not rows: a CSV's
    /// filter, after its whole file is checked).
    pub(crate) fn keeps(
        &self,
        year: i32,
        period: &str,
        reporter: &str,
        flow: &str,
        partner: &str,
    ) -> bool {
        self.reporter.as_deref().is_none_or(|r| r == reporter)
            && self
                .year
                .is_none_or(|y| y == year || (self.world_totals_all_years && partner == WORLD))
            && self.flow.as_deref().is_none_or(|x| x == flow)
            && self.period.as_deref().is_none_or(|p| p == period)
    }
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
    if let (Some(e), true) = (plan_error, d.0.is_empty()) {
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
    // (year, period, reporter, partner, flow)
    type Key = (i32, Arc<str>, Arc<str>, Arc<str>, Arc<str>);
    let mut out: BTreeMap<Key, Cell> = BTreeMap::new();
    for f in flows {
        let partner = match by {
            By::Product if f.partner != WORLD => "*".into(),
            _ => f.partner.as_str().into(),
        };
        let c = Cell {
            year: f.year,
            period: f.period.to_string().into(),
            reporter: f.reporter.as_str().into(),
            partner,
            flow: f.flow.as_str().into(),
            product: None,
            value_usd: f.value_usd,
            estimate: f.estimate,
            source: f.source.as_str().into(),
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
                source: c.source.to_string(),
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

/// One reporter-year-flow's products, borrowed from the cells.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductGroup<'a> {
    /// Calendar year.
    pub year: i32,
    /// Period.
    pub period: &'a str,
    /// Reporter, ISO3.
    pub reporter: &'a str,
    /// Flow.
    pub flow: &'a str,
    /// `(HS code, value)` in code order.
    pub products: Vec<(&'a str, f64)>,
}

/// The [`By::Product`] cells as product groups per (year, period, reporter, flow), in that
/// order: the reporter's world (`WLD`) rows when it has any for that key, else the sum over
/// its named partners; cells without a product (totals) left out.
pub fn product_groups(cells: &[Cell]) -> Vec<ProductGroup<'_>> {
    fn key(c: &Cell) -> (i32, &str, &str, &str) {
        (c.year, &c.period, &c.reporter, &c.flow)
    }
    fn order(c: &Cell) -> ((i32, &str, &str, &str), &str, Option<&str>) {
        (key(c), &c.partner, c.product.as_deref())
    }
    let mut sorted: Vec<&Cell> = cells.iter().collect();
    // `aggregate` returns them in this order already.
    if !sorted.is_sorted_by(|a, b| order(a) <= order(b)) {
        sorted.sort_by(|a, b| order(a).cmp(&order(b)));
    }
    let mut out = Vec::new();
    for chunk in sorted.chunk_by(|a, b| key(a) == key(b)) {
        let world = chunk
            .iter()
            .any(|c| c.product.is_some() && &*c.partner == WORLD);
        let products: Vec<(&str, f64)> = chunk
            .iter()
            .filter(|c| (&*c.partner == WORLD) == world)
            .filter_map(|c| Some((c.product.as_deref()?, c.value_usd)))
            .collect();
        if products.is_empty() {
            continue;
        }
        let (year, period, reporter, flow) = key(chunk[0]);
        out.push(ProductGroup {
            year,
            period,
            reporter,
            flow,
            products,
        });
    }
    out
}

pub mod import;

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick path starts right after the header line, past comments before it and a
    /// quoted header, and is not offered a header whose quote stays open.
    #[test]
    fn the_quick_path_starts_after_the_header_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let row = "2022,KAZ,CHN,exports,7,s\n";
        for (head, open) in [
            ("year,reporter,partner,flow,value_usd,source\n", false),
            (
                "# a note, with a comma\n\n\"year\",reporter,partner,flow,value_usd,source\r\n",
                false,
            ),
            (
                "\u{feff}year,reporter,partner,flow,value_usd,source\n",
                false,
            ),
            ("year,reporter,partner,flow,value_usd,\"source\n\"\n", true),
        ] {
            let p = dir.path().join("f.csv");
            std::fs::write(&p, format!("{head}{row}")).expect("write");
            let start = rt
                .block_on(read_csv(&session(), &p))
                .map(|t| t.data_start)
                .unwrap_or(None);
            let want = (!open).then_some(head.len() as u64);
            assert_eq!(start, want, "{head:?}");
        }
    }

    #[test]
    fn only_a_line_break_inside_quotes_keeps_a_csv_in_one_piece() {
        let dir = tempfile::tempdir().expect("tmp");
        let check = |name: &str, text: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("write");
            newline_in_quotes(&p).expect("read")
        };
        assert!(!check(
            "a.csv",
            b"\"year\",\"note\"\n2022,\"a, b\"\n2023,c\n"
        ));
        assert!(check("b.csv", b"year,note\n2022,\"two\nlines\"\n"));
        assert!(check("c.csv", b"year,note\r\n2022,\"two\r\nlines\"\r\n"));
        // An escaped quote ("") inside a quoted field, then a plain line break.
        assert!(!check("d.csv", b"year,note\n2022,\"say \"\"hi\"\"\"\n"));
        // The quote opens at the end of one 1 MiB read and the line break starts the next.
        let mut big = vec![b'x'; (1 << 20) - 1];
        big.push(b'"');
        big.extend_from_slice(b"\nrest\"\n");
        assert!(check("e.csv", &big));
        big.truncate((1 << 20) - 1);
        big.extend_from_slice(b"\n\"rest\"\n");
        assert!(!check("f.csv", &big));
    }
}
