//! The store's traits, one per role, and [`Store`], their sum.
//!
//! A caller names the role it uses (`&dyn BarStore`, `&mut dyn RunStore`), or a small sum as a
//! bound (`&mut (impl BarStore + SentimentStore + ?Sized)`: a trait object holds one trait);
//! only opening, migrating and lending a whole connection need [`Store`]. A `&dyn Store`
//! coerces to any one role (trait upcasting), `dyn Store` meets any bound of roles, and each
//! role is small enough to fake in a test.
//!
//! The roles, their tables, and who uses them:
//! - [`SchemaStore`] (`schema_migrations`): [`crate::open`] and friends, `ztrade db`.
//! - [`BarStore`] (bars, quote bars): `app::data` (`status`, `export`, `import::store_rows`,
//!   `seed`), `app::run` (`backtest`, `Source`, `Preloaded::load`), `app::demo`,
//!   `collector::backfill::Batch::write`, the bar worker.
//! - [`SentimentStore`] (sentiment): `app::data::seed`, `app::run` (`Source`), `app::demo`.
//! - [`RunStore`] (backtest runs, their trades and equity): `app::run::save`,
//!   `app::run::backtest`, `app::sweep::sweep`, `app::demo`, `ztrade backtest list|show|compare`.
//! - [`TickStore`] (trades, quotes): `Batch::write` and the tick backfill, `app::data::ticks`
//!   (tick files in), `app::data::aggregate` (reads trades).
//! - [`AggregateStore`] (bars made from ticks, with `bar_origins`): `app::data::aggregate`.
//! - [`OptionStore`] (`option_contracts`, `option_quotes`): `Batch::write`, the options
//!   worker; `chain_at` and `option_snapshot_times` for replaying chains.
//! - [`ArbitrageStore`] (`arbitrage_opportunities`): the arbitrage finder's streaks.
//! - [`NewsStore`] (news, its tickers, derived sentiment): `Batch::write`, the news worker.
//! - [`CollectionStore`] (checkpoints, job runs): `collector::health::job_health`, the
//!   backfill's checkpoints, `collector::StoreRecorder`.
//! - [`KeyStore`] (key vault, api keys, key audit): `collector::secrets` (`StoreSecrets`,
//!   `provider_lookup`), `ztrade keys`.
//! - [`ActionStore`] (corporate actions: splits and cash dividends): `app::data::actions`
//!   (import), `app::data::export` and `app::run` (`Source`) for adjustment on read.
//! - [`QualityStore`] (`quality_checks`, `data_quality`): `upkeep::validate` writes,
//!   `app::data::status` and the dashboard's `/data` read.
//! - [`SymbolStore`] (symbols and their calendars): `app::symbols` (`ztrade symbols`),
//!   `app::data::import` (`--calendar`), `app::data::rollup`, `app::run` (the run's calendar),
//!   the collector's gap check and backfill.
//! - [`RollupStore`] (roll-up checkpoints, with the rolled bars): `upkeep::rollup`.
//! - [`RetentionStore`] (deleting old rows with what is derived from them): `upkeep::retain`.
//! - [`LabelStore`] (`ml_label_sets`, `ml_labels`: triple-barrier labels of a run's signals):
//!   `app::labels` (`ztrade ml labels` writes, `ztrade ml export` reads).
//! - [`FeatureStore`] (`feature_sets`, `features`): `app::run::save` writes a run's features,
//!   `app::features` (`ztrade backtest features`) and the dataset export read them.
//! - [`JournalStore`] (the journal tables under a run): `app::run::save` writes, the journal
//!   views read.
//! - [`PaperStore`] (`paper_sessions`, `paper_inputs`, the journal tables under a session):
//!   paper trading (issue 13) records a session's inputs and journal, resumes and replays it.
//!
//! [`Store`] itself: [`crate::open`] (what it returns), `collector::StoreHandle` (one connection
//! lent to every job of a process), `testkit::TestDb::with`, and the binary's one
//! `GlobalArgs::open`, which hands each command the roles it needs.
//!
//! Every write is one transaction: it lands whole or not at all. Reads take `&self`, so several
//! [`BarStream`]s can be open on one store at once.
//!
//! The backfill's upserts (`upsert_bars_with_checkpoint`, and the tick, option and news
//! upserts) take a [`Checkpoint`], written in the same transaction as the rows, so a backfill
//! killed at any moment resumes with no gap and no duplicate. A batch with no rows still writes
//! its checkpoint. On PostgreSQL a transaction with a checkpoint commits without waiting for its
//! WAL flush (`synchronous_commit off`): a server crash may lose the last few, rows and
//! checkpoint together, which the backfill then fetches again.
//!
//! To add a role: write its trait here, add it to [`Store`]'s bounds and to the blanket impl
//! below, and implement it for both backends (a file per role in `sqlite/` and `postgres/`).

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::days::DaySummary;
use domain::{
    Bar, CorporateAction, NewsArticle, OptionQuote, QuoteBar, QuoteTick, SentimentRecord, Symbol,
    Timeframe, TradeTick, UnixNanos,
};

