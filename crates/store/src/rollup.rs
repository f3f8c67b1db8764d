//! Roll-up checkpoints (migration 10): how far `ztrade data rollup` got per (symbol, source
//! timeframe, target timeframe), written with the rolled bars in one transaction
//! ([`crate::RollupStore::upsert_rolled_bars`]).

use domain::grid::rollup::Hours;
use domain::{Symbol, Timeframe, UnixNanos};
use serde::Serialize;

use crate::{Checkpoint, StoreError};

/// The last source bar rolled from `from` up to `to`, and the hours counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollupCheckpoint {
    pub symbol: Symbol,
    pub from: Timeframe,
    pub to: Timeframe,
    pub hours: Hours,
    pub last_source: UnixNanos,
}

/// What a bar write records beside the bars, in the same transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mark<'a> {
    Backfill(&'a Checkpoint),
    Rollup(&'a RollupCheckpoint),
}

pub(crate) fn hours_column(h: Hours) -> &'static str {
    h.as_str()
}

pub(crate) fn parse_hours(text: &str) -> Result<Hours, StoreError> {
    match text {
        "regular" => Ok(Hours::Regular),
        "extended" => Ok(Hours::Extended),
        other => Err(StoreError::Corrupt {
            table: "rollup_checkpoints",
            reason: format!("hours {other:?} is neither regular nor extended"),
        }),
    }
}
