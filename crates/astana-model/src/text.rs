//! Locating a byte span of a text file for error messages (line, column, the line itself).

/// Where a span sits in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of that line.
    pub line_text: String,
    /// Characters to underline (at least one, not past the line's end).
    pub width: usize,
}

/// The location of `len` bytes at byte offset `start` of `text`; offsets past the end or
/// inside a character are moved back to a character boundary.
pub fn locate(text: &str, start: usize, len: usize) -> Location {
    let mut start = start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line: before.matches('\n').count() + 1,
        column: text[line_start..start].chars().count() + 1,
        line_text: text[line_start..].lines().next().unwrap_or("").to_string(),
        width: text[start..]
            .chars()
            .take(len.max(1))
            .take_while(|c| *c != '\n')
            .count()
            .max(1),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn locates() {
        let l = super::locate("a = 1\nbé = x\n", 11, 1);
        assert_eq!(
            (l.line, l.column, l.line_text.as_str(), l.width),
            (2, 5, "bé = x", 1)
        );
        // Inside the two-byte é: moved back to its start.
        assert_eq!(super::locate("bé", 2, 1).column, 2);
        assert_eq!(super::locate("x", 99, 3).column, 2);
    }
}
