//! Split and dividend adjustment of bars on read: the multiplicative method (CRSP, Yahoo, LEAN).
//!
//! - [`Adjustment`]: `raw` (stored prices as traded), `split` (splits only), `all` (splits and
//!   cash dividends).
//! - [`Factor`]: an exact decimal multiplier with 18 places.
//! - [`Adjuster`]: built from a symbol's action list, the adjustment, an as-of date and the daily
//!   closes the dividends need; maps raw bars to adjusted ones.
//!
//! The method: for a cash dividend `D` with ex-date `t`, every price of a bar before `t` is
//! multiplied by `1 − D / C`, where `C` is the raw close of the last session before `t` (the last
//! daily close the caller hands in dated before `t`). For a split `from:to`, prices before `t`
//! are multiplied by `from/to` and volumes by `to/from`. A bar's date is its exchange date
//! (a daily bar's stamp is midnight UTC of it; an intraday bar's is its New York date), so
//! pre-market bars on the ex-date are already post-split and the evening before is not.
//!
//! Point in time: only actions with `ex_date ≤ as_of` count, which reproduces a file a vendor
//! adjusted on that date. Raw bars are never rewritten; this only maps what is read.
//!
//! Accuracy: each event's factor is exact to 18 decimal places (rounded half to even), and
//! products of factors are rounded the same way, so a cumulative multiplier differs from the
//! exact rational by less than `n × 10⁻¹⁸` absolute for `n` events (below 10⁻¹⁴ relative for any
//! multiplier above 10⁻⁴). Adjusted prices are then rounded half to even to the price's own unit
//! (10⁻⁹); volumes use the exact split ratio. Every step is checked: an overflow is an error,
//! never a wrapped or saturated value.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::bar::Bar;
use crate::corporate_action::{CorporateAction, CorporateActionKind};
use crate::fixed::{Price, Quantity, div_round_half_even, mul_div_round};
use crate::time::UnixNanos;
use crate::timeframe::Timeframe;

/// Which corporate actions a read adjusts for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// Prices and volumes as traded and stored.
    #[default]
    Raw,
    /// Splits only: prices × from/to, volumes × to/from.
    Split,
    /// Splits and cash dividends (total-return prices).
    All,
}

impl Adjustment {
    pub const NAMES: [&'static str; 3] = ["raw", "split", "all"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Split => "split",
            Self::All => "all",
        }
    }

    pub fn is_raw(&self) -> bool {
        *self == Self::Raw
    }

    /// Whether an action of `kind` counts under this adjustment.
    pub fn covers(self, kind: &CorporateActionKind) -> bool {
        match (self, kind) {
            (Self::Raw, _) => false,
            (Self::Split, CorporateActionKind::Split { .. }) => true,
            (Self::Split, CorporateActionKind::CashDividend { .. }) => false,
            (Self::All, _) => true,
        }
    }
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Adjustment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "raw" => Ok(Self::Raw),
            "split" => Ok(Self::Split),
            "all" => Ok(Self::All),
            other => Err(format!(
                "unknown adjustment {other:?} (expected raw, split or all)"
            )),
        }
    }
}

/// A price multiplier in units of 10⁻¹⁸, always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Factor(i128);

impl Factor {
    pub const SCALE: u32 = 18;
    const UNIT: i128 = 1_000_000_000_000_000_000;
    pub const ONE: Factor = Factor(Self::UNIT);

    pub const fn raw(self) -> i128 {
        self.0
    }

    /// `num / den`, rounded half to even; `None` unless both are positive.
    pub fn ratio(num: i128, den: i128) -> Option<Factor> {
        if num <= 0 || den <= 0 {
            return None;
        }
        let f = div_round_half_even(num.checked_mul(Self::UNIT)?, den);
        (f > 0).then_some(Factor(f))
    }

