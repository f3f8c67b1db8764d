//! Backfill checkpoints, the job-run log and collection summaries in SQLite.
//! [`write_checkpoint`] runs inside the caller's transaction, so data and checkpoint commit
//! together.

use domain::UnixNanos;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::collection_rows::{covered_json, tf_column};
use crate::decode::{self, RUN_COLUMNS};
use crate::rollup::{RollupCheckpoint, hours_column};
use crate::rows::{count_to_i64, tf_key};
use crate::{
    Checkpoint, CheckpointKey, CollectedSeries, CollectionRun, CollectionStore, JobStatus,
    StoreError, StoredCollectionRun,
};

use super::SqliteStore;

pub(super) fn write_checkpoint(tx: &Connection, cp: &Checkpoint) -> Result<(), StoreError> {
    let k = &cp.key;
    let c = cp.chunk.as_ref();
    tx.prepare_cached(
        "INSERT INTO collection_checkpoints (provider, symbol, kind, timeframe, covered,
             chunk_start, chunk_end, cursor, tick_ts, tick_seq, rows, pages, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (provider, symbol, kind, timeframe) DO UPDATE SET
             covered = excluded.covered, chunk_start = excluded.chunk_start,
             chunk_end = excluded.chunk_end, cursor = excluded.cursor,
             tick_ts = excluded.tick_ts, tick_seq = excluded.tick_seq, rows = excluded.rows,
             pages = excluded.pages, updated_at = excluded.updated_at",
    )?
    .execute(params![
        k.provider,
        k.symbol.as_str(),
        k.kind.as_str(),
        tf_column(k.timeframe),
        covered_json(&cp.covered),
        c.map(|c| c.start.as_i64()),
        c.map(|c| c.end.as_i64()),
        c.and_then(|c| c.cursor.clone()),
        c.and_then(|c| c.tick_ts).map(UnixNanos::as_i64),
        c.map_or(0, |c| i64::from(c.tick_seq)),
        count_to_i64(cp.rows, "rows")?,
        count_to_i64(cp.pages, "pages")?,
        cp.updated_at.as_i64(),
    ])?;
    Ok(())
}

pub(super) fn save_checkpoint(conn: &mut Connection, cp: &Checkpoint) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    write_checkpoint(&tx, cp)?;
    tx.commit()?;
    Ok(())
}

const CHECKPOINT_COLUMNS: &str = "provider, symbol, kind, timeframe, covered, chunk_start, \
     chunk_end, cursor, tick_ts, tick_seq, rows, pages, updated_at";

pub(super) fn checkpoint(
    conn: &Connection,
    key: &CheckpointKey,
) -> Result<Option<Checkpoint>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CHECKPOINT_COLUMNS} FROM collection_checkpoints
         WHERE provider = ?1 AND symbol = ?2 AND kind = ?3 AND timeframe = ?4"
    ))?;
    let mut rows = stmt.query(params![
        key.provider,
        key.symbol.as_str(),
        key.kind.as_str(),
        tf_column(key.timeframe)
    ])?;
    rows.next()?.map(decode::checkpoint).transpose()
}

pub(super) fn checkpoints(conn: &Connection) -> Result<Vec<Checkpoint>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CHECKPOINT_COLUMNS} FROM collection_checkpoints
         ORDER BY provider, symbol, kind, timeframe"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::checkpoint(r)?);
    }
    Ok(out)
}

pub(super) fn record_run(conn: &mut Connection, run: &CollectionRun) -> Result<i64, StoreError> {
    decode::check_run(run)?;
    Ok(conn
        .prepare_cached(
            "INSERT INTO collection_runs (job, started_at, finished_at, rows_written, errors,
                 last_error, lag_seconds, next_run)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        )?
        .query_row(
            params![
                run.job,
                run.started_at.as_i64(),
                run.finished_at.as_i64(),
                count_to_i64(run.rows_written, "rows_written")?,
                count_to_i64(run.errors, "errors")?,
                run.last_error,
                run.lag_seconds,
                run.next_run.map(UnixNanos::as_i64),
            ],
            |r| r.get(0),
        )?)
}

