//! A small layer over `csv` that maps header names to columns, rejects unknown and missing
//! columns, and reports every bad field with its line.

use crate::diag::{Diagnostic, Diagnostics};

/// One parsed data row: its physical line and its fields by column name.
pub struct Row<'a> {
    /// Physical line in the file (1-based; the header is line 1 unless `#` comments precede it).
    pub line: usize,
    record: &'a csv::ByteRecord,
    /// The record's fields, end to end, checked to be UTF-8 once for the whole row.
    text: &'a str,
    /// Column name → field index (a handful of entries: a linear scan beats hashing).
    columns: &'a [(&'static str, usize)],
}

impl Row<'_> {
    /// The field, trimmed; "" when absent.
    pub fn get(&self, col: &str) -> &str {
        // This runs ten times per row of a million-row flows file. A column is usually
        // asked for by the same literal that declared it (one address), so a pointer test
        // mostly skips the comparison; length and first byte rule out most of the rest.
        let (len, first) = (col.len(), col.as_bytes().first());
        self.columns
            .iter()
            .find(|(c, _)| {
                c.len() == len
                    && (c.as_ptr() == col.as_ptr() || (c.as_bytes().first() == first && *c == col))
            })
            .and_then(|(_, i)| self.record.range(*i))
            // Fields end at ASCII separators, so a field of a UTF-8 row is on char
            // boundaries; `get` keeps even a surprise from panicking.
            .and_then(|r| self.text.get(r))
            .map_or("", trim)
    }
}

/// `str::trim`, with a shortcut for the usual field that starts and ends with a visible
/// ASCII character (then there is nothing to trim).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Reads `text` as CSV with the given required and optional columns, calling `each` for
/// every data row in order (streaming: a flows file may hold millions of rows).
pub fn read(
    file: &str,
    text: &str,
    required: &[&'static str],
    optional: &[&'static str],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row<'_>, &mut Diagnostics),
) {
    // Byte records, checked for UTF-8 once and trimmed per field on access: several times
    // faster than the reader's own UTF-8 records and trimming on large flow tables.
    // Lines starting with `#` are comments (a skeleton explains its columns with them).
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(Diagnostic::error(file, format!("cannot read the header: {e}")).at_line(1));
            return;
        }
    };
    let bytes = text.as_bytes();
    let header_line = headers
        .position()
        .map_or(1, |p| physical_line(bytes, p.byte(), p.line()));
    let all: Vec<&'static str> = required.iter().chain(optional).copied().collect();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut header_ok = true;
    for (i, h) in headers.iter().enumerate() {
        match all.iter().find(|c| **c == h) {
            Some(c) if columns.iter().flatten().any(|x| x == c) => {
                diags.push(
                    Diagnostic::error(file, format!("column `{h}` appears twice"))
                        .at_line(header_line)
                        .field(h),
                );
                header_ok = false;
                columns.push(None);
            }
            Some(c) => columns.push(Some(c)),
            None => {
                let d = Diagnostic::error(file, format!("unknown column `{h}` (column {})", i + 1))
                    .at_line(header_line)
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
                    .at_line(header_line)
                    .hint(format!("the header must name: {}", required.join(", "))),
            );
            header_ok = false;
        }
    }
    if !header_ok {
        return;
    }
    let index: Vec<(&'static str, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (c, i)))
        .collect();
    // One record, reused for every row.
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| physical_line(bytes, p.byte(), p.line()));
                diags.push(Diagnostic::error(file, format!("malformed CSV: {e}")).at_line(line));
                // After an I/O error there is nothing left to read.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = rec
            .position()
            .map_or(0, |p| physical_line(bytes, p.byte(), p.line()));
        if rec.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(rec.as_slice()) else {
            diags.push(
                Diagnostic::error(file, "the row is not valid UTF-8")
                    .at_line(line)
                    .hint("save the file as UTF-8 (in a spreadsheet: CSV UTF-8)"),
            );
            continue;
        };
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
        each(
            &Row {
                line,
                record: &rec,
                text,
                columns: &index,
            },
            diags,
        );
    }
}

