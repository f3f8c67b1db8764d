//! Errors of the use cases, split by what the caller can do about them: fix the input, get data
//! into the store, or look at what the store, the engine or a file said.

use backtest::{AgentError, EngineError};
use store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    /// Input the user can fix: a flag, a parameter range, a date, an agent field.
    #[error("{0}")]
    Input(String),
    /// The store holds nothing for what was asked; the message says how to get it.
    #[error("{0}")]
    NoData(String),
    /// The data checked has findings at the severity the caller fails on (`--fail-on`).
    #[error("{0}")]
    Findings(String),
    /// An agent file that cannot be read (`FILE:LINE: field: reason`).
    #[error(transparent)]
    Agent(#[from] AgentError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine could not be set up from the agent.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A run that failed part way (its data, an overflow), named by its agent.
    #[error("agent {agent}")]
    Run {
        agent: String,
        #[source]
        source: EngineError,
    },
    /// The agent's benchmark run failed.
    #[error("benchmark {symbol} of agent {agent}")]
    Benchmark {
        symbol: String,
        agent: String,
        #[source]
        source: Box<AppError>,
    },
    #[error(transparent)]
    Analytics(#[from] analytics::AnalyticsError),
    #[error(transparent)]
    Import(#[from] formats::import::ImportError),
    #[error(transparent)]
    Export(#[from] formats::export::ExportError),
    /// A file or directory that could not be read or written.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A sum that left the range of its fixed-point type (never rounded or wrapped instead).
    #[error("{0}")]
    Overflow(String),
    /// Something stored that cannot be read back (a hand-edited row, a newer format).
    #[error("{0}")]
    Stored(String),
}

impl AppError {
    pub fn input(message: impl Into<String>) -> Self {
        Self::Input(message.into())
    }

    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}

/// The shared upkeep use cases (roll-ups, retention) say the same three things.
impl From<upkeep::UpkeepError> for AppError {
    fn from(e: upkeep::UpkeepError) -> Self {
        match e {
            upkeep::UpkeepError::Input(m) => Self::Input(m),
            upkeep::UpkeepError::NoData(m) => Self::NoData(m),
            upkeep::UpkeepError::Stored(m) => Self::Stored(m),
            upkeep::UpkeepError::Store(e) => Self::Store(e),
        }
    }
}
