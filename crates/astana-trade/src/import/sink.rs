//! The Parquet side of an import: Arrow builders flushed every [`BATCH`] rows into one file
//! or one file per year, written under temporary names and renamed when the input was clean.

use super::ImportError;
use datafusion::arrow::array::{ArrayRef, Float64Builder, Int32Builder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per Arrow batch handed to the Parquet writer.
pub const BATCH: usize = 64 * 1024;
/// Rows per Parquet row group (the contract's ≤ 1M).
pub const ROW_GROUP: usize = 1_000_000;
/// Rows buffered in unfinished row groups over all open year files before the largest is
/// flushed: bounds memory when a hive import has many years open at once.
const BUFFERED: usize = 2 * ROW_GROUP;

/// One output row.
pub(crate) struct Row<'a> {
    pub(crate) year: i32,
    pub(crate) period: &'a str,
    pub(crate) reporter: &'a str,
    pub(crate) partner: &'a str,
    pub(crate) flow: &'a str,
    pub(crate) product: Option<&'a str>,
    pub(crate) value_usd: f64,
    pub(crate) quantity: Option<f64>,
}

struct Builders {
    year: Option<Int32Builder>,
    period: StringBuilder,
    reporter: StringBuilder,
    partner: StringBuilder,
    flow: StringBuilder,
    product: StringBuilder,
    value_usd: Float64Builder,
    quantity: Float64Builder,
    estimate: StringBuilder,
    source: StringBuilder,
    note: StringBuilder,
    len: usize,
}

impl Builders {
    fn new(with_year: bool) -> Builders {
        Builders {
            year: with_year.then(|| Int32Builder::with_capacity(BATCH)),
            period: StringBuilder::with_capacity(BATCH, 2 * BATCH),
            reporter: StringBuilder::with_capacity(BATCH, 3 * BATCH),
            partner: StringBuilder::with_capacity(BATCH, 3 * BATCH),
            flow: StringBuilder::with_capacity(BATCH, 7 * BATCH),
            product: StringBuilder::with_capacity(BATCH, 6 * BATCH),
            value_usd: Float64Builder::with_capacity(BATCH),
            quantity: Float64Builder::with_capacity(BATCH),
            estimate: StringBuilder::with_capacity(BATCH, 2 * BATCH),
            source: StringBuilder::with_capacity(BATCH, 16 * BATCH),
            note: StringBuilder::new(),
            len: 0,
        }
    }

    fn push(&mut self, r: &Row<'_>, source: &str) {
        if let Some(y) = &mut self.year {
            y.append_value(r.year);
        }
        self.period.append_value(r.period);
        self.reporter.append_value(r.reporter);
        self.partner.append_value(r.partner);
        self.flow.append_value(r.flow);
        self.product.append_option(r.product);
        self.value_usd.append_value(r.value_usd);
        self.quantity.append_option(r.quantity);
        self.estimate.append_value("no");
        self.source.append_value(source);
        self.note.append_null();
        self.len += 1;
    }

    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, ImportError> {
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(11);
        if let Some(y) = &mut self.year {
            cols.push(Arc::new(y.finish()));
        }
        cols.push(Arc::new(self.period.finish()));
        cols.push(Arc::new(self.reporter.finish()));
        cols.push(Arc::new(self.partner.finish()));
        cols.push(Arc::new(self.flow.finish()));
        cols.push(Arc::new(self.product.finish()));
        cols.push(Arc::new(self.value_usd.finish()));
        cols.push(Arc::new(self.quantity.finish()));
        cols.push(Arc::new(self.estimate.finish()));
        cols.push(Arc::new(self.source.finish()));
        cols.push(Arc::new(self.note.finish()));
        self.len = 0;
        RecordBatch::try_new(schema.clone(), cols).map_err(|e| ImportError::Write(e.to_string()))
    }
}

/// The flows table schema written by the importers (`year` left out inside a hive folder,
/// where the folder name carries it).
pub fn schema(with_year: bool) -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    let mut fields = Vec::with_capacity(11);
    if with_year {
        fields.push(Field::new("year", DataType::Int32, false));
    }
    fields.extend([
        s("period", false),
        s("reporter", false),
        s("partner", false),
        s("flow", false),
        s("product", true),
        Field::new("value_usd", DataType::Float64, false),
        Field::new("quantity", DataType::Float64, true),
        s("estimate", false),
        s("source", false),
        s("note", true),
    ]);
    Arc::new(Schema::new(fields))
}