/// The physical line of a record that `csv` places at `byte`, `line`: `csv` reports where
/// it started reading, before the comment and blank lines it skipped, so skip them here.
fn physical_line(text: &[u8], byte: u64, line: u64) -> usize {
    let mut i = usize::try_from(byte).unwrap_or(usize::MAX);
    let mut line = usize::try_from(line).unwrap_or(usize::MAX);
    while let Some(rest) = text.get(i..) {
        let skip = match rest.first() {
            Some(b'#') => true,
            Some(b'\n') => true,
            Some(b'\r') => rest.get(1) == Some(&b'\n'),
            _ => false,
        };
        if !skip {
            break;
        }
        match rest.iter().position(|b| *b == b'\n') {
            Some(n) => {
                i += n + 1;
                line += 1;
            }
            None => break,
        }
    }
    line
}

#[cfg(test)]
mod comment_tests {
    use super::*;

    /// `#` lines are comments before and after the header; lines stay physical lines.
    #[test]
    fn comments_are_skipped_and_lines_stay_physical() {
        let text = "# what this file is\na,b\n# a: first\n# b: second\n1,2\n3\n";
        let mut diags = Diagnostics::default();
        let mut seen = Vec::new();
        read("t.csv", text, &["a", "b"], &[], &mut diags, |row, _| {
            seen.push((row.line, row.get("a").to_string()));
        });
        assert_eq!(seen, [(5, "1".to_string())]);
        assert_eq!(diags.0.len(), 1);
        assert_eq!(diags.0[0].line, Some(6));
        // A header error names the header's line, after the leading comment.
        let mut diags = Diagnostics::default();
        read("t.csv", "# c\na,x\n", &["a"], &[], &mut diags, |_, _| {});
        assert_eq!(diags.0[0].line, Some(2), "{diags}");
        // Blank lines before a row count too (`csv` would say line 2 here).
        let mut diags = Diagnostics::default();
        read(
            "t.csv",
            "a,b\n\n1\n",
            &["a", "b"],
            &[],
            &mut diags,
            |_, _| {},
        );
        assert_eq!(diags.0[0].line, Some(3), "{diags}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, cols: &[&'static str]) -> (Vec<Vec<String>>, String) {
        let mut d = Diagnostics::default();
        let mut out = Vec::new();
        read("t.csv", text, cols, &[], &mut d, |row, _| {
            out.push(cols.iter().map(|c| row.get(c).to_string()).collect());
        });
        (out, d.to_string())
    }

    /// Fields cut from the row's one UTF-8 check: quoted commas and quotes, multibyte
    /// text, Unicode and ASCII whitespace trimmed as `str::trim` does, a column asked for
    /// by a name that is not the declaring literal.
    #[test]
    fn fields_are_cut_and_trimmed_as_before() {
        let text = "id,name,note\n\
                    A1,\"Xi'an, \"\"Xinzhu\"\"\",\u{a0}Kapıkule\u{2003}\n \
                    B2 ,Қостанай,\t\n\
                    ,\"\",x\n";
        let (rows, d) = fields(text, &["id", "name", "note"]);
        assert_eq!(d, "0 errors, 0 warnings");
        assert_eq!(
            rows,
            [
                ["A1", "Xi'an, \"Xinzhu\"", "Kapıkule"],
                ["B2", "Қостанай", ""],
                ["", "", "x"],
            ]
        );
        let owned = String::from("name");
        let mut got = Vec::new();
        read(
            "t.csv",
            text,
            &["id", "name", "note"],
            &[],
            &mut Diagnostics::default(),
            |row, _| {
                got.push(row.get(owned.as_str()).to_string());
            },
        );
        assert_eq!(got, ["Xi'an, \"Xinzhu\"", "Қостанай", ""]);
    }
}
