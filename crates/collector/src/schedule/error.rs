//! Config errors. Each names the file, and the field (`jobs[1].every`) or the parser's line.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: unknown config format; use .toml, .yaml or .yml", file.display())]
    Format { file: PathBuf },
    /// The parser's complaint; `line` and `column` are 1-based when the parser knows them.
    #[error("{}{}: {message}", file.display(), position(*line, *column))]
    Parse {
        file: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    #[error("{}: {field}: {reason}", file.display())]
    Invalid {
        file: PathBuf,
        field: String,
        reason: String,
    },
}

fn position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

impl ConfigError {
    pub fn invalid(
        file: impl Into<PathBuf>,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            file: file.into(),
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The field an [`ConfigError::Invalid`] names.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}
