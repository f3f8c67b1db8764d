//! Retention in SQLite: range deletes on the primary key (symbol_id, timeframe, ts) in batches,
//! each one IMMEDIATE transaction with the derived rows, and the space given back by an
//! incremental vacuum.
//!
//! A store is created with `auto_vacuum = INCREMENTAL` ([`super::setup`] sets it before the
//! file has a page), so deleted pages go back to the file system with `PRAGMA
//! incremental_vacuum` at the end of a run. A store created before that has `auto_vacuum =
//! NONE`, which only a VACUUM can change: its first [`RetentionStore::reclaim`] runs one (it
//! rewrites the whole file, once, and needs that much free disk), and says so.

use domain::{Bar, QuoteBar, Symbol, Timeframe, UnixNanos};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::SqliteStore;
use crate::days::DayRows;
use crate::retain::{
    ChunkDrop, Gone, Reclaimed, Removed, SeriesRef, TableSize, TickTable, check_spans,
    delete_front, inclusive, sql, touched_days,
};
use crate::rollup::parse_hours;
use crate::rows::{parse_symbol, parse_tf, tf_key};
use crate::{RetentionStore, RollupCheckpoint, RunPeriod, Span, StoreError};

/// The id of the series' symbol; `None` when the symbol was never stored.
fn key(conn: &Connection, series: &SeriesRef) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM symbols WHERE symbol = ?1")?
        .query_row([series.symbol().as_str()], |r| r.get(0))
        .optional()?)
}

/// The stamp of the row `skip` rows into `[lo, hi]` of `series`.
fn nth_stamp(
    conn: &Connection,
    series: &SeriesRef,
    sid: i64,
    (lo, hi): (i64, i64),
    skip: u64,
) -> Result<Option<i64>, StoreError> {
    let tf = series.timeframe().map(tf_key);
    Ok(conn
        .prepare_cached(&sql::nth(series))?
        .query_row(params![sid, tf, lo, hi, skip as i64], |r| r.get(0))
        .optional()?)
}

/// Runs `verb` (`DELETE`, `SELECT count(*)`) over the rows of `series` in `[lo, hi]`; returns
/// the rows deleted or counted.
fn on_range(
    conn: &Connection,
    verb: &str,
    series: &SeriesRef,
    sid: i64,
    (lo, hi): (i64, i64),
) -> Result<u64, StoreError> {
    let tf = series.timeframe().map(tf_key);
    let mut stmt = conn.prepare_cached(&sql::range(verb, series))?;
    let n = if verb == "DELETE" {
        stmt.execute(params![sid, tf, lo, hi])? as i64
    } else {
        stmt.query_row(params![sid, tf, lo, hi], |r| r.get(0))?
    };
    Ok(n.max(0) as u64)
}

/// Deletes the rows of `series` in `[lo, hi]`; what went.
fn delete_range(
    conn: &Connection,
    series: &SeriesRef,
    sid: i64,
    (lo, hi): (i64, i64),
) -> Result<Gone, StoreError> {
    let tf = series.timeframe().map(tf_key);
    // min and max alone are one index seek each (a count would read the range twice).
    let end = |agg: &str| -> Result<Option<i64>, StoreError> {
        Ok(conn
            .prepare_cached(&sql::range(agg, series))?
            .query_row(params![sid, tf, lo, hi], |r| r.get(0))?)
    };
    let (Some(first), Some(last)) = (end("SELECT min(ts)")?, end("SELECT max(ts)")?) else {
        return Ok(None);
    };
    let n = on_range(conn, "DELETE", series, sid, (lo, hi))?;
    Ok(Some((n, first, last)))
}

