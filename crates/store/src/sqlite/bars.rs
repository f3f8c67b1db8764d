//! Bars and quote bars in SQLite: upserts with exact counts, and keyset pages.
//!
//! Ingest speed comes from: one IMMEDIATE transaction per batch; cached statements inserting
//! [`CHUNK`] rows each, with integer binds only (symbol id, timeframe and created_at are bound
//! once, as `?1..?3`, and reused by every row of the statement); and, when the batch's time range
//! holds no rows yet (the usual import or backfill), a plain INSERT instead of an upsert.
//!
//! Counts on the upsert path: rows in [first, last] before and after give `inserted`; the
//! statement's `changes()` counts inserts plus updates, and `DO UPDATE … WHERE <a column differs>`
//! keeps identical rows out of it, so `updated` and `unchanged` are exact too.

use chrono::NaiveDate;
use domain::grid::days::DaySummary;
use domain::{Bar, QuoteBar, Symbol, Timeframe, UnixNanos};
use rusqlite::{Connection, Statement, TransactionBehavior, params};

use super::SqliteStore;
use super::insert::{self, InsertShape};
use crate::days::DayRows;
use crate::rollup::Mark;
use crate::rows::{SeriesRow, parse_symbol, parse_tf, sort_series, sorted_unique, tf_key};
use crate::{BarQuery, BarStore, Checkpoint, SeriesStatus, StoreError, UpsertCounts};

/// Rows per multi-row INSERT. Measured: 32 rows per statement run about 1.5× the speed of one;
/// beyond that the gain is flat.
const CHUNK: usize = 32;

/// Number of leading parameters shared by every row: symbol_id, timeframe, created_at.
const SHARED: usize = 3;

fn insert_sql<R: SeriesRow>(rows: usize, upsert: bool) -> String {
    let shape = InsertShape {
        table: R::TABLE,
        shared: &["symbol_id", "timeframe", "created_at"],
        row_keys: &["ts"],
        values: R::COLUMNS,
        conflict: "symbol_id, timeframe, ts",
        or_fail: false,
    };
    insert::insert_sql(&shape, rows, upsert)
}

/// The symbol's id, created if new (inside the caller's transaction, so a failed batch leaves no
/// orphan symbol behind either).
pub(super) fn intern(conn: &Connection, symbol: &Symbol) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO symbols (symbol) VALUES (?1) ON CONFLICT (symbol) DO NOTHING",
    )?
    .execute([symbol.as_str()])?;
    Ok(conn
        .prepare_cached("SELECT id FROM symbols WHERE symbol = ?1")?
        .query_row([symbol.as_str()], |r| r.get(0))?)
}

fn count_range(
    conn: &Connection,
    table: &str,
    sid: i64,
    tf: &str,
    first: i64,
    last: i64,
) -> Result<u64, StoreError> {
    let sql = format!(
        "SELECT count(*) FROM {table} WHERE symbol_id = ?1 AND timeframe = ?2 AND ts BETWEEN ?3 AND ?4"
    );
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params![sid, tf, first, last], |r| r.get(0))?;
    Ok(n as u64)
}

/// Writes all rows with the CHUNK-row statement and a one-row statement for the tail; returns
/// the summed `changes()`.
fn write_rows<R: SeriesRow>(
    conn: &Connection,
    upsert: bool,
    shared: (i64, &str, i64),
    rows: &[R],
) -> Result<u64, StoreError> {
    let mut many = conn.prepare_cached(&insert_sql::<R>(CHUNK, upsert))?;
    let mut one = conn.prepare_cached(&insert_sql::<R>(1, upsert))?;
    for stmt in [&mut *many, &mut *one] {
        stmt.raw_bind_parameter(1, shared.0)?;
        stmt.raw_bind_parameter(2, shared.1)?;
        stmt.raw_bind_parameter(3, shared.2)?;
    }
    insert::execute_chunked(&mut many, &mut one, (CHUNK, SHARED), rows, bind_row)
}

#[inline]
fn bind_row<R: SeriesRow>(
    stmt: &mut Statement<'_>,
    i: &mut usize,
    row: &R,
) -> Result<(), StoreError> {
    stmt.raw_bind_parameter(*i, row.ts().as_i64())?;
    *i += 1;
    for v in row.values()?.as_ref() {
        stmt.raw_bind_parameter(*i, *v)?;
        *i += 1;
    }
    Ok(())
}

/// More writes of a batch, in its transaction: (connection, symbol id, timeframe key).
pub(super) type Extra<'a> = &'a dyn Fn(&Connection, i64, &str) -> Result<(), StoreError>;