use crate::SymbolInfo;
use crate::arbitrage::ArbitrageRecord;
use crate::journal_rows::JournalSaved;
use crate::retain::{ChunkDrop, Reclaimed, SeriesRef, TableSize, TickTable};
use crate::{
    ApiKeyRow, Backend, BarOrigin, BarQuery, BarStream, Checkpoint, CheckpointKey, CollectedSeries,
    CollectionRun, JobStatus, KeyAuditRow, MigrationInfo, NewRun, NewsCounts, QuoteBarStream,
    RunFilter, RunSummary, SchemaStatus, Seq, SeriesStatus, StoreError, StoredCollectionRun,
    StoredRun, UpsertCounts, VaultHeaderRow,
};
use crate::{Deleted, NewSweep, RollupCheckpoint, RunSelection, StoredSweep, SweepSummary};
use crate::{FindingFilter, QualitySummary, SeriesCheck, StoredFinding};
use crate::{InputSummary, NewSession, RecordedBar, SessionRow, SessionStatus};
use crate::{LabelRow, LabelSet, NewFeatures, RunPeriod, Span, StoredFeatures};
use domain::journal::{Journal, SignalRecord, SignalStatus};

/// Every role: what a backend implements and what [`crate::open`] returns. `Send`, so a store
/// can move to a worker thread.
pub trait Store:
    SchemaStore
    + BarStore
    + SentimentStore
    + RunStore
    + TickStore
    + AggregateStore
    + OptionStore
    + ArbitrageStore
    + NewsStore
    + CollectionStore
    + KeyStore
    + ActionStore
    + RollupStore
    + QualityStore
    + SymbolStore
    + RetentionStore
    + LabelStore
    + FeatureStore
    + JournalStore
    + PaperStore
    + Send
{
}

impl<T> Store for T where
    T: SchemaStore
        + BarStore
        + SentimentStore
        + RunStore
        + TickStore
        + AggregateStore
        + OptionStore
        + ArbitrageStore
        + NewsStore
        + CollectionStore
        + KeyStore
        + ActionStore
        + RollupStore
        + QualityStore
        + SymbolStore
        + RetentionStore
        + LabelStore
        + FeatureStore
        + JournalStore
        + PaperStore
        + Send
        + ?Sized
{
}

/// Which backend this is, where it lives, and its schema version.
pub trait SchemaStore {
    fn backend(&self) -> Backend;
    /// The URL it was opened with, password redacted.
    fn location(&self) -> String;
    /// Applies pending migrations, each in its own transaction, and records them in
    /// `schema_migrations`. Refuses a database newer than this binary. Returns the migrations
    /// applied by this call (empty when already up to date).
    fn migrate(&mut self) -> Result<Vec<MigrationInfo>, StoreError>;
    fn schema_status(&self) -> Result<SchemaStatus, StoreError>;
}

