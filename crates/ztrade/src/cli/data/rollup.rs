//! `ztrade data rollup --symbol S --from 1m --to 5m,15m,1h,1d`.

use app::data::rollup::RollupRequest;
use clap::Args;
use domain::grid::rollup::Hours;
use domain::{Symbol, Timeframe};

use crate::cli::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Args)]
pub struct RollupArgs {
    /// Ticker of the stored series to roll up (e.g. SPY).
    #[arg(long)]
    symbol: Symbol,
    /// Timeframe of the stored source series: an intraday one (1m, 5m, 1h…).
    #[arg(long)]
    from: Timeframe,
    /// Comma-separated targets, each a longer multiple of --from or 1d (e.g. 5m,15m,1h,1d).
    #[arg(long, value_delimiter = ',', required = true)]
    to: Vec<Timeframe>,
    /// Count pre- and after-hours bars too. By default only bars in the session of the
    /// symbol's calendar are rolled up (NYSE: 09:30–16:00 New York, 13:00 on early closes).
    #[arg(long)]
    extended: bool,
    /// Recompute every bucket instead of only those touched since the last roll-up.
    #[arg(long)]
    full: bool,
    /// Finished buckets written per transaction (each with its checkpoint).
    #[arg(long, default_value_t = RollupRequest::BATCH, value_name = "BUCKETS")]
    batch: usize,
}

pub fn run(a: RollupArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let req = RollupRequest {
        symbol: a.symbol,
        from: a.from,
        to: a.to,
        hours: if a.extended {
            Hours::Extended
        } else {
            Hours::Regular
        },
        full: a.full,
        batch: a.batch,
    };
    let mut store = g.open(Open::Migrated)?;
    let report = app::data::rollup::rollup(store.as_mut(), &req)?;
    if g.json {
        return output::json(&report);
    }
    output::text(|t| render::text::rollup(t, &report));
    Ok(())
}
