//! Importers: BACI, UN Comtrade bulk CSV and IMF DOTS CSV converted into the flows table
//! (issue 15 contract) as zstd Parquet, one file or a folder partitioned by `year=`.
//!
//! Every importer streams: a CSV record is parsed, mapped and appended to Arrow builders
//! that are written out every [`BATCH`] rows, and Parquet row groups hold at most
//! [`ROW_GROUP`] rows, so memory does not grow with the input (BACI files are 8–10 GB).
//! Errors are collected with file, line and field (the first [`KEPT`] of them are kept,
//! the rest counted), and the output appears only when the whole input was clean: it is
//! written under a temporary name beside `out` and renamed at the end.

mod baci;
mod comtrade;
mod dots;
mod sink;

pub use sink::{schema, BATCH, ROW_GROUP};

use astana_diag::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// How many errors an import keeps (the rest are counted): a 10 GB file with a wrong code on
/// every row must not fill the memory with diagnostics.
pub const KEPT: usize = 1000;

/// An input layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CEPII BACI `t,i,j,k,v,q` (values in thousands of USD, M49-style country numbers).
    Baci,
    /// UN Comtrade bulk / API CSV (comma or tab separated).
    Comtrade,
    /// IMF Direction of Trade Statistics CSV (long or wide layout).
    Dots,
}

/// The unit of DOTS values when the file has no unit column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// US dollars.
    Usd,
    /// Thousands of US dollars.
    Thousands,
    /// Millions of US dollars.
    Millions,
}

impl Unit {
    fn factor(self) -> f64 {
        match self {
            Unit::Usd => 1.0,
            Unit::Thousands => 1e3,
            Unit::Millions => 1e6,
        }
    }
}

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// BACI `country_codes_V*.csv` (or any `code → ISO3` table in that layout) replacing the
    /// built-in numeric table; for DOTS a table of IMF codes in the same layout.
    pub countries: Option<PathBuf>,
    /// BACI: also write each row as the importer's `imports` row (reporter j, partner i).
    pub both: bool,
    /// The `source` column; default from the format (and the BACI file name).
    pub source: Option<String>,
    /// DOTS: the unit of values when the file has no unit column (default US dollars).
    pub unit: Option<Unit>,
    /// Replace an existing output.
    pub force: bool,
}

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Data records read (header excluded).
    pub records: u64,
    /// Flow rows written.
    pub rows: u64,
    /// Files written (one, or one per year under the folder).
    pub files: Vec<PathBuf>,
    /// Records left out on purpose, by reason (e.g. `flowCode RX (re-exports)`), with counts.
    pub skipped: BTreeMap<String, u64>,
    /// The `source` value written.
    pub source: String,
}

/// Why an import failed.
#[derive(Debug)]
pub enum ImportError {
    /// The input is wrong (exit 2): every problem found, located.
    Input(Diagnostics),
    /// The output could not be written (exit 1).
    Write(String),
}

