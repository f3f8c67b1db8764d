//! Errors of the upkeep use cases, split as `app`'s are by what the caller can do: fix the
//! input, get data into the store, or look at what the store said.

use store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum UpkeepError {
    /// Input the user can fix: a timeframe, a policy, a flag.
    #[error("{0}")]
    Input(String),
    /// The store holds nothing for what was asked; the message says how to get it.
    #[error("{0}")]
    NoData(String),
    /// A stored row that cannot be read back as what it should be.
    #[error("{0}")]
    Stored(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl UpkeepError {
    pub fn input(message: impl Into<String>) -> Self {
        Self::Input(message.into())
    }
}
