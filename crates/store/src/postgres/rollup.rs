//! Roll-up checkpoints in PostgreSQL, read here and written by
//! `collect::write_rollup_checkpoint` inside the transaction that writes the rolled bars.

use domain::{Bar, Symbol, Timeframe, UnixNanos};
use postgres::Client;

use super::PgStore;
use super::bars::upsert;
use crate::rollup::{Mark, RollupCheckpoint, parse_hours};
use crate::rows::tf_key;
use crate::{RollupStore, StoreError, UpsertCounts};

fn read(
    client: &mut Client,
    symbol: &Symbol,
    from: Timeframe,
    to: Timeframe,
) -> Result<Option<RollupCheckpoint>, StoreError> {
    let row = client.query_opt(
        "SELECT c.hours, c.last_source FROM rollup_checkpoints c
         JOIN symbols s ON s.id = c.symbol_id
         WHERE s.symbol = $1 AND c.from_tf = $2 AND c.to_tf = $3",
        &[&symbol.as_str(), &tf_key(from), &tf_key(to)],
    )?;
    row.map(|r| {
        let hours: String = r.get(0);
        Ok(RollupCheckpoint {
            symbol: symbol.clone(),
            from,
            to,
            hours: parse_hours(&hours)?,
            last_source: UnixNanos::new(r.get(1)),
        })
    })
    .transpose()
}

impl RollupStore for PgStore {
    fn rollup_checkpoint(
        &self,
        symbol: &Symbol,
        from: Timeframe,
        to: Timeframe,
    ) -> Result<Option<RollupCheckpoint>, StoreError> {
        read(&mut self.client.borrow_mut(), symbol, from, to)
    }

    fn upsert_rolled_bars(
        &mut self,
        bars: &[Bar],
        checkpoint: &RollupCheckpoint,
    ) -> Result<UpsertCounts, StoreError> {
        let key = self.lock_key("series");
        upsert::<Bar>(
            self.client.get_mut(),
            &key,
            &checkpoint.symbol,
            checkpoint.to,
            bars,
            Some(Mark::Rollup(checkpoint)),
            None,
        )
    }
}