    pub fn checked_mul(self, o: Factor) -> Option<Factor> {
        // Split off the whole part so `a × b` cannot overflow for factors below ~10^20.
        let (whole, frac) = (o.0 / Self::UNIT, o.0 % Self::UNIT);
        let a = self.0.checked_mul(whole)?;
        let b = div_round_half_even(self.0.checked_mul(frac)?, Self::UNIT);
        let f = a.checked_add(b)?;
        (f > 0).then_some(Factor(f))
    }

    /// `p × self`, rounded half to even at the price's unit; `None` on overflow.
    pub fn apply(self, p: Price) -> Option<Price> {
        let raw = div_round_half_even(i128::from(p.raw()).checked_mul(self.0)?, Self::UNIT);
        i64::try_from(raw).ok().map(Price::from_raw)
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / Self::UNIT as f64
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::fixed::format_decimal(self.0, Self::SCALE, f)
    }
}

/// Why a list of actions cannot adjust a bar.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AdjustError {
    #[error(
        "{symbol} dividend ex {ex_date}: no daily close before it to compute the factor; import daily bars for {symbol}, or adjust for splits only"
    )]
    NoPriorClose { symbol: String, ex_date: NaiveDate },
    #[error(
        "{symbol} dividend ex {ex_date}: {amount} is not below the prior close {close} ({close_date})"
    )]
    DividendAboveClose {
        symbol: String,
        ex_date: NaiveDate,
        amount: Price,
        close: Price,
        close_date: NaiveDate,
    },
    #[error("{symbol}: the adjustment factor before {ex_date} overflows")]
    FactorOverflow { symbol: String, ex_date: NaiveDate },
    #[error("{symbol} bar at {ts}: the adjusted {field} does not fit the type")]
    BarOverflow {
        symbol: String,
        ts: String,
        field: &'static str,
    },
}

/// One step of the adjustment: the multipliers for every bar dated before `ex_date` and on or
/// after the previous step's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub ex_date: NaiveDate,
    /// Prices before `ex_date`: the product of every counted event from here on. `Err` when a
    /// dividend from here on has no prior close (only an error if a bar needs it).
    pub price: Result<Factor, AdjustError>,
    /// Volumes before `ex_date`: `num / den`, the product of the split ratios to/from.
    pub volume: (i64, i64),
}

/// Maps raw bars of one symbol to adjusted bars ([`Adjuster::bar`]).
#[derive(Debug, Clone)]
pub struct Adjuster {
    symbol: String,
    daily: bool,
    steps: Vec<Step>,
}

impl Adjuster {
    /// The adjuster for bars of `timeframe` under `mode`, counting the actions with
    /// `ex_date ≤ as_of` (all when `None`). `closes`: daily (date, raw close) pairs in date order,
    /// at least the last one before each dividend's ex-date (more are fine). Actions of other
    /// symbols than the first's are a caller's mistake and are counted like the rest.
    pub fn new(
        actions: &[CorporateAction],
        mode: Adjustment,
        as_of: Option<NaiveDate>,
        timeframe: Timeframe,
        closes: &[(NaiveDate, Price)],
    ) -> Result<Adjuster, AdjustError> {
        let symbol = actions
            .first()
            .map(|a| a.symbol.to_string())
            .unwrap_or_default();
        let mut counted: Vec<&CorporateAction> = actions
            .iter()
            .filter(|a| mode.covers(&a.kind) && as_of.is_none_or(|d| a.ex_date <= d))
            .collect();
        counted.sort_by_key(|a| a.ex_date);
        // Suffix products from the latest event back: a bar before step i is multiplied by
        // every event from i on.
        let mut steps: Vec<Step> = Vec::with_capacity(counted.len());
        let mut price: Result<Factor, AdjustError> = Ok(Factor::ONE);
        let mut volume = (1i64, 1i64);
        for a in counted.iter().rev() {
            let overflow = || AdjustError::FactorOverflow {
                symbol: symbol.clone(),
                ex_date: a.ex_date,
            };
            match a.kind {
                CorporateActionKind::Split { from, to } => {
                    let f = Factor::ratio(i128::from(from), i128::from(to)).ok_or_else(overflow)?;
                    price = match price {
                        Ok(p) => Ok(p.checked_mul(f).ok_or_else(overflow)?),
                        e => e,
                    };
                    volume = reduce(
                        volume.0.checked_mul(i64::from(to)).ok_or_else(overflow)?,
                        volume.1.checked_mul(i64::from(from)).ok_or_else(overflow)?,
                    );
                }
                CorporateActionKind::CashDividend { amount } => {
                    let before = closes.partition_point(|(d, _)| *d < a.ex_date);
                    let f = match before.checked_sub(1).map(|i| closes[i]) {
                        None => Err(AdjustError::NoPriorClose {
                            symbol: symbol.clone(),
                            ex_date: a.ex_date,
                        }),
                        Some((close_date, close)) if amount >= close => {
                            return Err(AdjustError::DividendAboveClose {
                                symbol: symbol.clone(),
                                ex_date: a.ex_date,
                                amount,
                                close,
                                close_date,
                            });
                        }
                        Some((_, close)) => Ok(Factor::ratio(
                            i128::from(close.raw()) - i128::from(amount.raw()),
                            i128::from(close.raw()),
                        )
                        .ok_or_else(overflow)?),
                    };
                    price = match (price, f) {
                        (Ok(p), Ok(f)) => Ok(p.checked_mul(f).ok_or_else(overflow)?),
                        (Err(e), _) | (_, Err(e)) => Err(e),
                    };
                }
            }
            steps.push(Step {
                ex_date: a.ex_date,
                price: price.clone(),
                volume,
            });
        }
        steps.reverse();
        Ok(Adjuster {
            symbol,
            daily: timeframe.is_daily_or_longer(),
            steps,
        })
    }

