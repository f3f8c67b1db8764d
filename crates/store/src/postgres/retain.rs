//! Retention in PostgreSQL: range deletes on the primary key (symbol_id, timeframe, ts) in
//! batches, each one transaction under the series' advisory lock (the one its upserts take) with
//! the derived rows; and, where the tables are TimescaleDB hypertables, whole chunks dropped.
//!
//! The plain layout has no partitions (BRIN on ts, see migration 0001), so there is nothing
//! whole to drop: a batch is `DELETE … WHERE symbol_id = $1 AND timeframe = $2 AND ts BETWEEN
//! $3 AND $4`, an index range scan. Deleted rows become reusable space once autovacuum has
//! passed; the files do not shrink (that takes VACUUM FULL), so [`RetentionStore::reclaim`]
//! reports no bytes.
//!
//! TimescaleDB (NOT TESTED HERE: no package on this machine's PostgreSQL): `bars` and
//! `quote_bars` are hypertables chunked by week of `ts` across every series, so a chunk can go
//! whole only when every series of the table may lose it; the caller works out that instant and
//! [`drop_chunks`] drops the chunks that end by it (`drop_chunks(older_than => …)`), fixing the
//! derived rows in the same transaction. TimescaleDB's own `add_retention_policy` is not used:
//! its background job drops chunks of every series at one age and knows nothing of roll-ups or
//! stored runs. Its compression policy (migration 0001) stays; TimescaleDB 2.11 and later delete
//! from compressed chunks, older versions refuse and the error says so.

use domain::{Bar, QuoteBar, Symbol, Timeframe, UnixNanos};
use postgres::{Client, GenericClient, Transaction};

use super::PgStore;
use crate::days::DayRows;
use crate::retain::{
    ChunkDrop, Reclaimed, Removed, SeriesRef, TableSize, TickTable, check_spans, delete_front,
    inclusive, sql, touched_days,
};
use crate::rollup::parse_hours;
use crate::rows::{parse_symbol, parse_tf, tf_key};
use crate::{RetentionStore, RollupCheckpoint, RunPeriod, Span, StoreError};

fn sid<C: GenericClient>(c: &mut C, series: &SeriesRef) -> Result<Option<i32>, StoreError> {
    Ok(c.query_opt(
        "SELECT id FROM symbols WHERE symbol = $1",
        &[&series.symbol().as_str()],
    )?
    .map(|r| r.get(0)))
}

fn nth_stamp<C: GenericClient>(
    c: &mut C,
    series: &SeriesRef,
    sid: i32,
    (lo, hi): (i64, i64),
    skip: u64,
) -> Result<Option<i64>, StoreError> {
    let tf = series.timeframe().map(tf_key);
    let skip = i64::try_from(skip).unwrap_or(i64::MAX);
    Ok(c.query_opt(
        &sql::numbered(&sql::nth(series)),
        &[&sid, &tf, &lo, &hi, &skip],
    )?
    .map(|r| r.get(0)))
}

/// Keeps `series_stats`, `series_days` and `bar_origins` true after `rows` rows of a bar series
/// went from the inclusive ranges `emptied`.
fn after_delete<R: DayRows>(
    tx: &mut Transaction<'_>,
    symbol: &Symbol,
    sid: i32,
    tf: Timeframe,
    rows: u64,
    emptied: &[(i64, i64)],
) -> Result<(), StoreError> {
    let (Some(&(lo, _)), Some(&(_, hi))) = (emptied.first(), emptied.last()) else {
        return Ok(());
    };
    let key = tf_key(tf);
    let table = R::TABLE;
    let end = |tx: &mut Transaction<'_>, order: &str| -> Result<Option<i64>, StoreError> {
        let sql = sql::numbered(&sql::end(table, order));
        Ok(tx.query_opt(&sql, &[&sid, &key])?.map(|r| r.get(0)))
    };
    match (end(tx, "ASC")?, end(tx, "DESC")?) {
        (Some(first), Some(last)) => tx.execute(
            &sql::numbered(sql::STATS_UPDATE),
            &[&table, &sid, &key, &(rows as i64), &first, &last],
        )?,
        _ => tx.execute(&sql::numbered(sql::STATS_DELETE), &[&table, &sid, &key])?,
    };
    let (days, edges) = touched_days(tf, emptied);
    for (d0, d1) in days {
        tx.execute(
            &sql::numbered(sql::DAYS_DELETE),
            &[&table, &sid, &key, &d0, &d1],
        )?;
    }
    let grid = crate::days::grid(tf, super::days::calendar_of(tx, sid)?);
    super::days::refresh::<R, _>(tx, symbol, sid, tf, grid.as_ref(), &edges)?;
    if table == "bars" {
        tx.execute(&sql::numbered(sql::ORIGINS_DELETE), &[&sid, &key, &lo, &hi])?;
    }
    Ok(())
}

