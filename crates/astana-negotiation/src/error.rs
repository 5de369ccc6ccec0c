//! Located errors for domain and profile files.

use std::fmt;

/// One problem in a domain or profile file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainError {
    /// File name as given.
    pub file: String,
    /// 1-based line (0 when the problem concerns the file as a whole).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The XML element (`<issue name="Price">`) or TOML field concerned.
    pub element: String,
    /// What is wrong.
    pub message: String,
}

impl DomainError {
    pub(crate) fn new(
        file: &str,
        (line, column): (usize, usize),
        element: &str,
        message: String,
    ) -> Self {
        DomainError {
            file: file.to_string(),
            line,
            column,
            element: element.to_string(),
            message,
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(
                f,
                "error: {}: {}: {}",
                self.file, self.element, self.message
            )
        } else {
            write!(
                f,
                "error: {}:{}:{}: {}: {}",
                self.file, self.line, self.column, self.element, self.message
            )
        }
    }
}

/// Most errors located per file; the rest are counted (locating costs a pass over the
/// text, and thousands of errors help no one).
pub const MAX_ERRORS: usize = 100;

/// The closing note for errors past [`MAX_ERRORS`] in `file`.
pub(crate) fn more_errors(file: &str, more: usize) -> DomainError {
    DomainError::new(
        file,
        (0, 0),
        "errors",
        format!("… and {more} more not shown (the first {MAX_ERRORS} are listed)"),
    )
}

/// Every problem found, in file order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DomainErrors(pub Vec<DomainError>);

impl fmt::Display for DomainErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        write!(
            f,
            "{} error{}",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for DomainErrors {}