struct Part {
    path: PathBuf,
    writer: Writer,
    rows: Builders,
}

/// What a [`Writer`]'s thread is asked to do.
enum Job {
    Write(RecordBatch),
    /// Close the row group in progress.
    Flush,
}

/// A Parquet writer on a thread of its own: encoding and compressing a batch (about half
/// of an import's time) overlaps reading and checking the next one.
struct Writer {
    jobs: Option<std::sync::mpsc::SyncSender<Job>>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
    /// Rows sent since the last row group was closed (the writer closes one every
    /// [`ROW_GROUP`] rows, and on [`Job::Flush`]).
    in_progress: usize,
}

impl Writer {
    fn new(file: File, schema: SchemaRef, props: WriterProperties) -> Result<Writer, String> {
        let mut w = ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| e.to_string())?;
        // Two batches queued at most: memory stays bounded when writing is the slower side.
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(2);
        let thread = std::thread::spawn(move || {
            for job in queue {
                match job {
                    Job::Write(b) => w.write(&b),
                    Job::Flush => w.flush(),
                }
                .map_err(|e| e.to_string())?;
            }
            w.close().map(|_| ()).map_err(|e| e.to_string())
        });
        Ok(Writer {
            jobs: Some(jobs),
            thread: Some(thread),
            in_progress: 0,
        })
    }

    fn send(&mut self, job: Job) -> Result<(), String> {
        let sent = self.jobs.as_ref().is_some_and(|j| j.send(job).is_ok());
        if sent {
            Ok(())
        } else {
            // The thread stopped: its error says why.
            Err(self
                .close()
                .err()
                .unwrap_or_else(|| "the writer stopped".into()))
        }
    }

    fn write(&mut self, b: RecordBatch) -> Result<(), String> {
        self.in_progress = (self.in_progress + b.num_rows()) % ROW_GROUP;
        self.send(Job::Write(b))
    }

    fn flush(&mut self) -> Result<(), String> {
        self.in_progress = 0;
        self.send(Job::Flush)
    }

    /// Waits for every batch sent and closes the file (its footer written).
    fn close(&mut self) -> Result<(), String> {
        self.jobs = None;
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| "the writer thread panicked".to_string())?,
            None => Ok(()),
        }
    }
}

impl Drop for Writer {
    /// The thread ends when its queue closes; waiting for it means no file is still being
    /// written when a failed import removes its output.
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// Where rows go.
pub(crate) struct Sink {
    out: PathBuf,
    /// The temporary file or folder written, renamed to `out` by [`Sink::finish`].
    tmp: PathBuf,
    hive: bool,
    source: String,
    schema: SchemaRef,
    parts: BTreeMap<i32, Part>,
    rows: u64,
    /// Set once an input error is seen: rows are then only checked, not written.
    stopped: bool,
    /// `tmp` was renamed to `out`; otherwise dropping the sink removes `tmp`.
    done: bool,
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ImportError {
    ImportError::Write(format!("cannot write `{}`: {e}", path.display()))
}

impl Sink {
    pub(crate) fn new(out: &Path, source: &str, force: bool) -> Result<Sink, ImportError> {
        let hive = out.extension().is_none_or(|e| e != "parquet");
        if out.exists() && !force {
            return Err(ImportError::Input(astana_diag::Diagnostics(vec![
                astana_diag::Diagnostic::error(
                    &out.display().to_string(),
                    "the output already exists",
                )
                .hint("choose another --out, or pass --force to replace it"),
            ])));
        }
        let mut name = out.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".partial-{}", std::process::id()));
        let tmp = out.with_file_name(name);
        if hive {
            std::fs::create_dir_all(&tmp).map_err(|e| write_err(&tmp, e))?;
        }
        Ok(Sink {
            out: out.to_path_buf(),
            tmp,
            hive,
            source: source.to_string(),
            schema: schema(!hive),
            parts: BTreeMap::new(),
            rows: 0,
            stopped: false,
            done: false,
        })
    }

    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// Stops writing (an input error was found); rows are still checked.
    pub(crate) fn stop(&mut self) {
        if !self.stopped {
            self.stopped = true;
            self.parts.clear();
        }
    }

