//! The embedded store: one SQLite file in WAL mode.
//!
//! - this file: opening (pragmas) and [`SchemaStore`] (migrations); every other role in a file
//!   of its own, each impl delegating to that file's functions:
//! - [`bars`]: [`crate::BarStore`]: bar and quote-bar upserts (one transaction, prepared
//!   multi-row inserts, a plain INSERT fast path for new ranges);
//! - [`sentiment`]: [`crate::SentimentStore`]: sentiment upserts and range reads;
//! - [`runs`]: [`crate::RunStore`]: backtest runs with their trades and equity curves;
//! - [`ticks`]: [`crate::TickStore`]: trades and quotes;
//! - [`options`]: [`crate::OptionStore`]: option contracts and their snapshots, the chain at a
//!   time;
//! - [`arbitrage`]: [`crate::ArbitrageStore`]: arbitrage opportunities found in the chains;
//! - [`news`]: [`crate::NewsStore`]: articles with their ticker index and derived sentiment;
//! - [`collect`]: [`crate::CollectionStore`]: backfill checkpoints, the job-run log, collection
//!   summaries;
//! - [`keys`]: [`crate::KeyStore`]: the encrypted key tables;
//! - [`actions`]: [`crate::ActionStore`]: splits and cash dividends;
//! - [`quality`]: [`crate::QualityStore`]: data-quality checks and findings;
//! - [`retain`]: [`crate::RetentionStore`]: range deletes in batches with the derived rows,
//!   incremental vacuum;
//! - [`pages`]: keyset pages of bars and quote bars (on [`raw`]);
//! - [`days`]: the day index (`series_days`), rewritten with every bar batch;
//! - [`raw`]: the hot page-read loop on SQLite's C API;
//! - [`symbols`]: [`crate::SymbolStore`]: symbols and their calendars;
//! - [`labels`]: [`crate::LabelStore`]: a run's triple-barrier labels.
//! - [`features`]: [`crate::FeatureStore`]: a run's bar features and their provenance.
//! - [`journal`]: [`crate::JournalStore`]: a run's journal, and a paper session's;
//! - [`paper`]: [`crate::PaperStore`]: paper sessions, their recorded inputs and journals.

mod actions;
mod arbitrage;
mod bars;
mod collect;
mod days;
mod features;
mod insert;
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
mod raw;
mod retain;
mod rollup;
mod runs;
mod sentiment;
mod symbols;
mod ticks;

use std::time::{Duration, Instant};

use domain::Symbol;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::migrations::{self, SQLITE};
use crate::url::SqliteTarget;
use crate::{Backend, MigrationInfo, SchemaStatus, SchemaStore, StoreError};

pub struct SqliteStore {
    conn: Connection,
    location: String,
}

impl SqliteStore {
    /// Opens (creating if missing) and sets the connection up. Does not migrate.
    ///
    /// `busy_timeout` applies from the first statement: every lock wait, including the switch
    /// to WAL on a file another process is creating at the same moment, waits up to it.
    pub fn open(
        target: &SqliteTarget,
        busy_timeout: Duration,
        location: &str,
    ) -> Result<Self, StoreError> {
        let connect = |e: rusqlite::Error| StoreError::Connect {
            url: location.to_string(),
            reason: e.to_string(),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = match target {
            SqliteTarget::File(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    return Err(StoreError::Connect {
                        url: location.to_string(),
                        reason: format!("directory {} does not exist", dir.display()),
                    });
                }
                Connection::open_with_flags(path, flags).map_err(connect)?
            }
            SqliteTarget::Memory => Connection::open_in_memory().map_err(connect)?,
        };
        conn.busy_timeout(busy_timeout).map_err(connect)?;
        setup(&conn, busy_timeout).map_err(|e| match e {
            e if crate::error::sqlite_busy(&e) => StoreError::Busy(format!(
                "{location}: waited {:.1} s to open it",
                busy_timeout.as_secs_f64()
            )),
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::Connect {
                    url: location.to_string(),
                    reason: format!("{e} (is it a SQLite database?)"),
                }
            }
            e => connect(e),
        })?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Self {
            conn,
            location: location.to_string(),
        })
    }

    /// The connection, for tools and tests that need raw SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn applied(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let exists: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The connection's pragmas. Switching a new file to WAL needs an exclusive lock, and SQLite
/// answers busy at once (without the busy handler) while another connection is creating the
/// same file, so this step retries with backoff until `patience` is spent.
fn setup(conn: &Connection, patience: Duration) -> Result<(), rusqlite::Error> {
    // WAL: readers never block the writer. synchronous=NORMAL is durable across application
    // crashes and loses at most the last commits on power loss, the usual WAL trade-off.
    // A 64 MiB page cache keeps a large ingest's B-tree interior pages in memory, and
    // memory-mapped reads skip a copy per page on replays.
    const PRAGMAS: &str = "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;
         PRAGMA mmap_size = 1073741824;";
    let deadline = Instant::now() + patience;
    let mut pause = Duration::from_millis(2);
    // auto_vacuum takes effect only on a file with no page yet, so it goes before WAL (which
    // writes the first page), and only then (on an older store it would wait for the write
    // lock, to change nothing): a new store frees deleted pages back to the file system with
    // `PRAGMA incremental_vacuum` (retention, `retain::reclaim`).
    let set_up = || {
        if conn.query_row("PRAGMA page_count", [], |r| r.get::<_, i64>(0))? == 0 {
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL")?;
        }
        conn.execute_batch(PRAGMAS)
    };
    loop {
        match set_up() {
            Err(e) if crate::error::sqlite_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// SQLite's advice for connections that are about to close: refresh planner statistics where
/// tables grew a lot (bounded by an automatic analysis limit, so it takes milliseconds). With
/// them the planner answers "every 1m bar in this time range" by skip-scanning the primary key.
impl Drop for SqliteStore {
    fn drop(&mut self) {
        if let Err(e) = self
            .conn
            .execute_batch("PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002")
        {
            tracing::debug!(error = %e, "PRAGMA optimize failed");
        }
    }
}

/// A symbol filter as one JSON array parameter (read with `json_each`), so the statement stays
/// cacheable; `None` (no filter) for an empty list.
fn symbol_list(symbols: &[Symbol]) -> Option<String> {
    (!symbols.is_empty()).then(|| {
        serde_json::Value::from(symbols.iter().map(|s| s.as_str()).collect::<Vec<_>>()).to_string()
    })
}

fn current_version(tx: &Connection) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

impl SchemaStore for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn migrate(&mut self) -> Result<Vec<MigrationInfo>, StoreError> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TEXT NOT NULL
             )",
        )?;
        let latest = migrations::latest(SQLITE);
        let mut done = Vec::new();
        for m in SQLITE {
            // IMMEDIATE takes the write lock first, so two processes migrating at once
            // serialize here and the second sees the first one's rows.
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current = current_version(&tx)?;
            if current > latest {
                return Err(StoreError::TooNew {
                    found: current,
                    known: latest,
                });
            }
            if current >= m.version {
                continue;
            }
            tx.execute_batch(m.sql)?;
            if m.version == migrations::SERIES_DAYS {
                days::rebuild_all(&tx)?;
            }
            let at = crate::rows::now_rfc3339();
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![m.version, m.name, at],
            )?;
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
        Ok(migrations::status("sqlite", SQLITE, &self.applied()?))
    }
}
