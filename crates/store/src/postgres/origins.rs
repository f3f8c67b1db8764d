//! Bars made from ticks in PostgreSQL: the bar upsert, with the `bar_origins` row in its
//! transaction (under the series' advisory lock).

use domain::{Bar, Symbol, Timeframe, UnixNanos};
use postgres::Transaction;

use super::PgStore;
use super::bars::upsert;
use crate::rows::tf_key;
use crate::{AggregateStore, BarOrigin, StoreError, UpsertCounts};

fn write(tx: &mut Transaction<'_>, sid: i32, tf: &str, o: &BarOrigin) -> Result<(), StoreError> {
    let (first, last) = (o.first.as_i64(), o.last.as_i64());
    tx.execute(
        "DELETE FROM bar_origins
         WHERE symbol_id = $1 AND timeframe = $2 AND first_ts >= $3 AND last_ts <= $4",
        &[&sid, &tf, &first, &last],
    )?;
    tx.execute(
        "INSERT INTO bar_origins
             (symbol_id, timeframe, first_ts, last_ts, aggregated_from, rules, ticks, bars)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (symbol_id, timeframe, first_ts) DO UPDATE SET
             last_ts = excluded.last_ts, aggregated_from = excluded.aggregated_from,
             rules = excluded.rules, ticks = excluded.ticks, bars = excluded.bars,
             created_at = excluded.created_at",
        &[
            &sid,
            &tf,
            &first,
            &last,
            &o.aggregated_from,
            &o.rules,
            &(o.ticks as i64),
            &(o.bars as i64),
        ],
    )?;
    Ok(())
}

impl AggregateStore for PgStore {
    fn upsert_aggregated_bars(
        &mut self,
        symbol: &Symbol,
        tf: Timeframe,
        bars: &[Bar],
        origin: &BarOrigin,
    ) -> Result<UpsertCounts, StoreError> {
        let key = self.lock_key("series");
        let extra = |tx: &mut Transaction<'_>, sid: i32, tf: &str| write(tx, sid, tf, origin);
        upsert::<Bar>(
            self.client.get_mut(),
            &key,
            symbol,
            tf,
            bars,
            None,
            Some(&extra),
        )
    }

    fn bar_origins(&self, symbol: &Symbol, tf: Timeframe) -> Result<Vec<BarOrigin>, StoreError> {
        let rows = self.client.borrow_mut().query(
            "SELECT first_ts, last_ts, aggregated_from, rules, ticks, bars FROM bar_origins
             WHERE symbol_id = (SELECT id FROM symbols WHERE symbol = $1) AND timeframe = $2
             ORDER BY first_ts",
            &[&symbol.as_str(), &tf_key(tf)],
        )?;
        rows.iter()
            .map(|r| {
                Ok(BarOrigin {
                    first: UnixNanos::new(r.try_get(0)?),
                    last: UnixNanos::new(r.try_get(1)?),
                    aggregated_from: r.try_get(2)?,
                    rules: r.try_get(3)?,
                    ticks: r.try_get::<_, i64>(4)? as u64,
                    bars: r.try_get::<_, i64>(5)? as u64,
                })
            })
            .collect()
    }
}
