//! `ztrade data validate`: the data-quality report of `upkeep::validate` (shared with the
//! collector's `validate` job kind), stamped with the wall clock, and `--fail-on`.

use chrono::NaiveDate;
use domain::quality::{Config, Severity};
use domain::{Symbol, Timeframe, UnixNanos};

pub use upkeep::validate::*;

use crate::AppError;

/// A check of what the filters select, stamped with the wall clock now, with the default
/// thresholds: what `ztrade data validate` runs.
pub fn request_now(
    symbol: Option<Symbol>,
    timeframe: Option<Timeframe>,
    since: Option<NaiveDate>,
) -> Result<ValidateRequest, AppError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .ok_or_else(|| AppError::Overflow("the clock is outside 1970..2262".into()))?;
    Ok(ValidateRequest {
        symbol,
        timeframe,
        since,
        checked_at: UnixNanos::new(now),
        config: Config::default(),
    })
}

/// `--fail-on`: an error when any finding of `report` is `severity` or worse.
pub fn fail_on(report: &ValidateReport, severity: Option<Severity>) -> Result<(), AppError> {
    match severity {
        Some(s) if report.at_least(s) > 0 => Err(AppError::Findings(format!(
            "{} findings at {s} or worse (--fail-on {s})",
            report.at_least(s)
        ))),
        _ => Ok(()),
    }
}
