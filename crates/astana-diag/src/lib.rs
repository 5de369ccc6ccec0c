//! Located diagnostics and the CSV table reader shared by every reader of user files: the
//! scenario loader (`astana-scenario`) and the engines that read folders of their own (the
//! forum scheduler). It sits below both, so that the loader can call an engine's reader and
//! report its errors as its own, with one [`Diagnostic`] type throughout.
//!
//! * [`Diagnostic`] / [`Diagnostics`]: a problem with its file, line, column, field, snippet
//!   and hint; every problem of a load is collected, and printing is capped at [`SHOWN`].
//! * [`table::read`]: CSV by header name, unknown and missing columns rejected, every bad
//!   row reported with its physical line.
//! * [`read_text`] / [`decode`]: a file as UTF-8 text, or an error at its first bad byte.
//!
//! ```
//! use astana_diag::{table, Diagnostic, Diagnostics};
//! let mut d = Diagnostics::default();
//! let mut ids = Vec::new();
//! table::read("rooms.csv", "id,seats\nA,x\n", &["id", "seats"], &[], &mut d, |row, d| {
//!     if row.get("seats").parse::<u32>().is_err() {
//!         d.push(Diagnostic::error("rooms.csv", "not a number").at_line(row.line).field("seats"));
//!     }
//!     ids.push(row.get("id").to_string());
//! });
//! assert_eq!(ids, ["A"]);
//! assert_eq!(d.to_string(), "error: rooms.csv:2: field `seats`: not a number\n1 error, 0 warnings");
//! ```
#![deny(missing_docs)]

mod diag;
pub mod table;

pub use diag::{Diagnostic, Diagnostics, Locator, Severity, SHOWN};

use std::path::Path;

/// Reads the file at `path` as text; `name` is how errors name it. A file that is not
/// UTF-8 is an error at its first bad byte (line, column, and CSV column name), not a bare
/// "stream did not contain valid UTF-8". For every reader of user files (the forum folder too).
///
/// # Errors
/// The file cannot be read, or is not UTF-8.
pub fn read_text(path: &Path, name: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(name, format!("cannot read `{}`: {e}", path.display())))?;
    decode(name, bytes)
}

/// The text of file `name`, or an error at the first byte that is not UTF-8 (line, column
/// and, in a CSV file, the column name of the header).
///
/// # Errors
/// The bytes are not UTF-8.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let e = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let at = e.utf8_error().valid_up_to();
    let bytes = e.into_bytes();
    let line_start = bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let line_no = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    // Up to the bad byte the lossy line is the file's own bytes, so offsets agree.
    let line_text = String::from_utf8_lossy(&bytes[line_start..line_end]);
    let mut d = Diagnostic::error(name, "the file is not valid UTF-8 here")
        .hint("save the file as UTF-8 (in a spreadsheet: \"CSV UTF-8\")")
        .span(&line_text, at - line_start, 1);
    d.line = Some(line_no);
    // In a CSV file, name the column: count the separators before the byte (a quoted
    // comma may shift it; the line is still exact).
    if name.ends_with(".csv") && line_no > 1 {
        let header_end = bytes.iter().position(|b| *b == b'\n').unwrap_or(0);
        let header = String::from_utf8_lossy(&bytes[..header_end]);
        let index = bytes[line_start..at].iter().filter(|b| **b == b',').count();
        if let Some(col) = header.split(',').nth(index) {
            d = d.field(col.trim());
        }
    }
    Err(d)
}
