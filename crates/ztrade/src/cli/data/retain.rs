//! `ztrade data retain --config FILE [--apply] [--force]`.

use std::path::PathBuf;

use app::data::retain::RetainRequest;
use clap::Args;
use domain::{Symbol, UnixNanos};

use crate::cli::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Args)]
pub struct RetainArgs {
    /// The config whose `retention` section holds the policies: the collection config (TOML
    /// or YAML), e.g. `retention: { ticks: 30d, 1m: 2y, 1d: forever }`.
    #[arg(long, short, value_name = "FILE")]
    config: PathBuf,
    /// Delete. Without it, a dry run: what would go per series, in rows and estimated bytes.
    #[arg(long)]
    apply: bool,
    /// Delete the data stored backtest runs read too (their symbols and timeframe over their
    /// period), which is kept otherwise.
    #[arg(long)]
    force: bool,
    /// Only these symbols' series (comma-separated); every stored series by default.
    #[arg(long, value_delimiter = ',')]
    symbols: Vec<Symbol>,
    /// Count the ages back from this date (New York) or RFC 3339 time instead of now.
    #[arg(long, value_name = "TIME", value_parser = app::time::noon_or_instant)]
    as_of: Option<UnixNanos>,
    /// Rows deleted per transaction (each with the day index and stats it changes).
    #[arg(long, default_value_t = RetainRequest::BATCH, value_name = "ROWS")]
    batch: u64,
}

pub fn run(a: RetainArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let req = RetainRequest {
        policies: collector::schedule::load_retention(&a.config)?,
        as_of: a
            .as_of
            .unwrap_or_else(|| collector::runtime::Clock::System.now()),
        symbols: a.symbols,
        apply: a.apply,
        force: a.force,
        batch: a.batch,
    };
    let mut store = g.open(Open::Ready)?;
    let report = app::data::retain::retain(store.as_mut(), &req)?;
    output::reply(g.json, &report, render::text::retain)
}