    /// The steps, oldest ex-date first (events on one date merged into the last of them).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Nothing to adjust: every bar reads as stored.
    pub fn is_identity(&self) -> bool {
        self.steps.is_empty()
    }

    /// The exchange date a bar belongs to.
    pub fn bar_date(&self, ts: UnixNanos) -> NaiveDate {
        if self.daily {
            ts.utc_date()
        } else {
            ts.exchange_date()
        }
    }

    /// The price and volume multipliers of a bar on `date`.
    pub fn factors_on(&self, date: NaiveDate) -> Result<(Factor, (i64, i64)), AdjustError> {
        // The first step whose ex-date is after the bar's date: it and every later one count.
        let i = self.steps.partition_point(|s| s.ex_date <= date);
        match self.steps.get(i) {
            None => Ok((Factor::ONE, (1, 1))),
            Some(s) => Ok((s.price.clone()?, s.volume)),
        }
    }

    /// The adjusted bar: OHLC (and VWAP) × the price factor, volume × the split ratio.
    /// Rounding each price by one positive factor keeps `low ≤ open, close ≤ high`.
    pub fn bar(&self, b: &Bar) -> Result<Bar, AdjustError> {
        if self.steps.is_empty() {
            return Ok(*b);
        }
        let (f, (num, den)) = self.factors_on(self.bar_date(b.ts))?;
        if f == Factor::ONE && num == den {
            return Ok(*b);
        }
        let fail = |field| AdjustError::BarOverflow {
            symbol: self.symbol.clone(),
            ts: b.ts.to_rfc3339(),
            field,
        };
        let price = |p: Price, field| f.apply(p).ok_or_else(|| fail(field));
        let volume = mul_div_round(i128::from(b.volume.raw()), num, den)
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| fail("volume"))?;
        Ok(Bar {
            ts: b.ts,
            open: price(b.open, "open")?,
            high: price(b.high, "high")?,
            low: price(b.low, "low")?,
            close: price(b.close, "close")?,
            volume: Quantity::from_raw(volume),
            vwap: b.vwap.map(|v| price(v, "vwap")).transpose()?,
            trade_count: b.trade_count,
        })
    }
}

fn reduce(num: i64, den: i64) -> (i64, i64) {
    let g = gcd(num, den).max(1);
    (num / g, den / g)
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

#[cfg(test)]
mod tests;
