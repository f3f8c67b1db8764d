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
    /// The caller handed the store something it cannot keep (duplicate keys in one batch, a
    /// count beyond i64); nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// A row read back could not become a domain value (corrupt or hand-edited data).
    #[error("bad stored row in {table}: {reason}")]
    Corrupt { table: &'static str, reason: String },
    /// Another connection holds SQLite's write lock and did not let go within the busy timeout.
    /// Nothing was written; the same call may succeed once the other writer finishes.
    #[error(
        "the database is locked: another process is writing to it and did not finish within the busy timeout ({0}); try again when it is done, or wait longer with --busy-timeout SECONDS"
    )]
    Busy(String),
    /// The caller stopped a multi-batch write it was feeding (its source failed; it knows why):
    /// the transaction was rolled back and nothing of that write was kept.
    #[error("stopped: {0}; nothing of it was stored")]
    Stopped(String),
    /// The URL names a backend this build left out (see the crate's features).
    #[error(
        "this ztrade was built without {} support; rebuild with --features {}",
        .0.name(),
        .0.feature()
    )]
    NotBuilt(crate::types::Backend),
    #[cfg(feature = "sqlite")]
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
    #[cfg(feature = "postgres")]
    #[error("postgres: {}", pg_message(.0))]
    Postgres(#[from] postgres::Error),
}

impl StoreError {
    /// True when the failure is lock contention (SQLite busy or locked, PostgreSQL lock or
    /// serialization timeouts): nothing was written and retrying later may succeed.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Busy(_) => true,
            #[cfg(feature = "postgres")]
            Self::Postgres(e) => e.code().is_some_and(|c| {
                [
                    postgres::error::SqlState::LOCK_NOT_AVAILABLE,
                    postgres::error::SqlState::T_R_SERIALIZATION_FAILURE,
                    postgres::error::SqlState::T_R_DEADLOCK_DETECTED,
                ]
                .contains(c)
            }),
            _ => false,
        }
    }
}

/// SQLite's "busy" and "locked" become [`StoreError::Busy`], so callers can retry and users
/// read that another process holds the lock instead of a bare "database is locked".
#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if sqlite_busy(&e) {
            Self::Busy(e.to_string())
        } else {
            Self::Sqlite(e)
        }
    }
}

/// SQLITE_BUSY or SQLITE_LOCKED (any extended code).
#[cfg(feature = "sqlite")]
pub(crate) fn sqlite_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The server's message (with DETAIL and HINT) where there is one; the driver's own Display
/// says only "db error".
#[cfg(feature = "postgres")]
pub fn pg_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.to_string();
    }
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
