//! Store errors, split by what the caller can do about them.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The URL names no backend we have, or is malformed.
    #[error("bad database URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    /// Could not reach or open the database.
    #[error("cannot open {url}: {reason}")]
    Connect { url: String, reason: String },
    /// The database was written by a newer ztrade; refuse rather than guess.
    #[error(
        "database schema is at version {found}, newer than this ztrade knows ({known}); upgrade ztrade"
    )]
    TooNew { found: i64, known: i64 },
    /// Commands other than migrate need a migrated store.
    #[error(
        "database is not migrated (schema version {found}, need {known}); run `ztrade db migrate`"
    )]
    NotMigrated { found: i64, known: i64 },
    /// A requested thing does not exist (run id, series).
    #[error("{0}")]
    NotFound(String),
    /// A row read back could not become a domain value (corrupt or hand-edited data).
    #[error("bad stored row in {table}: {reason}")]
    Corrupt { table: &'static str, reason: String },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