/// Keeps `series_stats`, `series_days` and `bar_origins` true after `rows` rows of a bar series
/// were deleted from the inclusive ranges `emptied`.
fn after_delete<R: DayRows>(
    conn: &Connection,
    symbol: &Symbol,
    sid: i64,
    tf: Timeframe,
    rows: u64,
    emptied: &[(i64, i64)],
) -> Result<(), StoreError> {
    let (Some(&(lo, _)), Some(&(_, hi))) = (emptied.first(), emptied.last()) else {
        return Ok(());
    };
    let key = tf_key(tf);
    let end = |order: &str| -> Result<Option<i64>, StoreError> {
        Ok(conn
            .prepare_cached(&sql::end(R::TABLE, order))?
            .query_row(params![sid, key], |r| r.get(0))
            .optional()?)
    };
    match (end("ASC")?, end("DESC")?) {
        (Some(first), Some(last)) => conn.prepare_cached(sql::STATS_UPDATE)?.execute(params![
            R::TABLE,
            sid,
            key,
            rows as i64,
            first,
            last
        ])?,
        _ => conn
            .prepare_cached(sql::STATS_DELETE)?
            .execute(params![R::TABLE, sid, key])?,
    };
    let (days, edges) = touched_days(tf, emptied);
    for (d0, d1) in days {
        conn.prepare_cached(sql::DAYS_DELETE)?
            .execute(params![R::TABLE, sid, key, d0, d1])?;
    }
    let grid = crate::days::grid(tf, super::days::calendar_of(conn, sid)?);
    super::days::refresh::<R>(conn, symbol, sid, tf, grid.as_ref(), &edges)?;
    if R::TABLE == "bars" {
        conn.prepare_cached(sql::ORIGINS_DELETE)?
            .execute(params![sid, key, lo, hi])?;
    }
    Ok(())
}

fn delete_spans(
    conn: &mut Connection,
    series: &SeriesRef,
    spans: &[Span],
    limit: u64,
) -> Result<Removed, StoreError> {
    check_spans(spans)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(sid) = key(&tx, series)? else {
        return Ok(Removed {
            done: true,
            ..Removed::default()
        });
    };
    let mut conn: &Connection = &tx;
    let (out, emptied) = delete_front(
        &mut conn,
        spans,
        limit,
        |c, range, n| nth_stamp(c, series, sid, range, n),
        |c, range| delete_range(c, series, sid, range),
    )?;
    if out.rows > 0 {
        match series {
            SeriesRef::Bars { symbol, timeframe } => {
                after_delete::<Bar>(&tx, symbol, sid, *timeframe, out.rows, &emptied)?
            }
            SeriesRef::QuoteBars { symbol, timeframe } => {
                after_delete::<QuoteBar>(&tx, symbol, sid, *timeframe, out.rows, &emptied)?
            }
            SeriesRef::Trades { .. } | SeriesRef::Quotes { .. } => {}
        }
    }
    tx.commit()?;
    Ok(out)
}

