//! `ztrade data validate [--symbol S] [--timeframe TF] [--since DATE] [--fail-on warn|error]`.

use app::data::validate::ValidateRequest;
use clap::Args;
use domain::quality::{Config, Severity};
use domain::{Symbol, Timeframe, UnixNanos};

use crate::cli::{GlobalArgs, Open};
use crate::output;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Check only this ticker's series (bars, quote bars, trades, quotes).
    #[arg(long)]
    symbol: Option<Symbol>,
    /// Check only bar and quote-bar series of this timeframe (ticks are then left out).
    #[arg(long)]
    timeframe: Option<Timeframe>,
    /// Report from this date on (YYYY-MM-DD, exchange date); earlier bars are read as context.
    #[arg(long, value_name = "DATE")]
    since: Option<chrono::NaiveDate>,
    /// Exit with an error when any finding is this severe or worse: warn or error.
    #[arg(long, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
}

pub fn run(a: ValidateArgs, g: &GlobalArgs) -> anyhow::Result<()> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let req = ValidateRequest {
        symbol: a.symbol,
        timeframe: a.timeframe,
        since: a.since,
        checked_at: UnixNanos::new(i64::try_from(now.as_nanos())?),
        config: Config::default(),
    };
    let mut store = g.open(Open::Ready)?;
    let report = app::data::validate::validate(store.as_mut(), &req)?;
    if g.json {
        output::json(&report)?;
    } else {
        output::text(|t| render::text::validate(t, &report));
    }
    match a.fail_on {
        Some(s) if report.at_least(s) > 0 => anyhow::bail!(
            "{} findings at {s} or worse (--fail-on {s})",
            report.at_least(s)
        ),
        _ => Ok(()),
    }
}
