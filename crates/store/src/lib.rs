//! Where market data and backtest runs live.
//!
//! - [`roles`]: one trait per role ([`SchemaStore`], [`BarStore`], [`SentimentStore`],
//!   [`RunStore`], [`TickStore`], [`OptionStore`], [`ArbitrageStore`], [`NewsStore`], [`CollectionStore`],
//!   [`KeyStore`], [`ActionStore`], [`RollupStore`], [`SymbolStore`], [`QualityStore`],
//!   [`RetentionStore`], [`FeatureStore`], [`JournalStore`], [`PaperStore`]), and [`Store`],
//!   their sum. Callers name the roles they use.
//! - [`open`], [`open_ready`], [`open_migrated`]: pick the backend from a URL (`sqlite://PATH`,
//!   `postgres://…`) and check the schema version on the way in.
//! - [`sqlite`] (feature `sqlite`, on by default): the embedded default, one file in WAL mode.
//! - [`postgres`] (feature `postgres`): the production store; binary COPY ingest, TimescaleDB
//!   when installed. A build without a backend's feature refuses its URLs with
//!   [`StoreError::NotBuilt`].
//! - [`migrations`]: the embedded SQL per backend and how `schema_migrations` is read.
//! - [`types`]: rows that cross the traits: upsert counts, series status, stored runs.
//! - [`collection`]: rows of the collector's tables: sequenced ticks, news, backfill
//!   checkpoints, job runs.
//! - [`rollup`]: roll-up checkpoints, written with the rolled bars.
//! - [`symbols`]: [`SymbolInfo`], a symbol with its calendar.
//! - [`arbitrage`]: [`ArbitrageRecord`], a stored arbitrage opportunity ([`ArbitrageStore`]).
//! - [`features`]: a run's bar features and their provenance ([`FeatureStore`]).
//! - [`paper`]: paper-trading sessions and their recorded inputs ([`PaperStore`]).
//! - [`quality`]: data-quality checks and findings, as stored.
//! - [`retain`]: what retention deletes and reports (series, spans, sizes, reclaimed bytes).
//! - [`keys`]: rows of the encrypted key tables (ciphertext only).
//! - [`stream`]: [`BarStream`] and [`QuoteBarStream`], keyset-paged reads in timestamp order, so a
//!   long replay never holds a whole series in memory.
//! - [`url`]: URL parsing and password redaction.

// The row helpers serve both backends; a build with one of them leaves some unused.
#![cfg_attr(not(all(feature = "sqlite", feature = "postgres")), allow(dead_code))]

mod actions_rows;
pub mod arbitrage;
pub mod collection;
mod collection_rows;
mod days;
mod decode;
pub mod error;
pub mod features;
mod journal_rows;
pub mod keys;
pub mod labels;
pub mod migrations;
pub mod paper;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod quality;
pub mod retain;
pub mod retry;
pub mod roles;
pub mod rollup;
mod rows;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod stream;
pub mod symbols;
pub mod types;
pub mod url;

pub use arbitrage::ArbitrageRecord;
pub use collection::*;
pub use error::StoreError;
pub use features::{FeatureInfo, FeatureProvenance, FeatureRow, NewFeatures, StoredFeatures};
pub use journal_rows::JournalSaved;
pub use keys::{ApiKeyRow, KeyAuditRow, VaultHeaderRow};
pub use labels::{LabelRow, LabelSet};
pub use paper::{InputSummary, NewSession, PaperBroker, RecordedBar, SessionRow, SessionStatus};
pub use quality::{
    FindingFilter, QualityCheck, QualitySummary, SeriesCheck, SeriesKey, SeriesKind, StoredFinding,
};
pub use retain::{RunPeriod, SeriesRef};
pub use retry::BusyRetry;
pub use roles::{
    ActionStore, AggregateStore, ArbitrageStore, BarStore, CollectionStore, FeatureStore,
    JournalStore, KeyStore, LabelStore, NewsStore, OptionStore, PaperStore, QualityStore,
    RetentionStore, RollupStore, RunAttachments, RunStore, SavedRun, SchemaStore, SentimentStore,
    Store, SymbolStore, TickFeed, TickStore,
};
pub use rollup::RollupCheckpoint;
pub use stream::{BarStream, QuoteBarStream};
pub use symbols::SymbolInfo;
pub use types::*;

use crate::url::StoreUrl;

/// Opens a store without migrating it, and refuses one written by a newer ztrade
/// (`StoreError::TooNew`). An older or empty database opens, for `db status` and `db migrate`.
/// A SQLite file is created if missing.
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    let store = connect(url)?;
    let status = store.schema_status()?;
    if status.current > status.latest {
        return Err(StoreError::TooNew {
            found: status.current,
            known: status.latest,
        });
    }
    Ok(store)
}

/// Opens a store that must be fully migrated (`StoreError::NotMigrated` tells the user to run
/// `ztrade db migrate`). For every command that reads or writes data. A missing SQLite file is
/// reported as not migrated rather than created.
pub fn open_ready(url: &str) -> Result<Box<dyn Store>, StoreError> {
    if let StoreUrl::Sqlite {
        target: url::SqliteTarget::File(path),
        ..
    } = StoreUrl::parse(url)?
        && cfg!(feature = "sqlite")
        && !path.exists()
    {
        return Err(StoreError::NotMigrated {
            found: 0,
            known: migrations::latest(migrations::SQLITE),
        });
    }
    let store = open(url)?;
    let status = store.schema_status()?;
    if status.current < status.latest {
        return Err(StoreError::NotMigrated {
            found: status.current,
            known: status.latest,
        });
    }
    Ok(store)
}

/// Opens a store and brings a fresh or older schema up to date (import, seed, backfill).
pub fn open_migrated(url: &str) -> Result<Box<dyn Store>, StoreError> {
    let mut store = open(url)?;
    store.migrate()?;
    Ok(store)
}

/// Connects to the backend `url` names, or says that this build left it out.
fn connect(url: &str) -> Result<Box<dyn Store>, StoreError> {
    match StoreUrl::parse(url)? {
        #[cfg(feature = "sqlite")]
        StoreUrl::Sqlite {
            target,
            busy_timeout,
        } => Ok(Box::new(sqlite::SqliteStore::open(
            &target,
            busy_timeout,
            &crate::url::redact(url),
        )?)),
        #[cfg(feature = "postgres")]
        StoreUrl::Postgres { conninfo, schema } => Ok(Box::new(postgres::PgStore::open(
            &conninfo,
            schema.as_deref(),
            &crate::url::redact(url),
        )?)),
        #[allow(unreachable_patterns)] // with every backend built in
        other => Err(StoreError::NotBuilt(other.backend())),
    }
}

/// The one SQL statement of [`OptionStore::chain_at`] on `backend` (parameters: underlying,
/// first live expiry as `YYYY-MM-DD`, lowest ts, `at`), for EXPLAIN in tests and benchmarks;
/// `None` for a backend this build leaves out.
pub fn chain_at_sql(backend: Backend) -> Option<String> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite => Some(sqlite::chain_at_sql()),
        #[cfg(feature = "postgres")]
        Backend::Postgres => Some(postgres::chain_at_sql()),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backend_left_out_names_the_feature_to_build_with() {
        assert_eq!(
            StoreError::NotBuilt(Backend::Postgres).to_string(),
            "this ztrade was built without PostgreSQL support; rebuild with --features postgres"
        );
        assert_eq!(
            StoreError::NotBuilt(Backend::Sqlite).to_string(),
            "this ztrade was built without SQLite support; rebuild with --features sqlite"
        );
    }
}