fn after_delete_of(
    tx: &mut Transaction<'_>,
    series: &SeriesRef,
    sid: i32,
    rows: u64,
    emptied: &[(i64, i64)],
) -> Result<(), StoreError> {
    match series {
        SeriesRef::Bars { symbol, timeframe } => {
            after_delete::<Bar>(tx, symbol, sid, *timeframe, rows, emptied)
        }
        SeriesRef::QuoteBars { symbol, timeframe } => {
            after_delete::<QuoteBar>(tx, symbol, sid, *timeframe, rows, emptied)
        }
        SeriesRef::Trades { .. } | SeriesRef::Quotes { .. } => Ok(()),
    }
}

/// The advisory lock the series' upserts take, so a delete and a write of one series take turns.
/// `prefix` is the store's lock key of series (bars) or of ticks.
fn lock(
    tx: &mut Transaction<'_>,
    prefix: &str,
    series: &SeriesRef,
    sid: i32,
) -> Result<(), StoreError> {
    let key = match series.timeframe() {
        Some(tf) => format!("{prefix}:{}:{sid}:{}", series.table(), tf_key(tf)),
        None => format!("{prefix}:{}:{sid}", series.table()),
    };
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&key])?;
    Ok(())
}

fn delete_spans(
    client: &mut Client,
    lock_prefix: &str,
    series: &SeriesRef,
    spans: &[Span],
    limit: u64,
) -> Result<Removed, StoreError> {
    check_spans(spans)?;
    let mut tx = client.transaction()?;
    let Some(sid) = sid(&mut tx, series)? else {
        return Ok(Removed {
            done: true,
            ..Removed::default()
        });
    };
    lock(&mut tx, lock_prefix, series, sid)?;
    // Prepared once: a batch runs them for every span.
    let tf = series.timeframe().map(tf_key);
    let nth = tx.prepare(&sql::numbered(&sql::nth(series)))?;
    let delete = tx.prepare(&sql::numbered(&sql::delete_reporting(series)))?;
    let (out, emptied) = delete_front(
        &mut tx,
        spans,
        limit,
        |tx, (lo, hi), n| {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            Ok(tx
                .query_opt(&nth, &[&sid, &tf, &lo, &hi, &n])?
                .map(|r| r.get(0)))
        },
        |tx, (lo, hi)| {
            let r = tx.query_one(&delete, &[&sid, &tf, &lo, &hi])?;
            let (n, first, last): (i64, Option<i64>, Option<i64>) = (r.get(0), r.get(1), r.get(2));
            Ok(first.zip(last).map(|(a, b)| (n as u64, a, b)))
        },
    )?;
    if out.rows > 0 {
        after_delete_of(&mut tx, series, sid, out.rows, &emptied)?;
    }
    tx.commit()?;
    Ok(out)
}

/// Whether `table` is a TimescaleDB hypertable in this store's schema.
fn hypertable<C: GenericClient>(c: &mut C, table: &str) -> Result<bool, StoreError> {
    let installed: bool = c
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')",
            &[],
        )?
        .get(0);
    if !installed {
        return Ok(false);
    }
    Ok(c.query_one(
        "SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                        WHERE hypertable_name = $1 AND hypertable_schema = current_schema())",
        &[&table],
    )?
    .get(0))
}

