//! An options job's settings: which part of the chain each run fetches, and the arbitrage scan
//! after each snapshot. [`resolve`] validates a raw job's `strike_range`, `expiry_days`, `scan`
//! and `scan_*` fields into an [`OptionsRun`], which the plan's `Task::Options` and the queued
//! run's `RunTask::Options` both carry (so a worker needs no config file).
//!
//! The serde defaults are the config's, so a run queued by an older scheduler (whose JSON has
//! none of these fields) parses and runs as a job configured without them would.

use domain::Price;
use serde::{Deserialize, Serialize};

use crate::schedule::config::RawJob;
use crate::schedule::error::ConfigError;

/// The default `strike_range`: ± 20% around the underlying's last close, as the original
/// system fetched.
pub const DEFAULT_STRIKE_PERCENT: &str = "20";
/// The default `expiry_days`: expiries from today to today + 60 days (New York dates).
pub const DEFAULT_EXPIRY_DAYS: u32 = 60;
/// The longest `expiry_days` accepted (ten years; listed LEAPS reach about three).
pub const MAX_EXPIRY_DAYS: u32 = 3650;
/// The default `scan_fees_per_contract`, per leg (a common retail commission).
pub const DEFAULT_SCAN_FEES: &str = "0.65";
/// The default `scan_min_edge`: any positive edge after fees is recorded.
pub const DEFAULT_SCAN_MIN_EDGE: &str = "0";
/// The default `scan_rate`, a continuously compounded annual rate as a fraction.
pub const DEFAULT_SCAN_RATE: &str = "0.05";

/// Which strikes a run fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StrikeRange {
    /// Every strike (`strike_range = "all"`).
    All,
    /// Strikes within ± this many percent of the underlying's reference price (`"20%"` → 20).
    Percent(Price),
}

impl Default for StrikeRange {
    fn default() -> Self {
        Self::Percent(Price::lit(DEFAULT_STRIKE_PERCENT))
    }
}

impl StrikeRange {
    /// The strike bounds around `reference`: `None` for [`StrikeRange::All`], or when a bound
    /// does not fit a price.
    pub fn bounds(self, reference: Price) -> Option<(Price, Price)> {
        let Self::Percent(p) = self else { return None };
        let hundred = 100 * Price::UNIT;
        let low = reference.checked_mul_ratio(hundred.checked_sub(p.raw())?, hundred)?;
        let high = reference.checked_mul_ratio(hundred.checked_add(p.raw())?, hundred)?;
        Some((low.max(Price::ZERO), high))
    }
}

/// The scan run after each snapshot (`scan = true`), through `upkeep::arbitrage::scan_chain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSettings {
    /// Fees per option contract, per leg (`scan_fees_per_contract`, default 0.65).
    pub fees_per_contract: Price,
    /// A finding's edge per set after fees must be above this (`scan_min_edge`, default 0).
    pub min_edge: Price,
    /// The fallback rate (`scan_rate`, default 0.05), kept as an exact decimal so that runs
    /// compare equal. It discounts an expiry whose chain gives no discount factor of its own
    /// (too few two-sided strikes for a parity fit): at 0 a box or a parity pair would be
    /// valued at its undiscounted payoff, and on a 60-day expiry at 5% that is about 0.8% of
    /// the strike width, enough to record ordinary carry as arbitrage.
    pub rate: Price,
}

impl Default for ScanSettings {
    fn default() -> Self {
        Self {
            fees_per_contract: Price::lit(DEFAULT_SCAN_FEES),
            min_edge: Price::lit(DEFAULT_SCAN_MIN_EDGE),
            rate: Price::lit(DEFAULT_SCAN_RATE),
        }
    }
}

/// What each run of an options job fetches and does after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionsRun {
    #[serde(default)]
    pub strikes: StrikeRange,
    /// Expiries from the run's New York date to this many days later, both included.
    #[serde(default = "default_expiry_days")]
    pub expiry_days: u32,
    /// Scan each symbol's new snapshot for arbitrage and record the runs found.
    #[serde(default)]
    pub scan: Option<ScanSettings>,
}

fn default_expiry_days() -> u32 {
    DEFAULT_EXPIRY_DAYS
}

impl Default for OptionsRun {
    fn default() -> Self {
        Self {
            strikes: StrikeRange::default(),
            expiry_days: DEFAULT_EXPIRY_DAYS,
            scan: None,
        }
    }
}

