//! Roll-up checkpoints in SQLite, read here and written by `collect::write_rollup_checkpoint`
//! inside the transaction that writes the rolled bars.

use domain::{Bar, Symbol, Timeframe, UnixNanos};
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::bars::upsert;
use crate::rollup::{Mark, RollupCheckpoint, parse_hours};
use crate::rows::tf_key;
use crate::{RollupStore, StoreError, UpsertCounts};

fn read(
    conn: &Connection,
    symbol: &Symbol,
    from: Timeframe,
    to: Timeframe,
) -> Result<Option<RollupCheckpoint>, StoreError> {
    let row: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT c.hours, c.last_source FROM rollup_checkpoints c
             JOIN symbols s ON s.id = c.symbol_id
             WHERE s.symbol = ?1 AND c.from_tf = ?2 AND c.to_tf = ?3",
        )?
        .query_row(params![symbol.as_str(), tf_key(from), tf_key(to)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(hours, last)| {
        Ok(RollupCheckpoint {
            symbol: symbol.clone(),
            from,
            to,
            hours: parse_hours(&hours)?,
            last_source: UnixNanos::new(last),
        })
    })
    .transpose()
}

impl RollupStore for SqliteStore {
    fn rollup_checkpoint(
        &self,
        symbol: &Symbol,
        from: Timeframe,
        to: Timeframe,
    ) -> Result<Option<RollupCheckpoint>, StoreError> {
        read(&self.conn, symbol, from, to)
    }

    fn upsert_rolled_bars(
        &mut self,
        bars: &[Bar],
        checkpoint: &RollupCheckpoint,
    ) -> Result<UpsertCounts, StoreError> {
        upsert::<Bar>(
            &mut self.conn,
            &checkpoint.symbol,
            checkpoint.to,
            bars,
            Some(Mark::Rollup(checkpoint)),
            None,
        )
    }
}