/// Bar and quote-bar series: upserts, keyset pages, and the streams over them.
pub trait BarStore {
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
    /// [`BarStore::upsert_bars`] and the backfill's checkpoint, in one transaction.
    fn upsert_bars_with_checkpoint(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        checkpoint: &Checkpoint,
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
    /// The day index of one bar series (`domain::grid::days`): a summary per date with
    /// `from ≤ date ≤ to`, ascending; kept by every write, so it costs no scan of the bars.
    fn bar_days(
        &self,
        symbol: &Symbol,
        tf: Timeframe,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DaySummary>, StoreError>;

    /// [`BarStore::upsert_bars`] for quote bars (bid/ask OHLC), e.g. LEAN quote files.
    fn upsert_quote_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[QuoteBar],
    ) -> Result<UpsertCounts, StoreError>;
    /// [`BarStore::bar_page`] for quote bars.
    fn quote_bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<QuoteBar>, StoreError>;
    /// [`BarStore::series`] for quote bars.
    fn quote_series(&self) -> Result<Vec<SeriesStatus>, StoreError>;
    /// [`BarStore::bar_days`] for quote bars (no OHLCV).
    fn quote_bar_days(
        &self,
        symbol: &Symbol,
        tf: Timeframe,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DaySummary>, StoreError>;

    /// Streams a series in timestamp order, one page in memory at a time.
    fn bars(&self, query: BarQuery) -> BarStream<'_> {
        BarStream::new(move |after, limit| self.bar_page(&query, after, limit))
    }
    /// Streams a quote-bar series in timestamp order.
    fn quote_bars(&self, query: BarQuery) -> QuoteBarStream<'_> {
        QuoteBarStream::new(move |after, limit| self.quote_bar_page(&query, after, limit))
    }
}

/// Sentiment scores per (symbol, timestamp, source).
pub trait SentimentStore {
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
}

/// Triple-barrier labels of a run's entry signals, keyed by (run, signal).
pub trait LabelStore {
    /// Replaces the labels of `run_id` with `labels` and their `params`, in one transaction,
    /// written in batches. `StoreError::NotFound` for an unknown run.
    fn save_labels(
        &mut self,
        run_id: i64,
        params: &serde_json::Value,
        labels: &[LabelRow],
    ) -> Result<(), StoreError>;
    /// The labels of `run_id` in (t0, signal id) order; `None` when it has not been labelled.
    fn labels(&self, run_id: i64) -> Result<Option<LabelSet>, StoreError>;
}

/// A run's bar features (`features: [..]` in its agent) with their provenance.
pub trait FeatureStore {
    /// Stores run `run_id`'s features, replacing any it had, in one transaction (binary COPY on
    /// PostgreSQL, multi-row inserts on SQLite); returns the rows written (one per bar and
    /// feature). `StoreError::NotFound` for an unknown run, `StoreError::Invalid` for columns
    /// that do not line up.
    fn save_features(&mut self, run_id: i64, features: &NewFeatures<'_>)
    -> Result<u64, StoreError>;
    /// Run `run_id`'s features, rows in (symbol, ts) order; `StoreError::NotFound` for a run
    /// that has none.
    fn run_features(&self, run_id: i64) -> Result<StoredFeatures, StoreError>;
    /// `symbol`'s features with `from ≤ ts < to` from the newest run whose agent configuration
    /// hashes to `config_hash`; `StoreError::NotFound` when no run has that hash.
    fn features_in(
        &self,
        symbol: &Symbol,
        from: UnixNanos,
        to: UnixNanos,
        config_hash: &str,
    ) -> Result<StoredFeatures, StoreError>;
}

/// What is computed with a run and stored with it, in the run's own transaction
/// ([`crate::RunStore::save_run_with`]): its features and its journal.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunAttachments<'a> {
    pub features: Option<&'a NewFeatures<'a>>,
    pub journal: Option<&'a Journal>,
}

/// What [`crate::RunStore::save_run_with`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedRun {
    pub id: i64,
    /// Feature values written.
    pub features: u64,
    pub journal: JournalSaved,
}

