//! Retention (`ztrade data retain`, and the collector's `retain` job kind): old rows deleted by
//! policy, never what no coarser series holds, never what a stored run read (unless forced).
//!
//! - [`policy`]: the `retention` section of the config: ages per kind and timeframe.
//! - [`plan`]: what may go from each series, and what "rolled up into the next timeframe" means.
//! - [`runs`]: the data a stored backtest run read.
//! - [`spans`]: sets of stamps as sorted half-open spans.
//! - [`apply`]: the deletes, in batches, oldest first.
//!
//! A dry run (the default) reports per series the rows that would go and their estimated size:
//! rows × the table's bytes per row, where the table's bytes are its pages on disk with its
//! indexes (SQLite: `dbstat`, every page × the page size; PostgreSQL: `pg_total_relation_size`,
//! or `hypertable_size` on TimescaleDB) and its rows are counted (SQLite: the table's leaf cells;
//! PostgreSQL: `series_stats` for bars, the planner's `reltuples` for ticks). The rows of one
//! table are close in size (integer columns), so the average is a fair guess for any of them;
//! what a delete gives back to the file system is reported after `--apply` as `reclaimed`.
//!
//! With `apply`, each batch of at most `batch` rows is one transaction with the derived rows, so
//! a `kill -9` leaves whole batches and a rerun (which plans again) finishes the work.

mod apply;
pub mod plan;
pub mod policy;
pub mod runs;
pub mod spans;

use domain::{Symbol, UnixNanos};
use serde::Serialize;
use store::retain::{ChunkDrop, Reclaimed};

pub use plan::{PlanStore, SeriesRetention};
pub use policy::{Keep, Policies, Policy, PolicyError, RawRetention};

use crate::UpkeepError;

#[derive(Debug, Clone)]
pub struct RetainRequest {
    pub policies: Policies,
    /// "Now": ages are counted back from its New York date.
    pub as_of: UnixNanos,
    /// Only these symbols' series; every series when empty.
    pub symbols: Vec<Symbol>,
    /// Delete; otherwise only report.
    pub apply: bool,
    /// Delete what stored runs read too.
    pub force: bool,
    /// Rows per transaction.
    pub batch: u64,
}

impl RetainRequest {
    /// The default batch: 50,000 rows per transaction.
    pub const BATCH: u64 = 50_000;
}

#[derive(Debug, Clone, Serialize)]
pub struct RetainReport {
    pub as_of: UnixNanos,
    pub applied: bool,
    pub force: bool,
    pub series: Vec<SeriesRetention>,
    /// Rows to delete (dry run) or deleted, over every series.
    pub rows: u64,
    /// Their estimated size on disk.
    pub bytes: u64,
    /// How `bytes` is estimated.
    pub bytes_estimate: &'static str,
    /// Whole TimescaleDB chunks dropped.
    pub chunks: Vec<ChunkDrop>,
    /// What `--apply` gave back to the file system.
    pub reclaimed: Option<Reclaimed>,
}

pub const BYTES_ESTIMATE: &str = "rows × the table's bytes per row: its pages on disk with its \
    indexes ÷ its rows (SQLite dbstat, PostgreSQL pg_total_relation_size)";

/// Plans every series a policy names and, with `apply`, deletes.
pub fn retain<S: PlanStore + ?Sized>(
    store: &mut S,
    req: &RetainRequest,
) -> Result<RetainReport, UpkeepError> {
    if req.policies.is_empty() {
        return Err(UpkeepError::input(
            "no retention policies: add a `retention:` section to the config, e.g. \
             `retention: { ticks: 30d, 1m: 2y, 1d: forever }`",
        ));
    }
    let mut plans = plan::plan(&*store, &req.policies, &req.symbols, req.as_of, req.force)?;
    estimate(&*store, &mut plans)?;
    let mut chunks = Vec::new();
    let mut reclaimed = None;
    if req.apply {
        chunks = apply::apply(store, &mut plans, req.batch.max(1))?;
        reclaimed = Some(store.reclaim()?);
    }
    let series: Vec<SeriesRetention> = plans.into_iter().map(|p| p.report).collect();
    Ok(RetainReport {
        as_of: req.as_of,
        applied: req.apply,
        force: req.force,
        rows: series.iter().map(|s| s.rows).sum(),
        bytes: series.iter().map(|s| s.bytes).sum(),
        bytes_estimate: BYTES_ESTIMATE,
        series,
        chunks,
        reclaimed,
    })
}

/// Fills each plan's `bytes`: its rows × its table's bytes per row (each table measured once).
fn estimate<S: PlanStore + ?Sized>(
    store: &S,
    plans: &mut [plan::Planned],
) -> Result<(), UpkeepError> {
    let mut sizes: Vec<(&'static str, store::retain::TableSize)> = Vec::new();
    for p in plans.iter_mut().filter(|p| p.report.rows > 0) {
        let table = p.report.series.table();
        let size = match sizes.iter().find(|(t, _)| *t == table) {
            Some((_, s)) => *s,
            None => {
                let s = store.table_size(&p.report.series)?;
                sizes.push((table, s));
                s
            }
        };
        if size.rows > 0 {
            let b = u128::from(p.report.rows) * u128::from(size.bytes) / u128::from(size.rows);
            p.report.bytes = u64::try_from(b).unwrap_or(u64::MAX);
        }
    }
    Ok(())
}
