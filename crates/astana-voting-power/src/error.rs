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
    /// The line's text and the caret width.
    pub snippet: (String, usize),
}

impl GameError {
    pub(crate) fn at(
        file: &str,
        text: &str,
        span: std::ops::Range<usize>,
        message: String,
        hint: Option<String>,
    ) -> GameError {
        let at = astana_model::text::locate(text, span.start, span.end.saturating_sub(span.start));
        GameError {
            file: file.to_string(),
            line: at.line,
            column: at.column,
            message,
            hint,
            snippet: (at.line_text, at.width),
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
            " ".repeat(self.column - 1),
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

impl fmt::Display for GameErrors {
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

impl std::error::Error for GameErrors {}

/// Why indices could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

impl fmt::Display for PowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowerError::TooLarge { n, reason } => {
                write!(f, "no exact method for this game ({n} players): {reason}")
            }
            PowerError::UnknownIndex(s) => write!(
                f,
                "unknown index `{s}`; expected shapley_shubik, banzhaf, banzhaf_absolute, johnston, deegan_packel or holler"
            ),
        }
    }
}

impl std::error::Error for PowerError {}
