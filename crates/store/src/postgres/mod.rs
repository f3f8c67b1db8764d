//! The production store: PostgreSQL through the synchronous `postgres` driver.
//!
//! - this file: connecting (with an optional `schema=` that becomes `search_path`) and
//!   [`SchemaStore`] (migrations, serialized across processes by an advisory lock); every other
//!   role in a file of its own, each impl delegating to that file's functions:
//! - [`bars`]: [`crate::BarStore`]: bar and quote-bar upserts by binary COPY (straight into the
//!   table when the range is new, through a staging table and `INSERT … ON CONFLICT` otherwise)
//!   and keyset pages;
//! - [`sentiment`]: [`crate::SentimentStore`]: sentiment upserts in one statement over arrays,
//!   and range reads;
//! - [`runs`]: [`crate::RunStore`]: backtest runs; trades and equity go in by text COPY;
//! - [`ticks`]: [`crate::TickStore`]: trades and quotes, one `unnest` statement per batch;
//! - [`options`]: [`crate::OptionStore`]: option contracts and their snapshots, the chain at a
//!   time (LATERAL);
//! - [`arbitrage`]: [`crate::ArbitrageStore`]: arbitrage opportunities, one `unnest` merge;
//! - [`news`]: [`crate::NewsStore`]: articles with their ticker index and derived sentiment;
//! - [`collect`]: [`crate::CollectionStore`]: backfill checkpoints, the job-run log, collection
//!   summaries;
//! - [`keys`]: [`crate::KeyStore`]: the encrypted key tables;
//! - [`actions`]: [`crate::ActionStore`]: splits and cash dividends;
//! - [`quality`]: [`crate::QualityStore`]: data-quality checks and findings;
//! - [`retain`]: [`crate::RetentionStore`]: range deletes in batches with the derived rows, and
//!   whole TimescaleDB chunks where the tables are hypertables;
//! - [`pages`]: keyset pages of bars and quote bars, on a client or in a transaction;
//! - [`days`]: the day index (`series_days`), rewritten with every bar batch;
//! - [`copy`]: the COPY encoders;
//! - [`symbols`]: [`crate::SymbolStore`]: symbols and their calendars;
//! - [`labels`]: [`crate::LabelStore`]: a run's triple-barrier labels (text COPY).
//! - [`features`]: [`crate::FeatureStore`]: a run's bar features by binary COPY.
//! - [`journal`]: [`crate::JournalStore`]: a run's journal, and a paper session's (text COPY);
//! - [`paper`]: [`crate::PaperStore`]: paper sessions, their recorded inputs and journals.
//!
//! Reads take `&self` and the driver needs `&mut Client`, so the client sits in a `RefCell`; no
//! borrow outlives one method call, so several streams can page through one store in turn.

mod actions;
mod arbitrage;
mod bars;
mod collect;
mod copy;
mod days;
mod features;
mod journal;
mod keys;
mod labels;
mod news;
mod options;
pub(crate) use options::chain_at_sql;
mod origins;
mod pages;
mod paper;
mod quality;
mod retain;
mod rollup;
mod runs;
mod sentiment;
mod symbols;
mod ticks;
pub mod tls;

use std::cell::RefCell;

use postgres::{Client, NoTls};

use crate::error::pg_message;
use crate::migrations::{self, POSTGRES};
use crate::{Backend, MigrationInfo, SchemaStatus, SchemaStore, StoreError};

/// `to_char` pattern giving the same RFC 3339 text as `rows::now_rfc3339`.
pub(crate) const RFC3339: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"#;

pub struct PgStore {
    client: RefCell<Client>,
    location: String,
    schema: Option<String>,
}

/// Why a connection failed, with how to fix the common case of a database not created yet.
fn connect_message(e: &postgres::Error) -> String {
    let message = pg_message(e);
    match e.code() {
        Some(&postgres::error::SqlState::INVALID_CATALOG_NAME) => format!(
            "{message}; create it first: `createdb NAME` or `psql -c 'CREATE DATABASE NAME'` \
             (ztrade then creates its tables)"
        ),
        _ => message,
    }
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
        let mut client = connected.map_err(|e| failed(connect_message(&e)))?;
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

impl SchemaStore for PgStore {
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
            if m.version == migrations::SERIES_DAYS {
                days::rebuild_all(&mut tx)?;
            }
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
}