/// Stored backtest runs with their trades and equity curves.
pub trait RunStore {
    /// Stores a run with its trades and equity curve, in one transaction; returns its id.
    fn save_run(&mut self, run: &NewRun) -> Result<i64, StoreError>;
    /// Stores a run with its trades and equity curve and what was computed with it (its
    /// features, its journal), all in one transaction: none of them is ever stored without
    /// the others.
    fn save_run_with(
        &mut self,
        run: &NewRun,
        with: RunAttachments<'_>,
    ) -> Result<SavedRun, StoreError>;
    /// Newest first (by created_at, then id).
    fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError>;
    /// `StoreError::NotFound` for an unknown id.
    fn get_run(&self, id: i64) -> Result<StoredRun, StoreError>;
    /// Deletes a run with its trades and equity (cascade). `StoreError::NotFound` if unknown.
    fn delete_run(&mut self, id: i64) -> Result<(), StoreError>;
    /// Records a sweep before its runs are stored (each with [`NewRun::sweep_id`]); returns its id.
    fn create_sweep(&mut self, sweep: &NewSweep) -> Result<i64, StoreError>;
    /// Stores a sweep's report (its ranking, or a walk-forward's windows and stability).
    fn finish_sweep(&mut self, id: i64, report: &serde_json::Value) -> Result<(), StoreError>;
    /// Newest first, with how many runs each holds.
    fn list_sweeps(&self, limit: Option<u64>) -> Result<Vec<SweepSummary>, StoreError>;
    /// `StoreError::NotFound` for an unknown id.
    fn get_sweep(&self, id: i64) -> Result<StoredSweep, StoreError>;
    /// Deletes the selected runs (and a selected sweep), in one transaction: all or nothing.
    /// `StoreError::Invalid` for an empty selection; a run id that does not exist is
    /// `StoreError::NotFound` and nothing is deleted.
    fn delete_runs(&mut self, selection: &RunSelection) -> Result<Deleted, StoreError>;
}

/// The batches of one tick import, pulled one by one inside the store's transaction: `Ok(None)`
/// ends the import (and commits it), an error rolls it back.
pub type TickFeed<'a, T> = dyn FnMut() -> Result<Option<Vec<Seq<T>>>, StoreError> + 'a;

/// Trades and quotes, each with its [`Seq`] among the ticks sharing its timestamp.
pub trait TickStore {
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
    /// Upserts every batch `feed` yields (as [`TickStore::upsert_trades`] does one) in one
    /// transaction, so a file is stored whole or not at all: an error from `feed` (a bad row
    /// found later in the file: return [`StoreError::Stopped`]) or from a batch rolls back every
    /// batch before it. Each batch's (ts, seq) keys are its own: a key repeated in a later batch
    /// updates the earlier row.
    fn import_trades(
        &mut self,
        symbol: &Symbol,
        feed: &mut TickFeed<'_, TradeTick>,
    ) -> Result<UpsertCounts, StoreError>;
    /// [`TickStore::import_trades`] for quotes.
    fn import_quotes(
        &mut self,
        symbol: &Symbol,
        feed: &mut TickFeed<'_, QuoteTick>,
    ) -> Result<UpsertCounts, StoreError>;
    /// The first and last timestamp of `symbol`'s trades, if it has any.
    fn trade_span(&self, symbol: &Symbol) -> Result<Option<(UnixNanos, UnixNanos)>, StoreError>;
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
}

