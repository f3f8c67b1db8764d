//! The production store: PostgreSQL through the synchronous `postgres` driver.
//!
//! - this file: connecting (with an optional `schema=` that becomes `search_path`), migrations
//!   (serialized across processes by an advisory lock) and the [`Store`] impl, which delegates to
//! - [`bars`]: bar and quote-bar upserts by binary COPY (straight into the table when the range
//!   is new, through a staging table and `INSERT … ON CONFLICT` otherwise) and keyset pages;
//! - [`sentiment`]: sentiment upserts in one statement over arrays, and range reads;
//! - [`runs`]: backtest runs; trades and equity go in by text COPY;
//! - [`ticks`]: trades and quotes, one `unnest` statement per batch;
//! - [`options`]: option-chain snapshots;
//! - [`news`]: articles with their ticker index and derived sentiment;
//! - [`collect`]: backfill checkpoints, the job-run log, collection summaries;
//! - [`keys`]: the encrypted key tables;
//! - [`copy`]: the COPY encoders.
//!
//! Reads take `&self` and the driver needs `&mut Client`, so the client sits in a `RefCell`; no
//! borrow outlives one method call, so several streams can page through one store in turn.

mod bars;
mod collect;
mod copy;
mod keys;
mod news;
mod options;
mod runs;
mod sentiment;
mod ticks;
pub mod tls;

use std::cell::RefCell;

use domain::{
    Bar, OptionQuote, QuoteBar, QuoteTick, SentimentRecord, Symbol, Timeframe, TradeTick, UnixNanos,
};
use postgres::{Client, NoTls};

use crate::error::pg_message;
use crate::migrations::{self, POSTGRES};
use crate::{
    ApiKeyRow, Backend, BarQuery, Checkpoint, CheckpointKey, CollectedSeries, CollectionRun,
    JobStatus, KeyAuditRow, MigrationInfo, NewRun, NewsCounts, NewsRecord, RunFilter, RunSummary,
    SchemaStatus, Seq, SeriesStatus, Store, StoreError, StoredCollectionRun, StoredRun,
    UpsertCounts, VaultHeaderRow,
};

/// `to_char` pattern giving the same RFC 3339 text as `rows::now_rfc3339`.
pub(crate) const RFC3339: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"#;

pub struct PgStore {
    client: RefCell<Client>,
    location: String,
    schema: Option<String>,
}

impl PgStore {
    /// Connects; `schema` (already checked to be a plain identifier) goes first on `search_path`.
    /// TLS follows the URL's `sslmode` as libpq reads it ([`tls`]).
    pub fn open(conninfo: &str, schema: Option<&str>, location: &str) -> Result<Self, StoreError> {
        let failed = |reason: String| StoreError::Connect {
            url: location.to_string(),
            reason,
        };
        let (settings, conninfo) = tls::TlsSettings::split(conninfo).map_err(failed)?;
        let connected = match settings.connector().map_err(failed)? {
            Some(tls) => Client::connect(&conninfo, tls),
            None => Client::connect(&conninfo, NoTls),
        };
        let mut client = connected.map_err(|e| failed(pg_message(&e)))?;
        if let Some(s) = schema {
            client.batch_execute(&format!("SET search_path TO \"{s}\""))?;
        }
        Ok(Self {
            client: RefCell::new(client),
            location: location.to_string(),
            schema: schema.map(str::to_string),
        })
    }