    pub(crate) fn push(&mut self, r: &Row<'_>) -> Result<(), ImportError> {
        if self.stopped {
            return Ok(());
        }
        self.rows += 1;
        let key = if self.hive { r.year } else { 0 };
        if !self.parts.contains_key(&key) {
            let path = if self.hive {
                let dir = self.tmp.join(format!("year={}", r.year));
                std::fs::create_dir_all(&dir).map_err(|e| write_err(&dir, e))?;
                dir.join("part-0.parquet")
            } else {
                self.tmp.clone()
            };
            let file = File::create(&path).map_err(|e| write_err(&path, e))?;
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .set_max_row_group_row_count(Some(ROW_GROUP))
                .build();
            let writer =
                Writer::new(file, self.schema.clone(), props).map_err(|e| write_err(&path, e))?;
            let part = Part {
                path,
                writer,
                rows: Builders::new(!self.hive),
            };
            self.parts.insert(key, part);
        }
        let Some(part) = self.parts.get_mut(&key) else {
            return Ok(());
        };
        part.rows.push(r, &self.source);
        if part.rows.len >= BATCH {
            let batch = part.rows.finish(&self.schema)?;
            part.writer
                .write(batch)
                .map_err(|e| write_err(&part.path, e))?;
            self.bound_memory()?;
        }
        Ok(())
    }

    /// Flushes the largest unfinished row group while they hold more than [`BUFFERED`] rows.
    fn bound_memory(&mut self) -> Result<(), ImportError> {
        if self.parts.len() < 2 {
            return Ok(());
        }
        let buffered: usize = self.parts.values().map(|p| p.writer.in_progress).sum();
        if buffered > BUFFERED {
            if let Some(p) = self.parts.values_mut().max_by_key(|p| p.writer.in_progress) {
                p.writer.flush().map_err(|e| write_err(&p.path, e))?;
            }
        }
        Ok(())
    }

    /// Closes every file and moves the result to `out`; the files written, sorted.
    pub(crate) fn finish(mut self) -> Result<Vec<PathBuf>, ImportError> {
        if !self.hive && self.parts.is_empty() {
            // No rows: still a valid (empty) table.
            let file = File::create(&self.tmp).map_err(|e| write_err(&self.tmp, e))?;
            let w = ArrowWriter::try_new(file, self.schema.clone(), None)
                .map_err(|e| write_err(&self.tmp, e))?;
            w.close().map_err(|e| write_err(&self.tmp, e))?;
        }
        let mut files = Vec::new();
        for (year, mut part) in std::mem::take(&mut self.parts) {
            if part.rows.len > 0 {
                let batch = part.rows.finish(&self.schema)?;
                part.writer
                    .write(batch)
                    .map_err(|e| write_err(&part.path, e))?;
            }
            part.writer.close().map_err(|e| write_err(&part.path, e))?;
            files.push(if self.hive {
                self.out.join(format!("year={year}")).join("part-0.parquet")
            } else {
                self.out.clone()
            });
        }
        if self.out.exists() {
            let gone = if self.out.is_dir() {
                std::fs::remove_dir_all(&self.out)
            } else {
                std::fs::remove_file(&self.out)
            };
            gone.map_err(|e| write_err(&self.out, e))?;
        }
        std::fs::rename(&self.tmp, &self.out).map_err(|e| write_err(&self.out, e))?;
        self.done = true;
        if files.is_empty() {
            files.push(self.out.clone());
        }
        Ok(files)
    }
}

impl Drop for Sink {
    /// An import that failed (bad input, a write error, a panic) leaves no partial output.
    fn drop(&mut self) {
        if !self.done {
            self.parts.clear();
            let _ = if self.hive {
                std::fs::remove_dir_all(&self.tmp)
            } else {
                std::fs::remove_file(&self.tmp)
            };
        }
    }
}
