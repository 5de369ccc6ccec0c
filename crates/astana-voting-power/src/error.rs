use std::fmt;

/// One problem in a game file, located by line and column with the offending line shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameError {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The line's text around the error (clipped on long lines) and the caret width.
    pub snippet: (String, usize),
    /// 1-based column of the caret inside the snippet's text.
    pub caret: usize,
}

impl GameError {
    pub(crate) fn at(
        file: &str,
        index: &astana_model::text::LineIndex<'_>,
        span: std::ops::Range<usize>,
        message: String,
        hint: Option<String>,
    ) -> GameError {
        let at = index.locate(span.start, span.end.saturating_sub(span.start));
        GameError {
            file: file.to_string(),
            line: at.line,
            column: at.column,
            message,
            hint,
            snippet: (at.line_text, at.width),
            caret: at.caret,
        }
    }
}

impl fmt::Display for GameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gutter = " ".repeat(self.line.to_string().len());
        write!(
            f,
            "error: {}:{}:{}: {}\n {gutter} |\n {} | {}\n {gutter} | {}{}",
            self.file,
            self.line,
            self.column,
            self.message,
            self.line,
            self.snippet.0,
            " ".repeat(self.caret - 1),
            "^".repeat(self.snippet.1)
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found in a game file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameErrors(pub Vec<GameError>);

impl GameErrors {
    /// Errors shown in full by `Display`; the rest are counted.
    pub const SHOWN: usize = 20;
}

impl fmt::Display for GameErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.0.iter().take(Self::SHOWN) {
            writeln!(f, "{e}")?;
        }
        if self.0.len() > Self::SHOWN {
            writeln!(f, "... and {} more", self.0.len() - Self::SHOWN)?;
        }
        write!(
            f,
            "{} error{}",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for GameErrors {}

/// Why indices could not be computed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PowerError {
    /// The game is too large for any exact method this version has for the indices asked
    /// (recoverable: ask for fewer indices, or use Monte Carlo).
    TooLarge {
        /// Players.
        n: usize,
        /// Why.
        reason: String,
    },
    /// An index name that does not exist.
    UnknownIndex(String),
    /// Every coalition wins, or none does: no player can make a difference and the
    /// indices are 0/0.
    NoDecision(String),
    /// The exact method that fits would take longer or need more memory than the limits
    /// (estimated before starting).
    OverBudget {
        /// The method and what it computes, e.g. "shapley_shubik by generating functions".
        what: String,
        /// Estimated seconds (on the machine the estimates were calibrated on).
        seconds: f64,
        /// Estimated peak memory in bytes.
        bytes: u64,
        /// The limits it exceeds.
        limits: crate::indices::Limits,
    },
    /// The floating-point method does not take this game or these indices, or would
    /// exceed the limits (estimated before starting).
    NoFloat {
        /// Players.
        n: usize,
        /// Why.
        reason: String,
    },
}

/// "2.5 s", "4 min", "3.1 h": an estimate, rounded.
pub(crate) fn duration(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 86_400.0 * 3.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.0} days", s / 86_400.0)
    }
}

/// "512 MB", "5.6 GB".
pub(crate) fn bytes(b: u64) -> String {
    let b = b as f64;
    if b < 1e9 {
        format!("{:.0} MB", b / 1e6)
    } else {
        format!("{:.1} GB", b / 1e9)
    }
}

impl fmt::Display for PowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowerError::TooLarge { n, reason } => {
                write!(f, "no exact method for this game ({n} players): {reason}")
            }
            PowerError::NoDecision(why) => write!(f, "{why}"),
            PowerError::NoFloat { n, reason } => write!(
                f,
                "no floating-point method for this game ({n} players): {reason}"
            ),
            PowerError::OverBudget {
                what,
                seconds,
                bytes: b,
                limits,
            } => write!(
                f,
                "exact {what} would take about {} and {} of memory (estimated; limits {} and {})",
                duration(*seconds),
                bytes(*b),
                duration(limits.seconds),
                bytes(limits.bytes)
            ),
            PowerError::UnknownIndex(s) => write!(
                f,
                "unknown index `{s}`; expected shapley_shubik, banzhaf, banzhaf_absolute, johnston, deegan_packel or holler"
            ),
        }
    }
}

impl std::error::Error for PowerError {}
