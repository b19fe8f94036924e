//! Problems found in input files: where they are, what is wrong and how to fix it.

use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place of one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// File name relative to the data set folder (`lanes.csv`, `finance/slips.csv`).
    pub file: String,
    /// Line as an editor shows it (the header is line 1); `None` for the file as a whole.
    pub line: Option<u64>,
    /// 1-based column position in the file, when the column exists.
    pub column: Option<usize>,
    /// Column name.
    pub column_name: Option<String>,
    /// The offending value as written.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        match (&self.column_name, self.column) {
            (Some(name), Some(col)) => write!(f, ", column {col} ({name})")?,
            (Some(name), None) => write!(f, ", column {name}")?,
            (None, Some(col)) => write!(f, ", column {col}")?,
            (None, None) => {}
        }
        if let Some(value) = &self.value {
            write!(f, ", value {value:?}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.fix.is_empty() {
            write!(f, "; fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// The most characters of a value a problem quotes.
pub const MAX_VALUE_CHARS: usize = 80;

/// A value as a problem quotes it: whole when short, else its start and its length (a 10 MB cell
/// is not echoed whole).
fn shown_value(v: &str) -> String {
    if v.chars().count() <= MAX_VALUE_CHARS {
        return v.to_owned();
    }
    let head: String = v.chars().take(MAX_VALUE_CHARS).collect();
    format!("{head}... ({} bytes in all)", v.len())
}

/// Collects every problem of a load, so that all of them are reported in one run.
#[derive(Debug, Default)]
pub struct Diagnostics {
    problems: Vec<Problem>,
}

/// Where in a file a problem is.
#[derive(Clone, Debug, Default)]
pub struct Place<'a> {
    pub file: &'a str,
    pub line: Option<u64>,
    pub column: Option<usize>,
    pub column_name: Option<&'a str>,
    pub value: Option<&'a str>,
}

impl<'a> Place<'a> {
    pub fn file(file: &'a str) -> Self {
        Place {
            file,
            ..Place::default()
        }
    }

    pub fn line(file: &'a str, line: u64) -> Self {
        Place {
            file,
            line: Some(line),
            ..Place::default()
        }
    }
}

impl Diagnostics {
    pub fn push(&mut self, severity: Severity, place: Place<'_>, message: String, fix: &str) {
        self.problems.push(Problem {
            severity,
            file: place.file.to_owned(),
            line: place.line,
            column: place.column,
            column_name: place.column_name.map(str::to_owned),
            value: place.value.map(shown_value),
            message,
            fix: fix.to_owned(),
        });
    }

    pub fn error(&mut self, place: Place<'_>, message: impl Into<String>, fix: &str) {
        self.push(Severity::Error, place, message.into(), fix);
    }

    pub fn warning(&mut self, place: Place<'_>, message: impl Into<String>, fix: &str) {
        self.push(Severity::Warning, place, message.into(), fix);
    }

    /// Adds the problems of another collector.
    pub fn extend(&mut self, other: Diagnostics) {
        self.problems.extend(other.problems);
    }

    /// Errors collected so far.
    pub fn error_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    /// Whether an error names `file`.
    pub fn has_errors_in(&self, file: &str) -> bool {
        self.problems
            .iter()
            .any(|p| p.severity == Severity::Error && p.file == file)
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// All problems, errors first, then by file and line.
    pub fn into_sorted(mut self) -> Vec<Problem> {
        self.problems.sort_by(|a, b| {
            (a.severity, &a.file, a.line, a.column).cmp(&(b.severity, &b.file, b.line, b.column))
        });
        self.problems
    }
}