pub(super) fn runs(
    conn: &Connection,
    job: Option<&str>,
    limit: Option<u64>,
) -> Result<Vec<StoredCollectionRun>, StoreError> {
    let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RUN_COLUMNS} FROM collection_runs WHERE (?1 IS NULL OR job = ?1)
         ORDER BY started_at DESC, id DESC LIMIT ?2"
    ))?;
    let mut rows = stmt.query(params![job, limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::collection_run(r)?);
    }
    Ok(out)
}

pub(super) fn status(conn: &Connection) -> Result<Vec<JobStatus>, StoreError> {
    let mut totals = conn.prepare_cached(
        "SELECT job, count(*), sum(rows_written), sum(errors),
                max(CASE WHEN errors = 0 THEN finished_at END)
         FROM collection_runs GROUP BY job ORDER BY job",
    )?;
    let mut last = conn.prepare_cached(&format!(
        "SELECT {RUN_COLUMNS} FROM collection_runs WHERE job = ?1
         ORDER BY started_at DESC, id DESC LIMIT 1"
    ))?;
    let mut last_error = conn.prepare_cached(
        "SELECT last_error, finished_at FROM collection_runs
         WHERE job = ?1 AND last_error IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1",
    )?;
    let mut rows = totals.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let job: String = r.get(0)?;
        let newest = last
            .query_row([&job], |r| Ok(decode::collection_run(r)))??
            .run;
        let err: Option<(String, i64)> = last_error
            .query_row([&job], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        out.push(decode::job_status(r, newest, err)?);
    }
    Ok(out)
}

pub(super) fn collected(conn: &Connection) -> Result<Vec<CollectedSeries>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT 'trades', s.symbol, count(*), min(t.ts), max(t.ts)
           FROM market_trades t JOIN symbols s ON s.id = t.symbol_id GROUP BY s.symbol
         UNION ALL
         SELECT 'quotes', s.symbol, count(*), min(q.ts), max(q.ts)
           FROM market_quotes q JOIN symbols s ON s.id = q.symbol_id GROUP BY s.symbol
         UNION ALL
         SELECT 'options', s.symbol, count(*), min(o.ts), max(o.ts)
           FROM option_quotes o JOIN option_contracts c ON c.id = o.contract_id
           JOIN symbols s ON s.id = c.underlying_id GROUP BY s.symbol
         UNION ALL
         SELECT 'news', symbol, count(*), min(created_at), max(created_at)
           FROM news_symbols GROUP BY symbol",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(decode::collected(r)?);
    }
    out.sort_by(|a, b| (&a.symbol, a.kind).cmp(&(&b.symbol, b.kind)));
    Ok(out)
}

impl CollectionStore for SqliteStore {
    fn checkpoint(&self, key: &CheckpointKey) -> Result<Option<Checkpoint>, StoreError> {
        checkpoint(&self.conn, key)
    }

    fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        checkpoints(&self.conn)
    }

    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        save_checkpoint(&mut self.conn, checkpoint)
    }

    fn record_collection_run(&mut self, run: &CollectionRun) -> Result<i64, StoreError> {
        record_run(&mut self.conn, run)
    }

    fn collection_runs(
        &self,
        job: Option<&str>,
        limit: Option<u64>,
    ) -> Result<Vec<StoredCollectionRun>, StoreError> {
        runs(&self.conn, job, limit)
    }

    fn collection_status(&self) -> Result<Vec<JobStatus>, StoreError> {
        status(&self.conn)
    }

    fn collected(&self) -> Result<Vec<CollectedSeries>, StoreError> {
        collected(&self.conn)
    }
}

/// A roll-up's checkpoint, inside the caller's transaction.
pub(super) fn write_rollup_checkpoint(
    tx: &Connection,
    cp: &RollupCheckpoint,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO symbols (symbol) VALUES (?1) ON CONFLICT (symbol) DO NOTHING")?
        .execute([cp.symbol.as_str()])?;
    tx.prepare_cached(
        "INSERT INTO rollup_checkpoints (symbol_id, from_tf, to_tf, hours, last_source)
         SELECT id, ?2, ?3, ?4, ?5 FROM symbols WHERE symbol = ?1
         ON CONFLICT (symbol_id, from_tf, to_tf) DO UPDATE SET
             hours = excluded.hours, last_source = excluded.last_source",
    )?
    .execute(params![
        cp.symbol.as_str(),
        tf_key(cp.from),
        tf_key(cp.to),
        hours_column(cp.hours),
        cp.last_source.as_i64()
    ])?;
    Ok(())
}
