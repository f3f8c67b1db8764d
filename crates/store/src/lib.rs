//! Where market data and backtest runs live.
//!
//! - [`Store`]: the one trait every backend implements; the CLI, collector and demo only see it.
//! - [`open`], [`open_ready`], [`open_migrated`]: pick the backend from a URL (`sqlite://PATH`,
//!   `postgres://…`) and check the schema version on the way in.
//! - [`sqlite`]: the embedded default, one file in WAL mode.
//! - [`postgres`]: the production store; binary COPY ingest, TimescaleDB when installed.
//! - [`migrations`]: the embedded SQL per backend and how `schema_migrations` is read.
//! - [`types`]: rows that cross the trait: upsert counts, series status, stored runs.
//! - [`collection`]: rows of the collector's tables: sequenced ticks, news, backfill
//!   checkpoints, job runs.
//! - [`keys`]: rows of the encrypted key tables (ciphertext only).
//! - [`stream`]: [`BarStream`] and [`QuoteBarStream`], keyset-paged reads in timestamp order, so a
//!   long replay never holds a whole series in memory.
//! - [`url`]: URL parsing and password redaction.

pub mod collection;
mod collection_rows;
mod decode;
pub mod error;
pub mod keys;
pub mod migrations;
pub mod postgres;
pub mod retry;
mod rows;
pub mod sqlite;
pub mod stream;
pub mod types;
pub mod url;

pub use collection::*;
pub use error::StoreError;
pub use keys::{ApiKeyRow, KeyAuditRow, VaultHeaderRow};
pub use retry::BusyRetry;
pub use stream::{BarStream, QuoteBarStream};
pub use types::*;

use domain::{
    Bar, OptionQuote, QuoteBar, QuoteTick, SentimentRecord, Symbol, Timeframe, TradeTick, UnixNanos,
};

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

    // --- Collection: every upsert below takes an optional checkpoint, written in the same
    // transaction as the rows, so a backfill killed at any moment resumes with no gap and no
    // duplicate. A batch with no rows still writes its checkpoint. On PostgreSQL a transaction
    // with a checkpoint commits without waiting for its WAL flush (`synchronous_commit off`): a
    // server crash may lose the last few, rows and checkpoint together, which the backfill
    // then fetches again.

    /// [`Store::upsert_bars`] and the checkpoint, in one transaction.
    fn upsert_bars_with_checkpoint(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        checkpoint: &Checkpoint,
    ) -> Result<UpsertCounts, StoreError>;
    /// Upserts trades on (symbol, ts, seq). Two trades with one (ts, seq) in a batch are refused.
    fn upsert_trades(
        &mut self,
        symbol: &Symbol,
        trades: &[Seq<TradeTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError>;
    /// Upserts quotes on (symbol, ts, seq). Crossed quotes (ask below bid) are stored as sent.
    fn upsert_quotes(
        &mut self,
        symbol: &Symbol,
        quotes: &[Seq<QuoteTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError>;
    /// Trades of `symbol` with `start ≤ ts < end`, ordered by (ts, seq).
    fn trades(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<TradeTick>>, StoreError>;
    /// Quotes of `symbol` with `start ≤ ts < end`, ordered by (ts, seq).
    fn quotes(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<QuoteTick>>, StoreError>;
    /// Upserts option snapshots on (contract, ts). Two with one key in a batch are refused.
    fn upsert_options(
        &mut self,
        quotes: &[OptionQuote],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError>;
    /// Snapshots of `underlying`'s contracts with `start ≤ ts < end`, ordered by (ts, contract).
    fn options(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<OptionQuote>, StoreError>;
    /// Upserts articles on (provider, id) and `sentiment` (derived from them) on its own key,
    /// with the checkpoint, in one transaction. Two articles with one key are refused.
    fn upsert_news(
        &mut self,
        items: &[NewsRecord],
        sentiment: &[SentimentRecord],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<NewsCounts, StoreError>;
    /// Articles about any of `symbols` (all when empty) published `start ≤ created_at < end`,
    /// ordered by (created_at, provider, id), each once.
    fn news(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<NewsRecord>, StoreError>;
    /// Rows and range of trades, quotes, options (per underlying) and news (per symbol).
    fn collected(&self) -> Result<Vec<CollectedSeries>, StoreError>;

    fn checkpoint(&self, key: &CheckpointKey) -> Result<Option<Checkpoint>, StoreError>;
    /// Every checkpoint, ordered by provider, symbol, kind and timeframe.
    fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError>;
    /// Writes a checkpoint alone (a chunk that ended without rows, a finished range).
    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError>;

    /// Records a finished job run; returns its id.
    fn record_collection_run(&mut self, run: &CollectionRun) -> Result<i64, StoreError>;
    /// Runs of `job` (all jobs when `None`), newest first (by started_at, then id).
    fn collection_runs(
        &self,
        job: Option<&str>,
        limit: Option<u64>,
    ) -> Result<Vec<StoredCollectionRun>, StoreError>;
    /// One line per job that has run, ordered by job name.
    fn collection_status(&self) -> Result<Vec<JobStatus>, StoreError>;

    // --- Encrypted keys (ciphertext only; see `collector::secrets`).

    fn vault_header(&self) -> Result<Option<VaultHeaderRow>, StoreError>;
    /// Fails (`StoreError::Invalid`) if the vault already has a header.
    fn init_vault_header(&mut self, header: &VaultHeaderRow) -> Result<(), StoreError>;
    /// Replaces all key rows of `provider` with `rows`, and writes `audit`, in one transaction.
    fn put_api_keys(
        &mut self,
        provider: &str,
        rows: &[ApiKeyRow],
        audit: &KeyAuditRow,
    ) -> Result<(), StoreError>;
    /// Key rows of `provider` (every provider when `None`), ordered by provider and name.
    fn api_keys(&self, provider: Option<&str>) -> Result<Vec<ApiKeyRow>, StoreError>;
    /// Deletes the key rows of `provider` and writes `audit`, in one transaction; returns how
    /// many rows there were.
    fn delete_api_keys(&mut self, provider: &str, audit: &KeyAuditRow)
    -> Result<usize, StoreError>;
    fn add_key_audit(&mut self, audit: &KeyAuditRow) -> Result<(), StoreError>;
    /// The audit trail, oldest first.
    fn key_audit(&self) -> Result<Vec<KeyAuditRow>, StoreError>;
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
        StoreUrl::Sqlite {
            target,
            busy_timeout,
        } => Box::new(sqlite::SqliteStore::open(
            &target,
            busy_timeout,
            &redact(url),
        )?),
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
    if let StoreUrl::Sqlite {
        target: url::SqliteTarget::File(path),
        ..
    } = StoreUrl::parse(url)?
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