impl ImportError {
    /// The CLI's exit code: 2 bad input, 1 failure while writing.
    pub fn exit_code(&self) -> u8 {
        match self {
            ImportError::Input(_) => 2,
            ImportError::Write(_) => 1,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Input(d) => write!(f, "{d}"),
            ImportError::Write(m) => write!(f, "error: {m}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// Converts `input` (in `format`) into the flows table at `out`: one Parquet file if `out`
/// ends in `.parquet`, else a folder `out/year=YYYY/part-0.parquet` (files without a
/// `year` column).
///
/// # Errors
/// [`ImportError::Input`] with every problem of the input (nothing is written), or
/// [`ImportError::Write`] if the output cannot be written.
pub fn import(
    format: Format,
    input: &Path,
    out: &Path,
    opts: &Options,
) -> Result<Summary, ImportError> {
    let name = input.display().to_string();
    let file = std::fs::File::open(input).map_err(|e| {
        ImportError::Input(Diagnostics(vec![Diagnostic::error(
            &name,
            format!("cannot read `{name}`: {e}"),
        )]))
    })?;
    let source = opts.source.clone().unwrap_or_else(|| match format {
        Format::Baci => baci::source_id(input),
        Format::Comtrade => "comtrade".to_string(),
        Format::Dots => "imf-dots".to_string(),
    });
    let mut sink = sink::Sink::new(out, &source, opts.force)?;
    let mut errors = Errors::new(&name);
    let mut summary = Summary {
        source,
        ..Summary::default()
    };
    let reader = BufReader::with_capacity(1 << 20, file);
    let run = match format {
        Format::Baci => baci::run(reader, opts, &mut errors, &mut sink, &mut summary),
        Format::Comtrade => comtrade::run(reader, &mut errors, &mut sink, &mut summary),
        Format::Dots => dots::run(reader, opts, &mut errors, &mut sink, &mut summary),
    };
    run?;
    if errors.total > 0 {
        drop(sink);
        return Err(ImportError::Input(errors.finish()));
    }
    summary.rows = sink.rows();
    summary.files = sink.finish()?;
    Ok(summary)
}

/// Writes `row` unless an error was seen (then the rest of the input is only checked).
pub(crate) fn emit(
    sink: &mut sink::Sink,
    errors: &Errors,
    row: &sink::Row<'_>,
) -> Result<(), ImportError> {
    if errors.any() {
        sink.stop();
        Ok(())
    } else {
        sink.push(row)
    }
}

/// Reads the next readable row into `rec`, for every importer, and returns its line; an
/// unreadable row is reported and skipped; `None` at the end of the file or on an I/O error
/// (reported).
pub(super) fn next_record<R: std::io::Read>(
    rdr: &mut csv::Reader<R>,
    rec: &mut csv::ByteRecord,
    errors: &mut Errors,
) -> Option<u64> {
    loop {
        match rdr.read_byte_record(rec) {
            Ok(true) => return Some(line_of(rec)),
            Ok(false) => return None,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                errors.at(line, "", format!("unreadable CSV: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return None;
                }
            }
        }
    }
}

/// The errors of one input, the first [`KEPT`] kept.
pub(crate) struct Errors {
    name: String,
    kept: Diagnostics,
    total: usize,
}

impl Errors {
    fn new(name: &str) -> Errors {
        Errors {
            name: name.to_string(),
            kept: Diagnostics::default(),
            total: 0,
        }
    }

    /// An error at `line` (1-based, physical) in `field`.
    pub(crate) fn at(&mut self, line: u64, field: &str, message: impl Into<String>) {
        self.push(
            Diagnostic::error(&self.name, message)
                .at_line(usize::try_from(line).unwrap_or(usize::MAX))
                .field(field),
        );
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.total += 1;
        if self.kept.0.len() < KEPT {
            self.kept.push(d);
        }
    }

    pub(crate) fn any(&self) -> bool {
        self.total > 0
    }

    fn finish(mut self) -> Diagnostics {
        if self.total > KEPT {
            let more = self.total - KEPT;
            self.kept.push(Diagnostic::error(
                &self.name,
                format!("{more} more errors not kept (the first {KEPT} are listed above)"),
            ));
        }
        self.kept
    }
}

/// A CSV reader over `input` whose delimiter (comma or tab) is taken from the header line.
pub(crate) fn csv_reader<R: Read>(mut input: BufReader<R>) -> csv::Reader<BufReader<R>> {
    let delimiter = match input.fill_buf() {
        Ok(buf) => {
            let line = buf.split(|b| *b == b'\n').next().unwrap_or_default();
            let tabs = line.iter().filter(|b| **b == b'\t').count();
            let commas = line.iter().filter(|b| **b == b',').count();
            if tabs > commas {
                b'\t'
            } else {
                b','
            }
        }
        Err(_) => b',',
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(input)
}

/// The header of `reader` as trimmed strings (a UTF-8 BOM removed).
pub(crate) fn header<R: Read>(
    reader: &mut csv::Reader<R>,
    errors: &mut Errors,
) -> Option<Vec<String>> {
    match reader.byte_headers() {
        Ok(h) => Some(
            h.iter()
                .map(|f| {
                    String::from_utf8_lossy(f)
                        .trim_start_matches('\u{feff}')
                        .trim()
                        .to_string()
                })
                .collect(),
        ),
        Err(e) => {
            errors.push(
                Diagnostic::error(&errors.name, format!("cannot read the header: {e}")).at_line(1),
            );
            None
        }
    }
}

/// The index of each of `wanted` in `header`; missing ones are one error listing them all.
pub(crate) fn columns<const N: usize>(
    header: &[String],
    wanted: [&[&str]; N],
    layout: &str,
    errors: &mut Errors,
) -> Option<[usize; N]> {
    let mut out = [0; N];
    let mut missing = Vec::new();
    for (k, names) in wanted.iter().enumerate() {
        match header.iter().position(|h| names.contains(&h.as_str())) {
            Some(i) => out[k] = i,
            None => missing.push(names.join(" or ")),
        }
    }
    if missing.is_empty() {
        return Some(out);
    }
    errors.push(
        Diagnostic::error(
            &errors.name,
            format!(
                "not a {layout} file: missing column{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .at_line(1)
        .hint(format!("the header is: {}", clip(&header.join(","), 300))),
    );
    None
}

/// The position of an optional column.
pub(crate) fn optional(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| names.contains(&h.as_str()))
}

/// Field `i` of `record` as trimmed UTF-8 text, or an error at its line.
pub(crate) fn text<'r>(
    record: &'r csv::ByteRecord,
    i: usize,
    field: &str,
    errors: &mut Errors,
) -> Option<&'r str> {
    let line = line_of(record);
    match record.get(i) {
        None => {
            errors.at(
                line,
                field,
                format!("the row has {} fields; `{field}` is missing", record.len()),
            );
            None
        }
        Some(b) => match std::str::from_utf8(b) {
            Ok(s) => Some(s.trim()),
            Err(_) => {
                errors.at(line, field, "not UTF-8 text");
                None
            }
        },
    }
}

/// The physical line where `record` starts.
pub(crate) fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// A finite number ≥ 0, or a message.
pub(crate) fn amount(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) if v.is_finite() => Err(format!("`{}` is negative", clip(s, 40))),
        Ok(_) => Err(format!("`{}` is not a finite number", clip(s, 40))),
        Err(_) => Err(format!("`{}` is not a number", clip(s, 40))),
    }
}

/// A year in 1900..=2100.
pub(crate) fn year(s: &str) -> Result<i32, String> {
    match s.parse::<i32>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(y),
        _ => Err(format!("`{}` is not a year (1900..=2100)", clip(s, 40))),
    }
}

/// An ISO alpha-3 code for `code` if it is one (upper-cased), with a "did you mean" otherwise.
pub(crate) fn iso3(code: &str) -> Result<&'static str, String> {
    let up = code.to_ascii_uppercase();
    if let Some(c) = astana_model::iso::country(&up) {
        return Ok(c.alpha3);
    }
    let near = astana_model::iso::suggestions(&up);
    Err(format!(
        "`{}` is not an ISO 3166 alpha-3 country code{}",
        clip(code, 40),
        if near.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", near.join(", "))
        }
    ))
}

