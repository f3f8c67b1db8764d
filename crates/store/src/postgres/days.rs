//! The day index in PostgreSQL: rewritten for the dates a batch touches, in the batch's
//! transaction (under its advisory lock); read per series; built once for a store that predates
//! it (migration 8), and again for a symbol whose calendar changes.
//!
//! A batch reads its symbol's calendar `FOR SHARE`, so a calendar change (an UPDATE of the
//! symbol's row, which then rebuilds the index) waits for batches in flight, and a batch begun
//! during the change waits for it and then reads the new calendar.

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::grid::BarGrid;
use domain::grid::days::DaySummary;
use domain::{Bar, QuoteBar, Symbol, Timeframe, UnixNanos};
use postgres::{Client, GenericClient, Statement};

use super::pages::{page, page_on, page_sql};
use crate::days::{
    DayRows, REBUILD_PAGE, bounds, columns, day_range, from_columns, grid, parse_calendar, rebuild,
    touched,
};
use crate::rows::{parse_symbol, parse_tf, tf_key};
use crate::{BarQuery, StoreError};

const SAVE: &str = "INSERT INTO series_days (kind, symbol_id, timeframe, day, rows, filled,
                                  first_ts, last_ts, open, high, low, close, volume)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (kind, symbol_id, timeframe, day) DO UPDATE SET
         rows = excluded.rows, filled = excluded.filled, first_ts = excluded.first_ts,
         last_ts = excluded.last_ts, open = excluded.open, high = excluded.high,
         low = excluded.low, close = excluded.close, volume = excluded.volume";

fn save<C: GenericClient>(
    client: &mut C,
    stmt: &Statement,
    key: (&str, i32, &str),
    d: &DaySummary,
) -> Result<(), StoreError> {
    let c = columns(d)?;
    client.execute(
        stmt,
        &[
            &key.0, &key.1, &key.2, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8],
            &c[9],
        ],
    )?;
    Ok(())
}

/// Rewrites the index rows of the dates `rows` (the batch just written, ascending) touched.
/// The calendar of symbol `sid`, its row locked against a change until the transaction ends.
pub(super) fn calendar_of<C: GenericClient>(
    client: &mut C,
    sid: i32,
) -> Result<Calendar, StoreError> {
    let row = client.query_one(
        "SELECT calendar FROM symbols WHERE id = $1 FOR SHARE",
        &[&sid],
    )?;
    parse_calendar(row.get(0))
}

pub(super) fn write<R: DayRows, C: GenericClient>(
    client: &mut C,
    symbol: &Symbol,
    sid: i32,
    tf: Timeframe,
    rows: &[R],
    fresh: bool,
) -> Result<(), StoreError> {
    let grid = grid(tf, calendar_of(client, sid)?);
    let grid = grid.as_ref();
    let t = touched(tf, grid, rows, fresh)?;
    let tf_text = tf_key(tf);
    let key = (R::TABLE, sid, tf_text.as_str());
    let stmt = client.prepare(SAVE)?;
    for d in &t.from_batch {
        save(client, &stmt, key, d)?;
    }
    refresh::<R, C>(client, symbol, sid, tf, grid, &t.reread)
}