/// TimescaleDB only: drops the chunks of the series' table that end by `before`, fixing the
/// derived rows of every series that lost rows, in one transaction.
fn drop_chunks(
    client: &mut Client,
    series: &SeriesRef,
    before: UnixNanos,
) -> Result<Option<ChunkDrop>, StoreError> {
    let table = series.table();
    if !matches!(series, SeriesRef::Bars { .. } | SeriesRef::QuoteBars { .. })
        || !hypertable(client, table)?
    {
        return Ok(None);
    }
    let mut tx = client.transaction()?;
    let until: Option<i64> = tx
        .query_one(
            "SELECT max(range_end_integer) FROM timescaledb_information.chunks
             WHERE hypertable_name = $1 AND hypertable_schema = current_schema()
               AND range_end_integer <= $2",
            &[&table, &before.as_i64()],
        )?
        .get(0);
    let Some(until) = until else {
        return Ok(Some(ChunkDrop {
            until: UnixNanos::MIN,
            rows: Vec::new(),
        }));
    };
    let losing: Vec<(i32, String, String, i64)> = tx
        .query(
            &format!(
                "SELECT b.symbol_id, s.symbol, b.timeframe, count(*) FROM {table} b
                 JOIN symbols s ON s.id = b.symbol_id
                 WHERE b.ts < $1 GROUP BY b.symbol_id, s.symbol, b.timeframe"
            ),
            &[&until],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    tx.execute(
        "SELECT drop_chunks($1::text::regclass, older_than => $2::bigint)",
        &[&table, &until],
    )?;
    let mut rows = Vec::with_capacity(losing.len());
    for (sid, symbol, tf, n) in losing {
        let symbol = parse_symbol(&symbol, table)?;
        let timeframe = parse_tf(&tf, table)?;
        let lost = match series {
            SeriesRef::QuoteBars { .. } => SeriesRef::QuoteBars { symbol, timeframe },
            _ => SeriesRef::Bars { symbol, timeframe },
        };
        after_delete_of(&mut tx, &lost, sid, n as u64, &[(i64::MIN, until - 1)])?;
        rows.push((lost, n as u64));
    }
    tx.commit()?;
    Ok(Some(ChunkDrop {
        until: UnixNanos::new(until),
        rows,
    }))
}

fn table_size(client: &mut Client, series: &SeriesRef) -> Result<TableSize, StoreError> {
    let table = series.table();
    let bytes: i64 = if hypertable(client, table)? {
        client
            .query_one("SELECT hypertable_size($1::text::regclass)", &[&table])?
            .get(0)
    } else {
        client
            .query_one(
                "SELECT coalesce(pg_total_relation_size(to_regclass($1)), 0)",
                &[&table],
            )?
            .get(0)
    };
    let rows: i64 = match series {
        SeriesRef::Bars { .. } | SeriesRef::QuoteBars { .. } => client
            .query_one(
                "SELECT coalesce(sum(rows), 0)::bigint FROM series_stats WHERE kind = $1",
                &[&table],
            )?
            .get(0),
        // The planner's estimate from the last ANALYZE; counted when there was none.
        SeriesRef::Trades { .. } | SeriesRef::Quotes { .. } => {
            let estimate: i64 = client
                .query_one(
                    "SELECT coalesce(reltuples, -1)::bigint FROM pg_class
                     WHERE oid = to_regclass($1)",
                    &[&table],
                )?
                .get(0);
            if estimate >= 0 {
                estimate
            } else {
                client
                    .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                    .get(0)
            }
        }
    };
    Ok(TableSize {
        bytes: bytes.max(0) as u64,
        rows: rows.max(0) as u64,
    })
}

impl RetentionStore for PgStore {
    fn tick_symbols(&self, table: TickTable) -> Result<Vec<Symbol>, StoreError> {
        let t = match table {
            TickTable::Trades => "market_trades",
            TickTable::Quotes => "market_quotes",
        };
        let rows = self.client.borrow_mut().query(
            &format!(
                "SELECT s.symbol FROM symbols s
                 WHERE EXISTS (SELECT 1 FROM {t} t WHERE t.symbol_id = s.id) ORDER BY s.symbol"
            ),
            &[],
        )?;
        rows.iter()
            .map(|r| parse_symbol(r.get(0), "symbols"))
            .collect()
    }

    fn first_stamp(&self, series: &SeriesRef) -> Result<Option<UnixNanos>, StoreError> {
        let mut c = self.client.borrow_mut();
        let Some(sid) = sid(&mut *c, series)? else {
            return Ok(None);
        };
        Ok(nth_stamp(&mut *c, series, sid, (i64::MIN, i64::MAX), 0)?.map(UnixNanos::new))
    }

    fn rollups_from(
        &self,
        symbol: &Symbol,
        from: Timeframe,
    ) -> Result<Vec<RollupCheckpoint>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT c.to_tf, c.hours, c.last_source FROM rollup_checkpoints c
             JOIN symbols s ON s.id = c.symbol_id
             WHERE s.symbol = $1 AND c.from_tf = $2 ORDER BY c.to_tf",
            &[&symbol.as_str(), &tf_key(from)],
        )?;
        rows.iter()
            .map(|r| {
                Ok(RollupCheckpoint {
                    symbol: symbol.clone(),
                    from,
                    to: parse_tf(r.get(0), "rollup_checkpoints")?,
                    hours: parse_hours(r.get(1))?,
                    last_source: UnixNanos::new(r.get(2)),
                })
            })
            .collect()
    }

    fn run_periods(&self) -> Result<Vec<RunPeriod>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT id, agent_id, start_date, end_date, config::text FROM backtest_runs
             ORDER BY id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(RunPeriod {
                    id: r.get(0),
                    agent_id: r.get(1),
                    start: UnixNanos::new(r.get(2)),
                    end: UnixNanos::new(r.get(3)),
                    config: crate::rows::parse_json(r.get(4), "backtest_runs", "config")?,
                })
            })
            .collect()
    }

    fn count_in(&self, series: &SeriesRef, spans: &[Span]) -> Result<u64, StoreError> {
        check_spans(spans)?;
        let mut c = self.client.borrow_mut();
        let Some(sid) = sid(&mut *c, series)? else {
            return Ok(0);
        };
        // Every span in one round trip: an index range count per span.
        let count = sql::range_of("SELECT count(*)", series, "r.lo", "r.hi");
        let sql = sql::numbered(&format!(
            "SELECT coalesce(sum(({count})), 0)::bigint
             FROM unnest(?3::bigint[], ?4::bigint[]) AS r(lo, hi)"
        ));
        let (lo, hi): (Vec<i64>, Vec<i64>) = inclusive(spans).into_iter().unzip();
        let tf = series.timeframe().map(tf_key);
        let n: i64 = c.query_one(&sql, &[&sid, &tf, &lo, &hi])?.get(0);
        Ok(n.max(0) as u64)
    }

    fn table_size(&self, series: &SeriesRef) -> Result<TableSize, StoreError> {
        table_size(&mut self.client.borrow_mut(), series)
    }

    fn delete_spans(
        &mut self,
        series: &SeriesRef,
        spans: &[Span],
        limit: u64,
    ) -> Result<Removed, StoreError> {
        let prefix = match series.timeframe() {
            Some(_) => self.lock_key("series"),
            None => self.lock_key("ticks"),
        };
        delete_spans(self.client.get_mut(), &prefix, series, spans, limit)
    }

    fn drop_chunks(
        &mut self,
        series: &SeriesRef,
        before: UnixNanos,
    ) -> Result<Option<ChunkDrop>, StoreError> {
        drop_chunks(self.client.get_mut(), series, before)
    }

    fn reclaim(&mut self) -> Result<Reclaimed, StoreError> {
        Ok(Reclaimed {
            bytes: None,
            how: "PostgreSQL keeps the space of deleted rows for reuse inside the tables once \
                  autovacuum has passed; VACUUM FULL would give it back to the file system"
                .into(),
        })
    }
}
