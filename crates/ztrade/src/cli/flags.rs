//! Flags and parsers several commands share: the runtime clock (`collect`, `scheduler`,
//! `worker`, `paper run`), times and durations, and [`choice`], a flag of a domain type read
//! by its `FromStr`.

use clap::Args;
use collector::runtime::Clock;
use domain::{Timeframe, UnixNanos};

/// The runtime clock's testing aids.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Testing aids")]
pub struct ClockArgs {
    /// Start the runtime clock at this instant (RFC 3339) instead of the system time; it then
    /// advances with real time. For tests and demos outside market hours.
    #[arg(long, env = "ZTRADE_NOW", value_name = "TIME", value_parser = parse_time)]
    pub now: Option<UnixNanos>,
    /// With --now: simulated seconds per real second.
    #[arg(
        long,
        env = "ZTRADE_CLOCK_SPEED",
        default_value_t = 1,
        value_name = "N",
        requires = "now"
    )]
    pub clock_speed: u32,
}

impl ClockArgs {
    pub fn clock(&self) -> Clock {
        match self.now {
            Some(t) => Clock::shifted(t, self.clock_speed),
            None => Clock::System,
        }
    }
}

pub fn parse_time(text: &str) -> Result<UnixNanos, String> {
    app::time::instant(text)
}

/// `0`, or a length like `30s`, `2m`, `1h`, `1d`, in nanoseconds.
pub fn parse_span(text: &str) -> Result<i64, String> {
    if text.trim() == "0" {
        return Ok(0);
    }
    Timeframe::parse(text)
        .ok()
        .and_then(Timeframe::nanos)
        .ok_or_else(|| format!("{text:?} is not a duration like 30s, 2m, 1h or 1d"))
}

/// [`parse_span`], or a number of milliseconds like `250ms`, in nanoseconds.
pub fn parse_short_span(text: &str) -> Result<i64, String> {
    match text.trim().strip_suffix("ms").map(str::parse::<u32>) {
        Some(Ok(ms)) => Ok(i64::from(ms) * 1_000_000),
        Some(Err(_)) => Err(format!("{text:?} is not a duration like 250ms, 30s or 2m")),
        None => parse_span(text)
            .map_err(|_| format!("{text:?} is not a duration like 250ms, 30s or 2m")),
    }
}

/// A flag read by `T`'s `FromStr`, listing `names` in the help and in errors.
pub fn choice<T>(names: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
    T::Err: std::fmt::Display,
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(names)
        .try_map(|s| s.parse::<T>().map_err(|e| e.to_string()))
}
