//! Locating a byte span of a text file for error messages (line, column, a snippet of the
//! line around it).
//!
//! Snippets are clipped to a window around the span ([`SNIPPET_BEFORE`] characters before,
//! [`SNIPPET_AFTER`] from it), so that an error on a 300 KB one-line rule prints a line of
//! about a hundred characters, not the whole line once per error. Many lookups in one text
//! go through a [`LineIndex`], built once, so that locating E errors costs O(size + E·log)
//! instead of O(size·E).

/// Characters of context kept before the span in a clipped snippet.
pub const SNIPPET_BEFORE: usize = 40;
/// Characters kept from the span's start on (the span included) in a clipped snippet.
pub const SNIPPET_AFTER: usize = 60;
/// Marks text left out of a clipped snippet.
pub const ELLIPSIS: char = '…';

/// Where a span sits in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of that line around the span: the whole line when it is short, else a
    /// window with `…` where text was left out.
    pub line_text: String,
    /// Characters to underline (at least one, not past the snippet's end).
    pub width: usize,
    /// 1-based column of the span's start inside `line_text` (equal to `column` when the
    /// line was not clipped): where to put the caret.
    pub caret: usize,
}

impl Location {
    /// The caret line under `line_text`: spaces up to the span, then `^` over its width.
    pub fn underline(&self) -> String {
        format!("{}{}", " ".repeat(self.caret - 1), "^".repeat(self.width))
    }
}

/// Line starts of a text, for many lookups.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line's first character.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text` (one pass).
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The location of `len` bytes at byte offset `start`; offsets past the end or inside a
    /// character are moved back to a character boundary.
    pub fn locate(&self, start: usize, len: usize) -> Location {
        let text = self.text;
        let mut start = start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        // The last line start at or before `start`.
        let line = self.starts.partition_point(|&s| s <= start);
        let line_start = self.starts[line - 1];
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let before = &text[line_start..start];
        let column = before.chars().count() + 1;
        let rest = line_text.get(start - line_start..).unwrap_or("");
        let width = rest.chars().take(len.max(1)).count().max(1);
        // Clip: keep SNIPPET_BEFORE characters before the span and SNIPPET_AFTER from it.
        let skip = (column - 1).saturating_sub(SNIPPET_BEFORE);
        let mut snippet = String::new();
        if skip > 0 {
            snippet.push(ELLIPSIS);
        }
        let mut kept = 0;
        for c in line_text.chars().skip(skip) {
            if kept == (column - 1 - skip) + SNIPPET_AFTER {
                snippet.push(ELLIPSIS);
                break;
            }
            snippet.push(c);
            kept += 1;
        }
        let caret = column - skip + usize::from(skip > 0);
        let visible = kept.saturating_sub(column - 1 - skip).max(1);
        Location {
            line,
            column,
            line_text: snippet,
            width: width.min(visible),
            caret,
        }
    }
}

/// The location of `len` bytes at byte offset `start` of `text`; offsets past the end or
/// inside a character are moved back to a character boundary. For many lookups in one text,
/// build a [`LineIndex`] once.
pub fn locate(text: &str, start: usize, len: usize) -> Location {
    LineIndex::new(text).locate(start, len)
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo
/// (at most a third of the word's length, and at least one edit allowed): for "did you mean".
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c, limit + 1), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance with adjacent transpositions counted as one edit, giving up (and
/// returning `cap`) once it exceeds `cap`: names are short, but the input may not be.
fn edit_distance(a: &str, b: &str, cap: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) >= cap {
        return cap;
    }
    let mut prev2: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        if cur.iter().min().is_some_and(|&m| m >= cap) {
            return cap;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()].min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(closest("weigth", ["weight", "count"]), Some("weight"));
        assert_eq!(
            closest("popualtion", ["population", "count"]),
            Some("population")
        );
        assert_eq!(closest("seats", ["weight", "count"]), None);
        assert_eq!(closest("x", ["y"]), Some("y"));
    }

    #[test]
    fn locates() {
        let l = locate("a = 1\nbé = x\n", 11, 1);
        assert_eq!(
            (l.line, l.column, l.line_text.as_str(), l.width, l.caret),
            (2, 5, "bé = x", 1, 5)
        );
        // Inside the two-byte é: moved back to its start.
        assert_eq!(locate("bé", 2, 1).column, 2);
        assert_eq!(locate("x", 99, 3).column, 2);
        assert_eq!(locate("a\r\nb", 0, 5).line_text, "a");
        assert_eq!(locate("", 0, 1).line, 1);
    }

    #[test]
    fn clips_long_lines_around_the_span() {
        let line = format!("rule = \"{}\"", "x or ".repeat(10_000));
        let at = line.len() / 2;
        let l = locate(&line, at, 3);
        assert_eq!(l.column, at + 1);
        assert!(l.line_text.starts_with('…') && l.line_text.ends_with('…'));
        assert_eq!(
            l.line_text.chars().count(),
            SNIPPET_BEFORE + SNIPPET_AFTER + 2
        );
        assert_eq!(l.caret, SNIPPET_BEFORE + 2);
        let shown: String = l.line_text.chars().skip(l.caret - 1).take(3).collect();
        assert_eq!(shown, line[at..at + 3]);
        // Short lines are kept whole.
        assert_eq!(locate("short line", 6, 4).line_text, "short line");
    }

    #[test]
    fn many_lookups_share_one_index() {
        let text = "a\n".repeat(100_000);
        let index = LineIndex::new(&text);
        for k in (0..100_000).step_by(997) {
            assert_eq!(index.locate(2 * k, 1).line, k + 1);
        }
    }
}
