use astana_model::text::LineIndex;
use std::fmt;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The scenario is unusable until this is fixed.
    Error,
    /// The scenario loads, but a figure looks inconsistent.
    Warning,
}

/// One problem found in a scenario file, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// File name relative to the scenario folder.
    pub file: String,
    /// 1-based line in the file (for CSV: the physical line of the row), if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// Field (CSV column or TOML key path), if any.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The offending source line (or, for a long line, a window of it) and the number of
    /// characters to underline; shown with a caret under `column` when present.
    pub snippet: Option<(String, usize)>,
    /// Characters of the line cut before the snippet's window (0: the snippet starts the line).
    pub snippet_offset: usize,
}

impl Diagnostic {
    /// An error in `file`.
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
            hint: None,
            snippet: None,
            snippet_offset: 0,
        }
    }

    /// A warning in `file`.
    pub fn warning(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Sets the line.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the field.
    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// Sets the field unless one is set (a file-level error keeps the column it found).
    pub fn or_field(mut self, field: &str) -> Self {
        if self.field.is_none() {
            self.field = Some(field.to_string());
        }
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points at a byte span of `text` (the whole file), filling line, column and snippet.
    /// For many spans of one text, [`Diagnostic::at`] with one [`Locator`] is faster.
    pub fn span(self, text: &str, start: usize, len: usize) -> Self {
        self.at(&mut Locator::new(text), start, len)
    }

    /// Points at a byte span of the locator's text, filling line, column and snippet.
    ///
    /// Only a window of a long line is kept (at most [`SNIPPET_CHARS`] characters):
    /// thousands of errors on one 25 KB line would otherwise hold, and print, the whole line
    /// thousands of times.
    pub fn at(mut self, loc: &mut Locator<'_>, start: usize, len: usize) -> Self {
        let l = loc.index.locate(start, len);
        self.line = Some(l.line);
        self.column = Some(l.column);
        // The snippet comes clipped; `caret` is the column's place inside it.
        self.snippet_offset = l.column - l.caret;
        self.snippet = Some((l.line_text.chars().map(printable).collect(), l.width));
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some((text, width)), Some(line), Some(col)) =
            (&self.snippet, self.line, self.column)
        {
            // Clipped again here: snippets may come from other readers, unclipped.
            let w = window(text, col.saturating_sub(self.snippet_offset).max(1), *width);
            let gutter = " ".repeat(line.to_string().len());
            write!(
                f,
                "\n {gutter} |\n {line} | {}\n {gutter} | {}{}",
                w.text,
                " ".repeat(w.caret - 1),
                "^".repeat(w.width)
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Finds line and column for many offsets of one text (a whole file) from one line index
/// (astana-model's [`LineIndex`]), so that locating E errors costs O(size + E·log size).
pub struct Locator<'t> {
    index: LineIndex<'t>,
}

impl<'t> Locator<'t> {
    /// A locator for `text` (a whole file).
    pub fn new(text: &'t str) -> Self {
        Locator {
            index: LineIndex::new(text),
        }
    }
}

/// Widest snippet shown, in characters (a window around the column, "…" where cut).
const SNIPPET_CHARS: usize = 100;

/// A window of a source line for a snippet.
struct Window {
    /// The characters shown, "…" where the line was cut, control characters replaced.
    text: String,
    /// 1-based column of the caret in `text`.
    caret: usize,
    /// Characters to underline, within `text`.
    width: usize,
}

/// A hostile file must not drive the terminal: no control characters reach it (a tab
/// becomes a space, keeping the caret's column).
fn printable(c: char) -> char {
    match c {
        '\t' => ' ',
        c if c.is_control() => '\u{fffd}',
        c => c,
    }
}

/// At most [`SNIPPET_CHARS`] characters of `line` around the 1-based `column`.
fn window(line: &str, column: usize, width: usize) -> Window {
    let n = line.chars().count();
    let col0 = column.saturating_sub(1).min(n);
    // A window cut earlier (with its two "…") is not cut again.
    let (start, end) = if n <= SNIPPET_CHARS + 2 {
        (0, n)
    } else {
        let start = col0
            .saturating_sub(SNIPPET_CHARS / 3)
            .min(n - SNIPPET_CHARS);
        (start, start + SNIPPET_CHARS)
    };
    let mut text = String::with_capacity(end - start + 8);
    if start > 0 {
        text.push('…');
    }
    text.extend(line.chars().skip(start).take(end - start).map(printable));
    if end < n {
        text.push('…');
    }
    Window {
        text,
        caret: col0 - start + 1 + usize::from(start > 0),
        width: width.clamp(1, end.saturating_sub(col0).max(1)),
    }
}

/// How many diagnostics [`Diagnostics`] prints before "… and N more": the output of a
/// file with thousands of errors must not grow with it.
pub const SHOWN: usize = 50;

/// Every problem found while loading a scenario; the load failed if any is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Number of errors (warnings excluded).
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
}

impl Diagnostics {
    /// `2 errors, 1 warning`.
    pub fn summary(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{} error{}, {} warning{}",
            self.errors(),
            plural(self.errors()),
            self.warnings(),
            plural(self.warnings())
        )
    }
}

impl Diagnostics {
    /// The first [`SHOWN`] diagnostics, one per line, then "… and N more not shown" if
    /// there are more (no summary line).
    pub fn list(&self) -> impl fmt::Display + '_ {
        List(self)
    }
}