/// `s` split after its first four bytes (a year), or `None` if that is not a character
/// boundary: user text must never make a slice panic.
pub(crate) fn split_year(s: &str) -> Option<(&str, &str)> {
    Some((s.get(..4)?, s.get(4..)?))
}

/// `s` cut to `n` characters with an ellipsis, for messages quoting user input.
pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.escape_debug().to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>().escape_debug())
    }
}

/// Reads a `code → ISO3` table in BACI's `country_codes_V*.csv` layout
/// (`country_code,…,country_iso3`, or the older `iso_3digit_alpha`): code → alpha-3, for
/// codes below 1000. Rows whose ISO3 is not an assigned code (`N/A`, `S19`) are left out,
/// so data rows using them are errors naming the code.
pub(crate) fn country_table(path: &Path) -> Result<Vec<Option<&'static str>>, Diagnostics> {
    let name = path.display().to_string();
    let text = astana_diag::read_text(path, &name).map_err(|d| Diagnostics(vec![d]))?;
    let mut d = Diagnostics::default();
    let mut map = vec![None; 1000];
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let head: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
            .collect(),
        Err(e) => return Err(Diagnostics(vec![Diagnostic::error(&name, e.to_string())])),
    };
    let code = head.iter().position(|h| h == "country_code");
    let iso = head
        .iter()
        .position(|h| h == "country_iso3" || h == "iso_3digit_alpha");
    let (Some(code), Some(iso)) = (code, iso) else {
        return Err(Diagnostics(vec![Diagnostic::error(
            &name,
            "not a country table: it needs the columns `country_code` and `country_iso3` (or `iso_3digit_alpha`)",
        )
        .at_line(1)]));
    };
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                d.push(Diagnostic::error(&name, e.to_string()));
                continue;
            }
        };
        let line = usize::try_from(rec.position().map_or(0, csv::Position::line)).unwrap_or(0);
        let c = rec.get(code).unwrap_or_default().trim();
        match c.parse::<usize>() {
            Ok(n) if n < 1000 => {
                let a3 = rec.get(iso).unwrap_or_default().trim().to_ascii_uppercase();
                map[n] = astana_model::iso::country(&a3).map(|c| c.alpha3);
            }
            _ => d.push(
                Diagnostic::error(
                    &name,
                    format!("`{}` is not a country number (0..=999)", clip(c, 40)),
                )
                .at_line(line)
                .field("country_code"),
            ),
        }
    }
    if d.0.is_empty() {
        Ok(map)
    } else {
        Err(d)
    }
}
