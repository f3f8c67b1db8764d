//! Where market data and backtest runs live.
//!
//! - [`Store`]: the one trait every backend implements; the CLI, collector and demo only see it.
//! - [`open`]: picks the backend from a URL (`sqlite://PATH`, `postgres://…`).
//! - `sqlite/`: the embedded default, one file in WAL mode.
//! - `postgres/`: the production store; binary COPY ingest, TimescaleDB when installed.
//! - [`types`]: rows that cross the trait: upsert counts, series status, stored runs.
//! - [`stream`]: [`BarStream`], keyset-paged reads in timestamp order, so a long replay never
//!   holds a whole series in memory.

pub mod error;
pub mod stream;
pub mod types;

pub use error::StoreError;
pub use stream::BarStream;
pub use types::*;

use domain::{Bar, SentimentRecord, Symbol, Timeframe, UnixNanos};

/// Which backend a store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One schema, two backends. Reads take `&self` so several [`BarStream`]s can be open at once;
/// every write is one transaction: it lands whole or not at all.
pub trait Store {
    fn backend(&self) -> Backend;

    /// Applies pending migrations, each in its own transaction, and records them in
    /// `schema_migrations`. Refuses a database newer than this binary.
    fn migrate(&mut self) -> Result<Vec<MigrationInfo>, StoreError>;
    fn schema_status(&self) -> Result<SchemaStatus, StoreError>;

    /// Inserts new bars and updates changed ones of one series, in one transaction.
    /// Identical rows are left alone and counted as unchanged.
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
    /// Every stored series with its row count and time range, ordered by symbol and timeframe.
    fn series(&self) -> Result<Vec<SeriesStatus>, StoreError>;

    /// Upserts on (symbol, timestamp, source).
    fn upsert_sentiment(&mut self, records: &[SentimentRecord])
    -> Result<UpsertCounts, StoreError>;
    /// Records of `symbols` with `start ≤ ts < end`, ordered by (ts, symbol, source).
    fn sentiment(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<SentimentRecord>, StoreError>;

    /// Stores a run with its trades and equity curve; returns its id.
    fn save_run(&mut self, run: &NewRun) -> Result<i64, StoreError>;
    fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError>;
    /// `StoreError::NotFound` for an unknown id.
    fn get_run(&self, id: i64) -> Result<StoredRun, StoreError>;
}

impl dyn Store + '_ {
    /// Streams a series in timestamp order.
    pub fn bars(&self, query: BarQuery) -> BarStream<'_> {
        BarStream::new(self, query)
    }
}
