//! Bars made from ticks in SQLite: the bar upsert, with the `bar_origins` row in its transaction.

use domain::{Bar, Symbol, Timeframe, UnixNanos};
use rusqlite::{Connection, params};

use super::SqliteStore;
use super::bars::upsert;
use crate::rows::tf_key;
use crate::{AggregateStore, BarOrigin, StoreError, UpsertCounts};

fn write(conn: &Connection, sid: i64, tf: &str, o: &BarOrigin) -> Result<(), StoreError> {
    let (first, last) = (o.first.as_i64(), o.last.as_i64());
    conn.prepare_cached(
        "DELETE FROM bar_origins
         WHERE symbol_id = ?1 AND timeframe = ?2 AND first_ts >= ?3 AND last_ts <= ?4",
    )?
    .execute(params![sid, tf, first, last])?;
    conn.prepare_cached(
        "INSERT INTO bar_origins
             (symbol_id, timeframe, first_ts, last_ts, aggregated_from, rules, ticks, bars)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (symbol_id, timeframe, first_ts) DO UPDATE SET
             last_ts = excluded.last_ts, aggregated_from = excluded.aggregated_from,
             rules = excluded.rules, ticks = excluded.ticks, bars = excluded.bars,
             created_at = excluded.created_at",
    )?
    .execute(params![
        sid,
        tf,
        first,
        last,
        o.aggregated_from,
        o.rules,
        o.ticks as i64,
        o.bars as i64
    ])?;
    Ok(())
}

impl AggregateStore for SqliteStore {
    fn upsert_aggregated_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        origin: &BarOrigin,
    ) -> Result<UpsertCounts, StoreError> {
        let extra = |c: &Connection, sid: i64, tf: &str| write(c, sid, tf, origin);
        upsert::<Bar>(&mut self.conn, symbol, tf, bars, None, Some(&extra))
    }

    fn bar_origins(&self, symbol: &Symbol, tf: Timeframe) -> Result<Vec<BarOrigin>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT first_ts, last_ts, aggregated_from, rules, ticks, bars FROM bar_origins
             WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = ?1) AND timeframe = ?2
             ORDER BY first_ts",
        )?;
        let rows = stmt.query_map(params![symbol.as_str(), tf_key(tf)], |r| {
            Ok(BarOrigin {
                first: UnixNanos::new(r.get(0)?),
                last: UnixNanos::new(r.get(1)?),
                aggregated_from: r.get(2)?,
                rules: r.get(3)?,
                ticks: r.get::<_, i64>(4)? as u64,
                bars: r.get::<_, i64>(5)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
