//! A small layer over `csv` that maps header names to columns, rejects unknown and missing
//! columns, and reports every bad field with its line.

use crate::diag::{Diagnostic, Diagnostics};
use std::rc::Rc;

/// One parsed data row: its physical line and its fields by column name.
pub(crate) struct Row {
    pub(crate) line: usize,
    record: csv::StringRecord,
    /// Column name → field index, shared by all rows (a handful of entries: a linear
    /// scan beats hashing).
    columns: Rc<[(&'static str, usize)]>,
}

impl Row {
    pub(crate) fn get(&self, col: &str) -> &str {
        self.columns
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, i)| self.record.get(*i))
            .unwrap_or("")
    }
}

/// Reads `text` as CSV with the given required and optional columns.
pub(crate) fn read(
    file: &str,
    text: &str,
    required: &[&'static str],
    optional: &[&'static str],
    diags: &mut Diagnostics,
) -> Vec<Row> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(Diagnostic::error(file, format!("cannot read the header: {e}")).at_line(1));
            return Vec::new();
        }
    };
    let all: Vec<&'static str> = required.iter().chain(optional).copied().collect();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut header_ok = true;
    for (i, h) in headers.iter().enumerate() {
        match all.iter().find(|c| **c == h) {
            Some(c) if columns.iter().flatten().any(|x| x == c) => {
                diags.push(
                    Diagnostic::error(file, format!("column `{h}` appears twice"))
                        .at_line(1)
                        .field(h),
                );
                header_ok = false;
                columns.push(None);
            }
            Some(c) => columns.push(Some(c)),
            None => {
                let d = Diagnostic::error(file, format!("unknown column `{h}` (column {})", i + 1))
                    .at_line(1)
                    .field(h)
                    .hint(format!("allowed columns: {}", all.join(", ")));
                diags.push(d);
                header_ok = false;
                columns.push(None);
            }
        }
    }
    for r in required {
        if !columns.iter().flatten().any(|c| c == r) {
            diags.push(
                Diagnostic::error(file, format!("missing required column `{r}`"))
                    .at_line(1)
                    .hint(format!("the header must name: {}", required.join(", "))),
            );
            header_ok = false;
        }
    }
    if !header_ok {
        return Vec::new();
    }
    let index: Rc<[(&'static str, usize)]> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (c, i)))
        .collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(Diagnostic::error(file, format!("malformed CSV: {e}")).at_line(line));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if rec.len() != headers.len() {
            diags.push(
                Diagnostic::error(
                    file,
                    format!(
                        "row has {} fields but the header has {}",
                        rec.len(),
                        headers.len()
                    ),
                )
                .at_line(line)
                .hint("quote fields that contain commas with double quotes"),
            );
            continue;
        }
        rows.push(Row {
            line,
            record: rec,
            columns: Rc::clone(&index),
        });
    }
    rows
}