/// Option contracts (`option_contracts`) and their snapshots (`option_quotes`, keyed by
/// (contract, ts)).
pub trait OptionStore {
    /// Upserts option snapshots on (contract, ts), each with its contract: a new contract is
    /// inserted, a known one whose underlying, style or multiplier changed is updated. The
    /// counts are of snapshot rows. Two snapshots with one (OCC, ts) in a batch are refused, as
    /// are two different contracts with one OCC symbol (`StoreError::Invalid`).
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
    /// The chain of `underlying` at `at`: for each of its contracts expiring on or after `at`'s
    /// UTC date, its latest snapshot with `ts ≤ at` (and `ts ≥ at − max_age` when given, in
    /// nanoseconds); contracts with none are left out. Ordered by expiry, strike, right (call
    /// first), then OCC symbol. `StoreError::Invalid` for a negative `max_age`.
    fn chain_at(
        &self,
        underlying: &Symbol,
        at: UnixNanos,
        max_age: Option<i64>,
    ) -> Result<Vec<OptionQuote>, StoreError>;
    /// The distinct snapshot times of `underlying`'s contracts with `start ≤ ts < end`,
    /// ascending.
    fn option_snapshot_times(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<UnixNanos>, StoreError>;
}

/// Arbitrage opportunities found in option chains (`arbitrage_opportunities`), one row per
/// streak, keyed by (underlying, key, first_seen).
pub trait ArbitrageStore {
    /// Inserts new streaks and updates every other column of known ones, in one transaction;
    /// identical rows are counted as unchanged. Two rows with one key in a batch, a streak last
    /// seen before it was first seen, one of zero snapshots or a negative quantity are refused
    /// (`StoreError::Invalid`), and then nothing of the batch is written.
    fn upsert_opportunities(
        &mut self,
        rows: &[ArbitrageRecord],
    ) -> Result<UpsertCounts, StoreError>;
    /// `underlying`'s streaks overlapping [start, end): `last_seen ≥ start` and
    /// `first_seen < end`, ordered by (first_seen, kind, key).
    fn opportunities(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<ArbitrageRecord>, StoreError>;
    /// `underlying`'s streaks last seen in the snapshot at `last_seen` (the ones a finder may
    /// continue with the next snapshot), ordered by (first_seen, kind, key).
    fn open_opportunities(
        &self,
        underlying: &Symbol,
        last_seen: UnixNanos,
    ) -> Result<Vec<ArbitrageRecord>, StoreError>;
}

/// News articles, indexed by the symbols they mention.
pub trait NewsStore {
    /// Upserts articles on (provider, id) and `sentiment` (derived from them) on its own key,
    /// with the checkpoint, in one transaction. Two articles with one key are refused.
    fn upsert_news(
        &mut self,
        items: &[NewsArticle],
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
    ) -> Result<Vec<NewsArticle>, StoreError>;
}

/// The collector's bookkeeping: backfill checkpoints, the job-run log, and what it has stored.
pub trait CollectionStore {
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