struct List<'a>(&'a Diagnostics);

impl fmt::Display for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = &self.0 .0;
        for (i, d) in all.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        if all.len() > SHOWN {
            write!(f, "\n… and {} more not shown", all.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.is_empty() {
            writeln!(f, "{}", self.list())?;
        }
        f.write_str(&self.summary())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reproducer 10 (hostile): 3,000 errors on one 25 KB line printed 95 MB.
    #[test]
    fn output_is_capped_and_snippets_clipped() {
        let line = format!("members = [{}]", vec!["\"QQQ\""; 3000].join(", "));
        let mut all = Diagnostics::default();
        for i in 0..3000 {
            let at = 11 + i * 7;
            all.push(
                Diagnostic::error("scenario.toml", "unknown bloc member `QQQ`").span(&line, at, 5),
            );
        }
        let text = all.to_string();
        assert!(text.len() < 20_000, "{} bytes", text.len());
        assert!(text.contains("… and 2950 more not shown"), "{text}");
        assert!(text.ends_with("3000 errors, 0 warnings"), "{text}");
        // Each stored snippet is a window, not the line.
        assert!(all
            .0
            .iter()
            .all(|d| d.snippet.as_ref().is_some_and(|s| s.0.len() < 400)));
    }

    #[test]
    fn the_caret_points_into_a_clipped_line() {
        let (a, b) = ("é, ".repeat(500), ", 2".repeat(500));
        for line in [
            format!("\"BAD\"{b}"),
            format!("x = [{a}\"BAD\"{b}]"),
            format!("x = [{a}\"BAD\"]"),
            format!("x = [{a}\"BAD\"]\r\nnext"),
        ] {
            let at = line.find("\"BAD\"").expect("in the line");
            let d = Diagnostic::error("f.toml", "bad").span(&line, at, 5);
            assert_eq!(d.column, Some(line[..at].chars().count() + 1));
            let text = d.to_string();
            let lines: Vec<&str> = text.lines().collect();
            let (src, carets) = (lines[2], lines[3]);
            assert!(src.chars().count() < 120, "{src}");
            let from = carets.find('^').expect("a caret");
            let under: String = src
                .chars()
                .skip(carets[..from].chars().count())
                .take(carets[from..].len())
                .collect();
            assert_eq!(under, "\"BAD\"", "{text}");
        }
    }

    /// One locator, offsets forwards, backwards, across lines and CRLF: the same places as
    /// locating each offset afresh.
    #[test]
    fn a_locator_finds_what_a_fresh_search_finds() {
        let text = "a = 1\r\nbé = [\"x\", \"y\"]\n\nlast = \"ü\"";
        let offsets = [0, 3, 9, 12, 17, 2, 30, 24, 25, text.len(), 10];
        let mut loc = Locator::new(text);
        for at in offsets {
            let shared = Diagnostic::error("f", "m").at(&mut loc, at, 1);
            let fresh = Diagnostic::error("f", "m").span(text, at, 1);
            let mut start = at.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let before = &text[..start];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            assert_eq!(
                (shared.line, shared.column),
                (Some(line), Some(column)),
                "{at}"
            );
            assert_eq!(shared, fresh, "{at}");
        }
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let d = Diagnostic::error("f.csv", "bad").span("a\u{1b}[2Jb\tc", 0, 1);
        let text = d.to_string();
        assert!(!text.contains('\u{1b}') && !text.contains('\t'), "{text:?}");
    }
}
