//! Market data in and out of the store.
//!
//! - [`import`]: a CSV file read whole and checked ([`formats::import`]), then stored in one
//!   transaction: a refused file stores nothing.
//! - [`ticks`]: a trade or quote tick file, read whole and checked, stored in batches keyed by
//!   (ts, seq): re-importing it changes nothing.
//! - [`aggregate`]: bars from stored trades (sale-condition rules, vwap, trade count), written
//!   per day with their origin.
//! - [`export`]: one series to CSV, JSON or Parquet, raw or adjusted ([`adjust`]).
//! - [`actions`]: import a splits-and-dividends file into the store (an upsert).
//! - [`adjust`]: split and dividend adjustment on read, as of a date, for export and runs.
//! - [`rollup`]: a series rolled up into longer timeframes, incrementally, batch by batch with
//!   its checkpoint (`upkeep::rollup`, shared with the collector's roll-up job kind).
//! - [`retain`]: retention policies applied: what may go, dry run or delete (`upkeep::retain`,
//!   shared with the collector's retention job kind).
//! - [`seed`]: deterministic synthetic bars and sentiment.
//! - [`status`]: rows, range and missing bars of every stored series, and their quality.
//! - [`validate`]: the data-quality report: coverage, gaps, order, OHLC, outliers, stale and
//!   zero-volume bars, crossed quotes, far ticks; stored per series.

pub mod actions;
pub mod adjust;
pub mod aggregate;
pub mod export;
pub mod import;
pub mod seed;
pub mod status;
pub mod ticks;
pub mod validate;

pub use upkeep::{retain, rollup};