/// The options fields of `rj` (an options job) validated; `bad` names the job's field.
pub fn resolve(
    rj: &RawJob,
    bad: &dyn Fn(&str, String) -> ConfigError,
) -> Result<OptionsRun, ConfigError> {
    let strikes = match rj.strike_range.as_deref().map(str::trim) {
        None => StrikeRange::default(),
        Some(text) => strike_range(text).map_err(|r| bad("strike_range", r))?,
    };
    let expiry_days = match rj.expiry_days {
        None => DEFAULT_EXPIRY_DAYS,
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_EXPIRY_DAYS)
            .ok_or_else(|| {
                bad(
                    "expiry_days",
                    format!("{n} is not between 0 (today's expiries only) and {MAX_EXPIRY_DAYS}"),
                )
            })?,
    };
    let scan_fields = [
        (
            "scan_fees_per_contract",
            rj.scan_fees_per_contract.is_some(),
        ),
        ("scan_min_edge", rj.scan_min_edge.is_some()),
        ("scan_rate", rj.scan_rate.is_some()),
    ];
    let scan = if rj.scan == Some(true) {
        Some(scan_settings(rj, bad)?)
    } else {
        if let Some((f, _)) = scan_fields.iter().find(|(_, present)| *present) {
            return Err(bad(f, "set `scan = true` first".into()));
        }
        None
    };
    Ok(OptionsRun {
        strikes,
        expiry_days,
        scan,
    })
}

/// `"20%"` (more than 0, at most 100) or `"all"`.
fn strike_range(text: &str) -> Result<StrikeRange, String> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(StrikeRange::All);
    }
    let Some(number) = text.strip_suffix('%') else {
        return Err(format!(
            "{text:?} is not a percent around the money, e.g. \"20%\", or \"all\""
        ));
    };
    let p = Price::parse(number.trim()).map_err(|e| format!("{text:?}: {e}"))?;
    if p <= Price::ZERO || p > Price::from_int(100) {
        return Err(format!("{text:?} is not between 0% (excluded) and 100%"));
    }
    Ok(StrikeRange::Percent(p))
}

fn scan_settings(
    rj: &RawJob,
    bad: &dyn Fn(&str, String) -> ConfigError,
) -> Result<ScanSettings, ConfigError> {
    let money = |f: &str, text: Option<&str>, default: &str| -> Result<Price, ConfigError> {
        let text = text.unwrap_or(default).trim();
        let p = Price::parse(text).map_err(|e| bad(f, format!("{text:?}: {e}")))?;
        if p.is_negative() {
            return Err(bad(f, format!("{text} is negative")));
        }
        Ok(p)
    };
    let rate = match rj.scan_rate {
        None => Price::lit(DEFAULT_SCAN_RATE),
        Some(r) if r.is_finite() && (-0.05..=0.5).contains(&r) => {
            // Through the shortest text that reads back as `r`: 0.05 stays 0.05.
            Price::parse_rounded(&r.to_string()).map_err(|e| bad("scan_rate", e.to_string()))?
        }
        Some(r) => {
            return Err(bad(
                "scan_rate",
                format!("{r} is not a yearly rate between -0.05 and 0.5 (a fraction: 0.05 is 5%)"),
            ));
        }
    };
    Ok(ScanSettings {
        fees_per_contract: money(
            "scan_fees_per_contract",
            rj.scan_fees_per_contract.as_deref(),
            DEFAULT_SCAN_FEES,
        )?,
        min_edge: money(
            "scan_min_edge",
            rj.scan_min_edge.as_deref(),
            DEFAULT_SCAN_MIN_EDGE,
        )?,
        rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_bounds_are_exact() {
        let r = StrikeRange::Percent(Price::lit("20"));
        assert_eq!(
            r.bounds(Price::lit("150")),
            Some((Price::lit("120"), Price::lit("180")))
        );
        let r = StrikeRange::Percent(Price::lit("12.5"));
        assert_eq!(
            r.bounds(Price::lit("100.4")),
            Some((Price::lit("87.85"), Price::lit("112.95")))
        );
        assert_eq!(StrikeRange::All.bounds(Price::lit("150")), None);
    }

    #[test]
    fn strike_ranges_parse_or_say_why() {
        assert_eq!(
            strike_range("25%"),
            Ok(StrikeRange::Percent(Price::lit("25")))
        );
        assert_eq!(strike_range("ALL"), Ok(StrikeRange::All));
        assert!(strike_range("20").unwrap_err().contains("percent"));
        assert!(strike_range("0%").unwrap_err().contains("between"));
        assert!(strike_range("101%").unwrap_err().contains("between"));
        assert!(strike_range("x%").is_err());
    }
}
