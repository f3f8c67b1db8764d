//! The production store: PostgreSQL through the synchronous `postgres` driver.
//!
//! - this file: connecting (with an optional `schema=` that becomes `search_path`), migrations
//!   (serialized across processes by an advisory lock) and the [`Store`] impl, which delegates to
//! - [`bars`]: bar and quote-bar upserts by binary COPY (straight into the table when the range
//!   is new, through a staging table and `INSERT … ON CONFLICT` otherwise) and keyset pages;
//! - [`sentiment`]: sentiment upserts in one statement over arrays, and range reads;
//! - [`runs`]: backtest runs; trades and equity go in by text COPY;
//! - [`copy`]: the COPY encoders.
//!
//! Reads take `&self` and the driver needs `&mut Client`, so the client sits in a `RefCell`; no
//! borrow outlives one method call, so several streams can page through one store in turn.

mod bars;
mod copy;
mod runs;
mod sentiment;

use std::cell::RefCell;

use domain::{Bar, QuoteBar, SentimentRecord, Symbol, Timeframe, UnixNanos};
use postgres::{Client, NoTls};

use crate::error::pg_message;
use crate::migrations::{self, POSTGRES};
use crate::{
    Backend, BarQuery, MigrationInfo, NewRun, RunFilter, RunSummary, SchemaStatus, SeriesStatus,
    Store, StoreError, StoredRun, UpsertCounts,
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
    pub fn open(conninfo: &str, schema: Option<&str>, location: &str) -> Result<Self, StoreError> {
        let mut client = Client::connect(conninfo, NoTls).map_err(|e| StoreError::Connect {
            url: location.to_string(),
            reason: pg_message(&e),
        })?;
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
        bars::upsert::<Bar>(self.client.get_mut(), &key, symbol, tf, bars)
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
        bars::upsert::<QuoteBar>(self.client.get_mut(), &key, symbol, tf, bars)
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
}
