//! Where market data and backtest runs live.
//!
//! - [`Store`]: the one trait every backend implements; the CLI, collector and demo only see it.
//! - [`open`], [`open_ready`], [`open_migrated`]: pick the backend from a URL (`sqlite://PATH`,
//!   `postgres://…`) and check the schema version on the way in.
//! - [`sqlite`]: the embedded default, one file in WAL mode.
//! - [`postgres`]: the production store; binary COPY ingest, TimescaleDB when installed.
//! - [`migrations`]: the embedded SQL per backend and how `schema_migrations` is read.
//! - [`types`]: rows that cross the trait: upsert counts, series status, stored runs.
//! - [`stream`]: [`BarStream`] and [`QuoteBarStream`], keyset-paged reads in timestamp order, so a
//!   long replay never holds a whole series in memory.
//! - [`url`]: URL parsing and password redaction.

pub mod error;
pub mod migrations;
pub mod postgres;
mod rows;
pub mod sqlite;
pub mod stream;
pub mod types;
pub mod url;

pub use error::StoreError;
pub use stream::{BarStream, QuoteBarStream};
pub use types::*;

use domain::{Bar, QuoteBar, SentimentRecord, Symbol, Timeframe, UnixNanos};

use crate::url::{StoreUrl, redact};

/// Which backend a store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One schema, two backends. Reads take `&self` so several [`BarStream`]s can be open at once;
/// every write is one transaction: it lands whole or not at all. `Send`, so a store can move to a
/// worker thread.
pub trait Store: Send {
    fn backend(&self) -> Backend;
    /// The URL it was opened with, password redacted.
    fn location(&self) -> String;

    /// Applies pending migrations, each in its own transaction, and records them in
    /// `schema_migrations`. Refuses a database newer than this binary. Returns the migrations
    /// applied by this call (empty when already up to date).
    fn migrate(&mut self) -> Result<Vec<MigrationInfo>, StoreError>;
    fn schema_status(&self) -> Result<SchemaStatus, StoreError>;

    /// Inserts new bars and updates changed ones of one series, in one transaction.
    /// Identical rows are left alone and counted as unchanged. Bars may come in any order; two
    /// bars with the same timestamp in one batch are refused (`StoreError::Invalid`), as is a bar
    /// the schema's checks reject (e.g. high below low), and then nothing of the batch is written.
    fn upsert_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
    ) -> Result<UpsertCounts, StoreError>;
    /// Up to `limit` bars of the query with `ts > after`, in timestamp order.
    fn bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Bar>, StoreError>;
    /// Every stored bar series with its row count and time range, ordered by symbol and timeframe.
    fn series(&self) -> Result<Vec<SeriesStatus>, StoreError>;

    /// [`Store::upsert_bars`] for quote bars (bid/ask OHLC), e.g. LEAN quote files.
    fn upsert_quote_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[QuoteBar],
    ) -> Result<UpsertCounts, StoreError>;
    /// [`Store::bar_page`] for quote bars.
    fn quote_bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<QuoteBar>, StoreError>;
    /// [`Store::series`] for quote bars.
    fn quote_series(&self) -> Result<Vec<SeriesStatus>, StoreError>;

    /// Upserts on (symbol, timestamp, source). Two records with the same key in one batch are
    /// refused (`StoreError::Invalid`).
    fn upsert_sentiment(&mut self, records: &[SentimentRecord])
    -> Result<UpsertCounts, StoreError>;
    /// Records of `symbols` (every symbol when empty) with `start ≤ ts < end`, ordered by
    /// (ts, symbol, source).
    fn sentiment(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<SentimentRecord>, StoreError>;

    /// Stores a run with its trades and equity curve, in one transaction; returns its id.
    fn save_run(&mut self, run: &NewRun) -> Result<i64, StoreError>;
    /// Newest first (by created_at, then id).
    fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError>;
    /// `StoreError::NotFound` for an unknown id.
    fn get_run(&self, id: i64) -> Result<StoredRun, StoreError>;
    /// Deletes a run with its trades and equity (cascade). `StoreError::NotFound` if unknown.
    fn delete_run(&mut self, id: i64) -> Result<(), StoreError>;
}

impl dyn Store + '_ {
    /// Streams a series in timestamp order.
    pub fn bars(&self, query: BarQuery) -> BarStream<'_> {
        BarStream::new(self, query)
    }

    /// Streams a quote-bar series in timestamp order.
    pub fn quote_bars(&self, query: BarQuery) -> QuoteBarStream<'_> {
        QuoteBarStream::new(self, query)
    }
}

/// Opens a store without migrating it, and refuses one written by a newer ztrade
/// (`StoreError::TooNew`). An older or empty database opens, for `db status` and `db migrate`.
/// A SQLite file is created if missing.
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    let store: Box<dyn Store> = match StoreUrl::parse(url)? {
        StoreUrl::Sqlite(target) => Box::new(sqlite::SqliteStore::open(&target, &redact(url))?),
        StoreUrl::Postgres { conninfo, schema } => Box::new(postgres::PgStore::open(
            &conninfo,
            schema.as_deref(),
            &redact(url),
        )?),
    };
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
    if let StoreUrl::Sqlite(url::SqliteTarget::File(path)) = StoreUrl::parse(url)?
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