    /// Rows and range of trades, quotes, options (per underlying) and news (per symbol).
    fn collected(&self) -> Result<Vec<CollectedSeries>, StoreError>;
}

/// The encrypted key tables (ciphertext only; sealing is the `vault` crate, and
/// `collector::secrets` adapts vault's `SecretStore` onto this role).
pub trait KeyStore {
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

/// Splits and cash dividends, one row per (symbol, ex-date, kind). Bars are never rewritten
/// with them; readers adjust on the way out (`domain::adjust`).
pub trait ActionStore {
    /// Inserts new actions and updates changed ones (a split's ratio, a dividend's amount), in
    /// one transaction; identical rows are counted as unchanged, so a re-import changes nothing.
    /// Two actions with one key in a batch are refused (`StoreError::Invalid`), and then nothing
    /// of the batch is written.
    fn upsert_actions(&mut self, actions: &[CorporateAction]) -> Result<UpsertCounts, StoreError>;
    /// The actions of `symbol`, ordered by ex-date, then kind (`cash_dividend` before `split`).
    fn actions(&self, symbol: &Symbol) -> Result<Vec<CorporateAction>, StoreError>;
}

/// Roll-ups (`upkeep::rollup`): the checkpoint per (symbol, source timeframe, target
/// timeframe), and the rolled bars written with it.
pub trait RollupStore {
    /// The checkpoint of `symbol` rolled from `from` up to `to`, if it was ever rolled.
    fn rollup_checkpoint(
        &self,
        symbol: &Symbol,
        from: Timeframe,
        to: Timeframe,
    ) -> Result<Option<RollupCheckpoint>, StoreError>;
    /// Upserts `bars` into the series (`checkpoint.symbol`, `checkpoint.to`) as
    /// [`BarStore::upsert_bars`] does, and writes `checkpoint`, in one transaction; with no bars
    /// the checkpoint alone.
    fn upsert_rolled_bars(
        &mut self,
        bars: &[Bar],
        checkpoint: &RollupCheckpoint,
    ) -> Result<UpsertCounts, StoreError>;
}

/// Data-quality checks (`upkeep::validate`): each checked series' latest check and its
/// findings.
pub trait QualityStore {
    /// Stores `checks` in one transaction: for each, replaces the series' findings that end at
    /// or after its `from` (all of them when `None`) with its own, and its check row. A killed
    /// writer leaves every series as it was.
    fn save_quality(&mut self, checks: &[SeriesCheck]) -> Result<(), StoreError>;
    /// Every checked series' latest check with its stored findings counted by severity, ordered
    /// by series kind, symbol and timeframe.
    fn quality_summaries(&self) -> Result<Vec<QualitySummary>, StoreError>;
    /// Stored findings, ordered by series kind, symbol, timeframe and first stamp.
    fn quality_findings(&self, filter: &FindingFilter) -> Result<Vec<StoredFinding>, StoreError>;
}

/// Bars made from stored ticks, written together with where they came from.
pub trait AggregateStore {
    /// [`BarStore::upsert_bars`] and a `bar_origins` row for them, in one transaction. The
    /// origin replaces the rows of the series that lie within `[origin.first, origin.last]`, so
    /// aggregating a range again leaves one row per batch.
    fn upsert_aggregated_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        origin: &BarOrigin,
    ) -> Result<UpsertCounts, StoreError>;
    /// The recorded origins of one series, in time order.
    fn bar_origins(&self, symbol: &Symbol, tf: Timeframe) -> Result<Vec<BarOrigin>, StoreError>;
}

/// Symbols and the calendar each is measured against (`symbols.calendar`, migration 0012): the
/// grid of its series, its roll-ups' trading days and its backtests' session close.
pub trait SymbolStore {
    /// Every stored symbol (a bar, tick, option or action put it there), ordered by symbol.
    fn symbols(&self) -> Result<Vec<SymbolInfo>, StoreError>;
    /// The calendar of `symbol`: [`Calendar::Nyse`], the column's default, for a symbol not
    /// stored yet (its first write stores it on that default).
    fn symbol_calendar(&self, symbol: &Symbol) -> Result<Calendar, StoreError>;
    /// Puts `symbol` on `calendar` (storing the symbol if new) and, in the same transaction,
    /// rebuilds the day index of its series on the new calendar and forgets its roll-up
    /// checkpoints, so that the next roll-up recomputes every bucket. Returns the calendar it
    /// was on; when that is `calendar`, nothing changes.
    fn set_symbol_calendar(
        &mut self,
        symbol: &Symbol,
        calendar: Calendar,
    ) -> Result<Calendar, StoreError>;
}

/// Retention (`upkeep::retain`): what it needs to decide what may go, and the deletes.
pub trait RetentionStore {
    /// Symbols with stored ticks in `table`, by name.
    fn tick_symbols(&self, table: TickTable) -> Result<Vec<Symbol>, StoreError>;
    /// The stamp of the first row of `series`, if it has any.
    fn first_stamp(&self, series: &SeriesRef) -> Result<Option<UnixNanos>, StoreError>;
    /// Every roll-up checkpoint that reads from `symbol`'s `from` bars, by target timeframe.
    fn rollups_from(
        &self,
        symbol: &Symbol,
        from: Timeframe,
    ) -> Result<Vec<RollupCheckpoint>, StoreError>;
    /// Every stored backtest run's period and config snapshot, by id.
    fn run_periods(&self) -> Result<Vec<RunPeriod>, StoreError>;
    /// Rows of `series` with a stamp in one of `spans` (ascending, disjoint).
    fn count_in(&self, series: &SeriesRef, spans: &[Span]) -> Result<u64, StoreError>;
    /// The size on disk of the table `series` lives in, with its indexes, and its rows.
    fn table_size(&self, series: &SeriesRef) -> Result<TableSize, StoreError>;
    /// Deletes up to `limit` rows of `series` in `spans` (ascending, disjoint), oldest first,
    /// in one transaction with what is derived from them (`series_stats`, the dates of
    /// `series_days` it touched, `bar_origins` rows whose bars are all gone).
    fn delete_spans(
        &mut self,
        series: &SeriesRef,
        spans: &[Span],
        limit: u64,
    ) -> Result<crate::retain::Removed, StoreError>;
    /// Where the table of `series` is a TimescaleDB hypertable: drops its whole chunks that end
    /// at or before `before` (which the caller has checked every series of the table may lose),
    /// in one transaction with the derived rows. `None` where the layout has no chunks.
    fn drop_chunks(
        &mut self,
        series: &SeriesRef,
        before: UnixNanos,
    ) -> Result<Option<ChunkDrop>, StoreError>;
    /// Gives the space of deleted rows back where the backend can: SQLite runs an incremental
    /// vacuum (converting, once, a store created before incremental vacuum with a VACUUM).
    fn reclaim(&mut self) -> Result<Reclaimed, StoreError>;
}

/// The engine's journal of a run (issue 12): signals, risk vetoes, orders and their events,
/// fills, the trade ledger, account snapshots and risk days, keyed by run and deleted with it.
pub trait JournalStore {
    /// Writes `journal` under run `run` in one transaction (multi-row INSERTs on SQLite, COPY
    /// on PostgreSQL). Once per run: a second call fails on the tables' unique keys.
    fn save_journal(&mut self, run: i64, journal: &Journal) -> Result<JournalSaved, StoreError>;

