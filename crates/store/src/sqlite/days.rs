//! The day index in SQLite: rewritten for the dates a batch touches, in the batch's transaction;
//! read per series; built once for a store that predates it (migration 8), and again for a
//! symbol whose calendar changes.

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::DaySummary;
use domain::{Bar, QuoteBar, Symbol, Timeframe, UnixNanos};
use rusqlite::{Connection, params};

use super::pages::page;
use crate::days::{
    DayRows, REBUILD_PAGE, bounds, columns, day_range, from_columns, grid, parse_calendar, rebuild,
    touched,
};
use crate::rows::{parse_symbol, parse_tf, tf_key};
use crate::{BarQuery, StoreError};

fn save(
    conn: &Connection,
    kind: &str,
    sid: i64,
    tf: &str,
    d: &DaySummary,
) -> Result<(), StoreError> {
    let c = columns(d)?;
    conn.prepare_cached(
        "INSERT INTO series_days (kind, symbol_id, timeframe, day, rows, filled, first_ts,
                                  last_ts, open, high, low, close, volume)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (kind, symbol_id, timeframe, day) DO UPDATE SET
             rows = excluded.rows, filled = excluded.filled, first_ts = excluded.first_ts,
             last_ts = excluded.last_ts, open = excluded.open, high = excluded.high,
             low = excluded.low, close = excluded.close, volume = excluded.volume",
    )?
    .execute(params![
        kind, sid, tf, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]
    ])?;
    Ok(())
}

/// The calendar of symbol `sid`.
pub(super) fn calendar_of(conn: &Connection, sid: i64) -> Result<Calendar, StoreError> {
    let text: String = conn
        .prepare_cached("SELECT calendar FROM symbols WHERE id = ?1")?
        .query_row([sid], |r| r.get(0))?;
    parse_calendar(&text)
}

/// Rewrites the index rows of the dates `rows` (the batch just written, ascending) touched.
pub(super) fn write<R: DayRows>(
    conn: &Connection,
    symbol: &Symbol,
    sid: i64,
    tf: Timeframe,
    rows: &[R],
    fresh: bool,
) -> Result<(), StoreError> {
    let grid = grid(tf, calendar_of(conn, sid)?);
    let grid = grid.as_ref();
    let t = touched(tf, grid, rows, fresh)?;
    let key = tf_key(tf);
    for d in &t.from_batch {
        save(conn, R::TABLE, sid, &key, d)?;
    }
    refresh::<R>(conn, symbol, sid, tf, grid, &t.reread)
}

/// The index rows of one series with `from ≤ date ≤ to`, ascending.
pub(super) fn read(
    conn: &Connection,
    kind: &str,
    symbol: &Symbol,
    tf: Timeframe,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<DaySummary>, StoreError> {
    let (lo, hi) = day_range(from, to);
    let mut stmt = conn.prepare_cached(
        "SELECT day, rows, filled, first_ts, last_ts, open, high, low, close, volume
         FROM series_days
         WHERE kind = ?1 AND symbol_id = (SELECT id FROM symbols WHERE symbol = ?2)
           AND timeframe = ?3 AND day BETWEEN ?4 AND ?5
         ORDER BY day",
    )?;
    let mut rows = stmt.query(params![kind, symbol.as_str(), tf_key(tf), lo, hi])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut v = [None; 10];
        for (i, x) in v.iter_mut().enumerate() {
            *x = r.get(i)?;
        }
        out.push(from_columns(&v)?);
    }
    Ok(out)
}

fn rebuild_series<R: DayRows>(
    conn: &Connection,
    symbol: &Symbol,
    sid: i64,
    tf: Timeframe,
    cal: Calendar,
) -> Result<(), StoreError> {
    let key = tf_key(tf);
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: None,
        end: None,
    };
    let mut conn = conn;
    rebuild::<R, &Connection>(
        &mut conn,
        tf,
        grid(tf, cal).as_ref(),
        REBUILD_PAGE,
        |c, after| page(c, &q, after, REBUILD_PAGE),
        |c, d| save(c, R::TABLE, sid, &key, d),
    )
}

/// Builds the index of every stored series (a store written before the index existed, at
/// migration 8: every symbol was on NYSE until migration 12 added calendars).
pub(super) fn rebuild_all(conn: &Connection) -> Result<(), StoreError> {
    rebuild_where(conn, "TRUE", [], Calendar::Nyse)
}

/// Rebuilds the index of every series of symbol `sid` on `cal`, its new calendar.
pub(super) fn rebuild_symbol(conn: &Connection, sid: i64, cal: Calendar) -> Result<(), StoreError> {
    conn.execute("DELETE FROM series_days WHERE symbol_id = ?1", [sid])?;
    rebuild_where(conn, "st.symbol_id = ?1", [sid], cal)
}

fn rebuild_where<P: rusqlite::Params>(
    conn: &Connection,
    filter: &str,
    args: P,
    cal: Calendar,
) -> Result<(), StoreError> {
    let series: Vec<(String, i64, String, String)> = conn
        .prepare(&format!(
            "SELECT st.kind, st.symbol_id, s.symbol, st.timeframe
             FROM series_stats st JOIN symbols s ON s.id = st.symbol_id WHERE {filter}"
        ))?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (kind, sid, symbol, tf) in series {
        let symbol = parse_symbol(&symbol, "series_stats")?;
        let tf = parse_tf(&tf, "series_stats")?;
        match kind.as_str() {
            "bars" => rebuild_series::<Bar>(conn, &symbol, sid, tf, cal)?,
            "quote_bars" => rebuild_series::<QuoteBar>(conn, &symbol, sid, tf, cal)?,
            other => {
                return Err(StoreError::Corrupt {
                    table: "series_stats",
                    reason: format!("unknown kind {other}"),
                });
            }
        }
    }
    Ok(())
}

/// Summarises `dates` of one series again from the rows left (after a delete), removing the
/// index row of a date that holds none.
pub(super) fn refresh<R: DayRows>(
    conn: &Connection,
    symbol: &Symbol,
    sid: i64,
    tf: Timeframe,
    grid: Option<&BarGrid>,
    dates: &[NaiveDate],
) -> Result<(), StoreError> {
    let key = tf_key(tf);
    for &date in dates {
        let (lo, hi) = bounds(tf, date)?;
        let q = BarQuery {
            symbol: symbol.clone(),
            timeframe: tf,
            start: Some(UnixNanos::new(lo)),
            end: UnixNanos::new(hi).checked_plus(1),
        };
        let stored: Vec<R> = page(conn, &q, None, usize::MAX)?;
        let days = R::summarize(tf, grid, &stored)?;
        if days.is_empty() {
            conn.prepare_cached(
                "DELETE FROM series_days
                 WHERE kind = ?1 AND symbol_id = ?2 AND timeframe = ?3 AND day = ?4",
            )?
            .execute(params![R::TABLE, sid, key, crate::days::day_number(date)])?;
        }
        for d in &days {
            save(conn, R::TABLE, sid, &key, d)?;
        }
    }
    Ok(())
}