/// Upserts one series' rows, and writes `mark` (a checkpoint, if any) and runs `extra` (if any) in the
/// same transaction.
pub(super) fn upsert<R: DayRows>(
    conn: &mut Connection,
    symbol: &Symbol,
    tf: Timeframe,
    rows: &[R],
    mark: Option<Mark<'_>>,
    extra: Option<Extra<'_>>,
) -> Result<UpsertCounts, StoreError> {
    if rows.is_empty() {
        if let Some(mark) = mark {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            write_mark(&tx, mark)?;
            tx.commit()?;
        }
        return Ok(UpsertCounts::default());
    }
    let rows = sorted_unique(rows, R::ts, R::WHAT)?;
    let first = rows[0].ts().as_i64();
    let last = rows[rows.len() - 1].ts().as_i64();
    let n = rows.len() as u64;
    let tf_value = tf;
    let tf = tf_key(tf);
    let now = unix_seconds();

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let sid = intern(&tx, symbol)?;
    let before = count_range(&tx, R::TABLE, sid, &tf, first, last)?;
    let fresh = before == 0;
    let counts = if fresh {
        // Nothing in the range: every row is new, and a plain INSERT skips the conflict logic.
        write_rows(&tx, false, (sid, &tf, now), &rows)?;
        UpsertCounts {
            inserted: n,
            ..Default::default()
        }
    } else {
        let changed = write_rows(&tx, true, (sid, &tf, now), &rows)?;
        let after = count_range(&tx, R::TABLE, sid, &tf, first, last)?;
        let inserted = after - before;
        UpsertCounts {
            inserted,
            updated: changed - inserted,
            unchanged: n - changed,
            skipped: 0,
        }
    };
    if counts.inserted > 0 {
        tx.prepare_cached(
            "INSERT INTO series_stats (kind, symbol_id, timeframe, rows, first_ts, last_ts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (kind, symbol_id, timeframe) DO UPDATE SET
                 rows = rows + excluded.rows,
                 first_ts = min(first_ts, excluded.first_ts),
                 last_ts = max(last_ts, excluded.last_ts)",
        )?
        .execute(params![
            R::TABLE,
            sid,
            tf,
            counts.inserted as i64,
            first,
            last
        ])?;
    }
    // A batch that changed nothing leaves its dates' summaries as they were.
    if counts.inserted + counts.updated > 0 {
        super::days::write(&tx, symbol, sid, tf_value, &rows, fresh)?;
    }
    if let Some(mark) = mark {
        write_mark(&tx, mark)?;
    }
    if let Some(extra) = extra {
        extra(&tx, sid, &tf)?;
    }
    tx.commit()?;
    Ok(counts)
}

fn write_mark(tx: &Connection, mark: Mark<'_>) -> Result<(), StoreError> {
    match mark {
        Mark::Backfill(cp) => super::collect::write_checkpoint(tx, cp),
        Mark::Rollup(cp) => super::collect::write_rollup_checkpoint(tx, cp),
    }
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(super) fn series(
    conn: &Connection,
    kind: &'static str,
) -> Result<Vec<SeriesStatus>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.symbol, st.timeframe, st.rows, st.first_ts, st.last_ts, s.calendar
         FROM series_stats st JOIN symbols s ON s.id = st.symbol_id
         WHERE st.kind = ?1",
    )?;
    let mut rows = stmt.query([kind])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let symbol: String = r.get(0)?;
        let tf: String = r.get(1)?;
        let calendar: String = r.get(5)?;
        out.push(SeriesStatus {
            symbol: parse_symbol(&symbol, "series_stats")?,
            timeframe: parse_tf(&tf, "series_stats")?,
            calendar: crate::days::parse_calendar(&calendar)?,
            rows: r.get::<_, i64>(2)? as u64,
            first: UnixNanos::new(r.get(3)?),
            last: UnixNanos::new(r.get(4)?),
        });
    }
    sort_series(&mut out);
    Ok(out)
}

impl BarStore for SqliteStore {
    fn upsert_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
    ) -> Result<UpsertCounts, StoreError> {
        upsert::<Bar>(&mut self.conn, symbol, tf, bars, None, None)
    }

    fn upsert_bars_with_checkpoint(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        checkpoint: &Checkpoint,
    ) -> Result<UpsertCounts, StoreError> {
        upsert::<Bar>(
            &mut self.conn,
            symbol,
            tf,
            bars,
            Some(Mark::Backfill(checkpoint)),
            None,
        )
    }

    fn bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<Bar>, StoreError> {
        super::pages::page::<Bar>(&self.conn, q, after, limit)
    }

    fn series(&self) -> Result<Vec<SeriesStatus>, StoreError> {
        series(&self.conn, "bars")
    }

    fn bar_days(
        &self,
        symbol: &Symbol,
        tf: Timeframe,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DaySummary>, StoreError> {
        super::days::read(&self.conn, "bars", symbol, tf, from, to)
    }

    fn upsert_quote_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[QuoteBar],
    ) -> Result<UpsertCounts, StoreError> {
        upsert::<QuoteBar>(&mut self.conn, symbol, tf, bars, None, None)
    }

    fn quote_bar_page(
        &self,
        q: &BarQuery,
        after: Option<UnixNanos>,
        limit: usize,
    ) -> Result<Vec<QuoteBar>, StoreError> {
        super::pages::page::<QuoteBar>(&self.conn, q, after, limit)
    }

    fn quote_series(&self) -> Result<Vec<SeriesStatus>, StoreError> {
        series(&self.conn, "quote_bars")
    }

    fn quote_bar_days(
        &self,
        symbol: &Symbol,
        tf: Timeframe,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DaySummary>, StoreError> {
        super::days::read(&self.conn, "quote_bars", symbol, tf, from, to)
    }
}