    /// Run `run`'s journal, each table in time order; empty tables when none was stored.
    fn journal(&self, run: i64) -> Result<Journal, StoreError>;

    /// Run `run`'s signals in time order whose status is one of `statuses` (all when empty):
    /// e.g. every promoted entry signal (symbol, time, side, id, reference price) for labels.
    fn signals(&self, run: i64, statuses: &[SignalStatus])
    -> Result<Vec<SignalRecord>, StoreError>;
}

/// Paper-trading sessions (issue 13): each session's agent and state, every bar its engine saw
/// (with when the loop received it) and its journal, kept under the session's name so a session
/// resumes after a crash and replays offline.
pub trait PaperStore {
    /// Creates session `new.name`, running, and returns it. When a session of that name exists
    /// with the same agent configuration it is returned unchanged (a resume); with another
    /// configuration the call is `StoreError::Invalid` naming the session.
    fn start_session(&mut self, new: &NewSession) -> Result<SessionRow, StoreError>;

    /// Session `name`, or `None`.
    fn session(&self, name: &str) -> Result<Option<SessionRow>, StoreError>;

    /// Every session, newest first (by created_at, then name).
    fn sessions(&self) -> Result<Vec<SessionRow>, StoreError>;

    /// Sets session `name`'s status and halt reason (`None` clears it), and its updated_at.
    /// `StoreError::NotFound` for an unknown session.
    fn set_session_status(
        &mut self,
        name: &str,
        status: SessionStatus,
        reason: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Records `bars` as inputs of session `name` in one transaction, all or nothing; returns
    /// the rows written. A seq already used or a (symbol, ts) already recorded for the session,
    /// in the store or twice in the batch, is `StoreError::Invalid` naming it, and nothing is
    /// written. `StoreError::NotFound` for an unknown session.
    fn record_inputs(&mut self, name: &str, bars: &[RecordedBar]) -> Result<u64, StoreError>;

    /// Session `name`'s inputs in seq order, exactly as recorded; empty for an unknown session.
    fn inputs(&self, name: &str) -> Result<Vec<RecordedBar>, StoreError>;

    /// How many inputs session `name` recorded, how many late, and the latest stamp, in one
    /// aggregate query; zeros for an unknown session.
    fn input_summary(&self, name: &str) -> Result<InputSummary, StoreError>;

    /// Replaces session `name`'s journal with `journal` in one transaction: its rows in the
    /// eight journal tables (session_id = name, run_id NULL) are deleted, then `journal` is
    /// written. `StoreError::NotFound` for an unknown session.
    fn save_session_journal(
        &mut self,
        name: &str,
        journal: &Journal,
    ) -> Result<JournalSaved, StoreError>;

    /// Session `name`'s journal, each table in time order; empty tables when none was saved.
    fn session_journal(&self, name: &str) -> Result<Journal, StoreError>;

    /// Deletes session `name` with its inputs and its journal rows, in one transaction.
    /// `StoreError::NotFound` for an unknown session.
    fn delete_session(&mut self, name: &str) -> Result<(), StoreError>;
}