fn pragma(conn: &Connection, name: &str) -> Result<i64, StoreError> {
    Ok(conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
}

fn reclaim(conn: &Connection) -> Result<Reclaimed, StoreError> {
    let page = pragma(conn, "page_size")?;
    let before = pragma(conn, "page_count")?;
    if pragma(conn, "freelist_count")? == 0 {
        return Ok(Reclaimed {
            bytes: Some(0),
            how: "no free pages to give back".into(),
        });
    }
    let how = match pragma(conn, "auto_vacuum")? {
        2 => {
            // It frees one page per step: step it to the end.
            let mut stmt = conn.prepare("PRAGMA incremental_vacuum")?;
            let mut rows = stmt.query([])?;
            while rows.next()?.is_some() {}
            "incremental vacuum: the free pages went back to the file system".to_string()
        }
        1 => "full auto-vacuum: pages were freed as each batch committed".to_string(),
        _ => {
            conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL; VACUUM")?;
            "this store predates incremental vacuum: converted it with a one-time VACUUM \
             (the whole file rewritten once; from now on freed pages go back in place)"
                .to_string()
        }
    };
    // The shrink reaches the file at a checkpoint; a reader still on an old snapshot only
    // delays it.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let after = pragma(conn, "page_count")?;
    Ok(Reclaimed {
        bytes: Some((before - after).max(0) as u64 * page as u64),
        how,
    })
}

fn table_size(conn: &Connection, series: &SeriesRef) -> Result<TableSize, StoreError> {
    let table = series.table();
    // dbstat walks every page of the table: pages × page size, and its cells: the tables
    // retention deletes from are WITHOUT ROWID, B-trees whose every cell, interior or leaf, is a
    // row.
    let (bytes, rows): (i64, i64) = conn.query_row(
        "SELECT coalesce(sum(pgsize), 0), coalesce(sum(CASE WHEN name = ?1 THEN ncell END), 0)
         FROM dbstat
         WHERE name = ?1 OR name IN (SELECT name FROM sqlite_master
                                     WHERE type = 'index' AND tbl_name = ?1)",
        [table],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(TableSize {
        bytes: bytes.max(0) as u64,
        rows: rows.max(0) as u64,
    })
}

impl RetentionStore for SqliteStore {
    fn tick_symbols(&self, table: TickTable) -> Result<Vec<Symbol>, StoreError> {
        let t = match table {
            TickTable::Trades => "market_trades",
            TickTable::Quotes => "market_quotes",
        };
        let sql = format!(
            "SELECT s.symbol FROM symbols s
             WHERE EXISTS (SELECT 1 FROM {t} t WHERE t.symbol_id = s.id) ORDER BY s.symbol"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
        names
            .map(|n| parse_symbol(&n?, "symbols"))
            .collect::<Result<_, _>>()
    }

    fn first_stamp(&self, series: &SeriesRef) -> Result<Option<UnixNanos>, StoreError> {
        let Some(sid) = key(&self.conn, series)? else {
            return Ok(None);
        };
        Ok(nth_stamp(&self.conn, series, sid, (i64::MIN, i64::MAX), 0)?.map(UnixNanos::new))
    }

    fn rollups_from(
        &self,
        symbol: &Symbol,
        from: Timeframe,
    ) -> Result<Vec<RollupCheckpoint>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.to_tf, c.hours, c.last_source FROM rollup_checkpoints c
             JOIN symbols s ON s.id = c.symbol_id
             WHERE s.symbol = ?1 AND c.from_tf = ?2 ORDER BY c.to_tf",
        )?;
        let rows = stmt.query_map(params![symbol.as_str(), tf_key(from)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        rows.map(|r| {
            let (to, hours, last) = r?;
            Ok(RollupCheckpoint {
                symbol: symbol.clone(),
                from,
                to: parse_tf(&to, "rollup_checkpoints")?,
                hours: parse_hours(&hours)?,
                last_source: UnixNanos::new(last),
            })
        })
        .collect()
    }

    fn run_periods(&self) -> Result<Vec<RunPeriod>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, agent_id, start_date, end_date, config FROM backtest_runs ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        rows.map(|r| {
            let (id, agent_id, start, end, config) = r?;
            Ok(RunPeriod {
                id,
                agent_id,
                start: UnixNanos::new(start),
                end: UnixNanos::new(end),
                config: crate::rows::parse_json(&config, "backtest_runs", "config")?,
            })
        })
        .collect()
    }

    fn count_in(&self, series: &SeriesRef, spans: &[Span]) -> Result<u64, StoreError> {
        check_spans(spans)?;
        let Some(sid) = key(&self.conn, series)? else {
            return Ok(0);
        };
        let mut n = 0;
        for range in inclusive(spans) {
            n += on_range(&self.conn, "SELECT count(*)", series, sid, range)?;
        }
        Ok(n)
    }

    fn table_size(&self, series: &SeriesRef) -> Result<TableSize, StoreError> {
        table_size(&self.conn, series)
    }

    fn delete_spans(
        &mut self,
        series: &SeriesRef,
        spans: &[Span],
        limit: u64,
    ) -> Result<Removed, StoreError> {
        delete_spans(&mut self.conn, series, spans, limit)
    }

    fn drop_chunks(
        &mut self,
        _series: &SeriesRef,
        _before: UnixNanos,
    ) -> Result<Option<ChunkDrop>, StoreError> {
        Ok(None)
    }

    fn reclaim(&mut self) -> Result<Reclaimed, StoreError> {
        reclaim(&self.conn)
    }
}