    /// The client, for tools and tests that need raw SQL.
    pub fn client(&self) -> std::cell::RefMut<'_, Client> {
        self.client.borrow_mut()
    }

    /// Key for advisory locks, scoped to this store's schema so parallel test schemas do not
    /// wait on each other.
    fn lock_key(&self, what: &str) -> String {
        format!("ztrade:{}:{what}", self.schema.as_deref().unwrap_or("-"))
    }

    fn applied(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let mut c = self.client.borrow_mut();
        let exists: bool = c
            .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?
            .get(0);
        if !exists {
            return Ok(Vec::new());
        }
        let rows = c.query(
            &format!(
                "SELECT version, name, to_char(applied_at AT TIME ZONE 'UTC', {RFC3339})
                 FROM schema_migrations ORDER BY version"
            ),
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}

impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn migrate(&mut self) -> Result<Vec<MigrationInfo>, StoreError> {
        let key = self.lock_key("migrate");
        let latest = migrations::latest(POSTGRES);
        let mut c = self.client.borrow_mut();
        {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&key])?;
            if let Some(s) = &self.schema {
                tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{s}\""))?;
            }
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    BIGINT PRIMARY KEY,
                     name       TEXT NOT NULL,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                 )",
            )?;
            tx.commit()?;
        }
        let mut done = Vec::new();
        for m in POSTGRES {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&key])?;
            let current: i64 = tx
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM schema_migrations",
                    &[],
                )?
                .get(0);
            if current > latest {
                return Err(StoreError::TooNew {
                    found: current,
                    known: latest,
                });
            }
            if current >= m.version {
                continue;
            }
            tx.batch_execute(m.sql)?;
            let at: String = tx
                .query_one(
                    &format!(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())
                         RETURNING to_char(applied_at AT TIME ZONE 'UTC', {RFC3339})"
                    ),
                    &[&m.version, &m.name],
                )?
                .get(0);
            tx.commit()?;
            tracing::info!(version = m.version, name = m.name, "applied migration");
            done.push(MigrationInfo {
                version: m.version,
                name: m.name.to_string(),
                applied_at: Some(at),
            });
        }
        Ok(done)
    }

    fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        Ok(migrations::status("postgres", POSTGRES, &self.applied()?))
    }

    fn upsert_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
    ) -> Result<UpsertCounts, StoreError> {
        let key = self.lock_key("series");
        bars::upsert::<Bar>(self.client.get_mut(), &key, symbol, tf, bars, None)
    }

    fn bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Bar>, StoreError> {
        bars::page::<Bar>(&mut self.client.borrow_mut(), q, after, limit)
    }

    fn series(&self) -> Result<Vec<SeriesStatus>, StoreError> {
        bars::series(&mut self.client.borrow_mut(), "bars")
    }

    fn upsert_quote_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[QuoteBar],
    ) -> Result<UpsertCounts, StoreError> {
        let key = self.lock_key("series");
        bars::upsert::<QuoteBar>(self.client.get_mut(), &key, symbol, tf, bars, None)
    }

    fn quote_bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<QuoteBar>, StoreError> {
        bars::page::<QuoteBar>(&mut self.client.borrow_mut(), q, after, limit)
    }

    fn quote_series(&self) -> Result<Vec<SeriesStatus>, StoreError> {
        bars::series(&mut self.client.borrow_mut(), "quote_bars")
    }

    fn upsert_sentiment(
        &mut self,
        records: &[SentimentRecord],
    ) -> Result<UpsertCounts, StoreError> {
        sentiment::upsert(self.client.get_mut(), records)
    }

    fn sentiment(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<SentimentRecord>, StoreError> {
        sentiment::range(&mut self.client.borrow_mut(), symbols, start, end)
    }

    fn save_run(&mut self, run: &NewRun) -> Result<i64, StoreError> {
        runs::save(self.client.get_mut(), run)
    }

    fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        runs::list(&mut self.client.borrow_mut(), filter)
    }

    fn get_run(&self, id: i64) -> Result<StoredRun, StoreError> {
        runs::get(&mut self.client.borrow_mut(), id)
    }

    fn delete_run(&mut self, id: i64) -> Result<(), StoreError> {
        runs::delete(self.client.get_mut(), id)
    }

    fn upsert_bars_with_checkpoint(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        checkpoint: &Checkpoint,
    ) -> Result<UpsertCounts, StoreError> {
        let key = self.lock_key("series");
        bars::upsert::<Bar>(
            self.client.get_mut(),
            &key,
            symbol,
            tf,
            bars,
            Some(checkpoint),
        )
    }

    fn upsert_trades(
        &mut self,
        symbol: &Symbol,
        trades: &[Seq<TradeTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        ticks::upsert_trades(self.client.get_mut(), symbol, trades, checkpoint)
    }

    fn upsert_quotes(
        &mut self,
        symbol: &Symbol,
        quotes: &[Seq<QuoteTick>],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        ticks::upsert_quotes(self.client.get_mut(), symbol, quotes, checkpoint)
    }

    fn trades(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<TradeTick>>, StoreError> {
        ticks::trades(&mut self.client.borrow_mut(), symbol, start, end)
    }

    fn quotes(
        &self,
        symbol: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<Seq<QuoteTick>>, StoreError> {
        ticks::quotes(&mut self.client.borrow_mut(), symbol, start, end)
    }

    fn upsert_options(
        &mut self,
        quotes: &[OptionQuote],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<UpsertCounts, StoreError> {
        options::upsert(self.client.get_mut(), quotes, checkpoint)
    }

    fn options(
        &self,
        underlying: &Symbol,
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<OptionQuote>, StoreError> {
        options::range(&mut self.client.borrow_mut(), underlying, start, end)
    }

    fn upsert_news(
        &mut self,
        items: &[NewsRecord],
        sentiment: &[SentimentRecord],
        checkpoint: Option<&Checkpoint>,
    ) -> Result<NewsCounts, StoreError> {
        news::upsert(self.client.get_mut(), items, sentiment, checkpoint)
    }

    fn news(
        &self,
        symbols: &[Symbol],
        start: Option<UnixNanos>,
        end: Option<UnixNanos>,
    ) -> Result<Vec<NewsRecord>, StoreError> {
        news::range(&mut self.client.borrow_mut(), symbols, start, end)
    }

    fn collected(&self) -> Result<Vec<CollectedSeries>, StoreError> {
        collect::collected(&mut *self.client.borrow_mut())
    }

    fn checkpoint(&self, key: &CheckpointKey) -> Result<Option<Checkpoint>, StoreError> {
        collect::checkpoint(&mut self.client.borrow_mut(), key)
    }

    fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        collect::checkpoints(&mut self.client.borrow_mut())
    }

    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        collect::save_checkpoint(self.client.get_mut(), checkpoint)
    }

    fn record_collection_run(&mut self, run: &CollectionRun) -> Result<i64, StoreError> {
        collect::record_run(self.client.get_mut(), run)
    }

    fn collection_runs(
        &self,
        job: Option<&str>,
        limit: Option<u64>,
    ) -> Result<Vec<StoredCollectionRun>, StoreError> {
        collect::runs(&mut self.client.borrow_mut(), job, limit)
    }

    fn collection_status(&self) -> Result<Vec<JobStatus>, StoreError> {
        collect::status(&mut self.client.borrow_mut())
    }

    fn vault_header(&self) -> Result<Option<VaultHeaderRow>, StoreError> {
        keys::header(&mut self.client.borrow_mut())
    }

    fn init_vault_header(&mut self, header: &VaultHeaderRow) -> Result<(), StoreError> {
        keys::init_header(self.client.get_mut(), header)
    }

    fn put_api_keys(
        &mut self,
        provider: &str,
        rows: &[ApiKeyRow],
        audit: &KeyAuditRow,
    ) -> Result<(), StoreError> {
        keys::put(self.client.get_mut(), provider, rows, audit)
    }

    fn api_keys(&self, provider: Option<&str>) -> Result<Vec<ApiKeyRow>, StoreError> {
        keys::keys(&mut self.client.borrow_mut(), provider)
    }

    fn delete_api_keys(
        &mut self,
        provider: &str,
        audit: &KeyAuditRow,
    ) -> Result<usize, StoreError> {
        keys::delete(self.client.get_mut(), provider, audit)
    }

    fn add_key_audit(&mut self, audit: &KeyAuditRow) -> Result<(), StoreError> {
        keys::add_audit(self.client.get_mut(), audit)
    }

    fn key_audit(&self) -> Result<Vec<KeyAuditRow>, StoreError> {
        keys::audit_log(&mut self.client.borrow_mut())
    }
}