/// The index rows of one series with `from ≤ date ≤ to`, ascending.
pub(super) fn read(
    client: &mut Client,
    kind: &str,
    symbol: &Symbol,
    tf: Timeframe,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<DaySummary>, StoreError> {
    let (lo, hi) = day_range(from, to);
    let rows = client.query(
        "SELECT day, rows, filled, first_ts, last_ts, open, high, low, close, volume
         FROM series_days
         WHERE kind = $1 AND symbol_id = (SELECT id FROM symbols WHERE symbol = $2)
           AND timeframe = $3 AND day BETWEEN $4 AND $5
         ORDER BY day",
        &[&kind, &symbol.as_str(), &tf_key(tf), &lo, &hi],
    )?;
    rows.iter()
        .map(|r| {
            let mut v = [None; 10];
            for (i, x) in v.iter_mut().enumerate() {
                *x = r.try_get(i)?;
            }
            from_columns(&v)
        })
        .collect()
}

fn rebuild_series<R: DayRows, C: GenericClient>(
    client: &mut C,
    symbol: &Symbol,
    sid: i32,
    tf: Timeframe,
    cal: Calendar,
) -> Result<(), StoreError> {
    let tf_text = tf_key(tf);
    let key = (R::TABLE, sid, tf_text.as_str());
    let stmt = client.prepare(SAVE)?;
    let q = BarQuery {
        symbol: symbol.clone(),
        timeframe: tf,
        start: None,
        end: None,
    };
    rebuild::<R, C>(
        client,
        tf,
        grid(tf, cal).as_ref(),
        REBUILD_PAGE,
        |c, after| page(c, &q, after, REBUILD_PAGE),
        |c, d| save(c, &stmt, key, d),
    )
}

/// Builds the index of every stored series (a store written before the index existed, at
/// migration 8: every symbol was on NYSE until migration 12 added calendars).
pub(super) fn rebuild_all<C: GenericClient>(client: &mut C) -> Result<(), StoreError> {
    rebuild_where(client, None, Calendar::Nyse)
}

/// Rebuilds the index of every series of symbol `sid` on `cal`, its new calendar.
pub(super) fn rebuild_symbol<C: GenericClient>(
    client: &mut C,
    sid: i32,
    cal: Calendar,
) -> Result<(), StoreError> {
    client.execute("DELETE FROM series_days WHERE symbol_id = $1", &[&sid])?;
    rebuild_where(client, Some(sid), cal)
}

fn rebuild_where<C: GenericClient>(
    client: &mut C,
    sid: Option<i32>,
    cal: Calendar,
) -> Result<(), StoreError> {
    let series: Vec<(String, i32, String, String)> = client
        .query(
            "SELECT st.kind, st.symbol_id, s.symbol, st.timeframe
             FROM series_stats st JOIN symbols s ON s.id = st.symbol_id
             WHERE $1::INTEGER IS NULL OR st.symbol_id = $1",
            &[&sid],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    for (kind, sid, symbol, tf) in series {
        let symbol = parse_symbol(&symbol, "series_stats")?;
        let tf = parse_tf(&tf, "series_stats")?;
        match kind.as_str() {
            "bars" => rebuild_series::<Bar, _>(client, &symbol, sid, tf, cal)?,
            "quote_bars" => rebuild_series::<QuoteBar, _>(client, &symbol, sid, tf, cal)?,
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
pub(super) fn refresh<R: DayRows, C: GenericClient>(
    client: &mut C,
    symbol: &Symbol,
    sid: i32,
    tf: Timeframe,
    grid: Option<&BarGrid>,
    dates: &[NaiveDate],
) -> Result<(), StoreError> {
    let tf_text = tf_key(tf);
    let key = (R::TABLE, sid, tf_text.as_str());
    let stmt = client.prepare(SAVE)?;
    let read = client.prepare(&page_sql::<R>())?;
    for &date in dates {
        let (lo, hi) = bounds(tf, date)?;
        let q = BarQuery {
            symbol: symbol.clone(),
            timeframe: tf,
            start: Some(UnixNanos::new(lo)),
            end: UnixNanos::new(hi).checked_plus(1),
        };
        let stored: Vec<R> = page_on(client, &read, &q, None, usize::MAX)?;
        let days = R::summarize(tf, grid, &stored)?;
        if days.is_empty() {
            client.execute(
                "DELETE FROM series_days
                 WHERE kind = $1 AND symbol_id = $2 AND timeframe = $3 AND day = $4",
                &[&R::TABLE, &sid, &tf_text, &crate::days::day_number(date)],
            )?;
        }
        for d in &days {
            save(client, &stmt, key, d)?;
        }
    }
    Ok(())
}
