//! Prices one [`Spec`] on one [`Book`]: its legs at the sides they would trade, the cash now,
//! the present value of what the position is sure to pay at expiry, fees, and the sets the top
//! of the book allows.
//!
//! The edge of one set, in money, is `cash now + PV(sure payoff) − fees`. What is sure depends
//! on the exercise style. European options settle only at expiry: parity is an equality,
//! `C − P = S − PV(D) − K·DF`, and a box pays `(K2 − K1)·DF`. An American short leg can be
//! assigned early, so where that would make us pay sooner the amount is not discounted
//! (a too-wide vertical costs at worst its width today), a conversion does not count on
//! dividends its stock might not be held for, and the parity bounds
//! `S − PV(D) − K ≤ C − P ≤ S − K·DF` bound a box between `K2·DF − K1 − PV(D)` (bought) and
//! `K2 − K1·DF + PV(D)` (sold): an American box is an arbitrage only outside that band.

use domain::{Money, OptionRight, OptionStyle, Price, Quantity, UnixNanos};
use serde::Serialize;

use super::ScanConfig;
use super::book::{Book, Series, Tradable};
use super::legs::{Leg, Side};
use super::spec::{Kind, Spec, right_of};

/// A check priced on a book.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub legs: Vec<Leg>,
    /// Cash now for one set: positive when the set is sold for credit.
    pub cash: Money,
    /// The present value of the sure payoff at expiry (negative when we pay).
    pub payoff_pv: Money,
    pub fees: Money,
    /// `cash + payoff_pv − fees`, for one set.
    pub edge: Money,
    /// Sets the displayed sizes allow; `None` when a leg has no size.
    pub sets: Option<i64>,
    /// The discount factor used, when one was.
    pub discount_factor: Option<f64>,
}

/// Why a check could not be priced on a book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unpriced {
    /// A leg has no tradable quote (absent, one-sided or crossed).
    MissingLeg,
    /// The series has no forward: no fit and no fallback spot.
    NoDiscountFactor,
    /// A conversion or reversal without the stock's quote.
    NoStock,
    /// The legs' quotes are further apart in time than the tolerance.
    TooFarApart,
    /// Three strikes whose gaps need more than ten contracts a leg for a butterfly.
    UnevenStrikes,
    /// A value left the fixed-point range.
    Overflow,
}

/// What a position is sure to be worth per share, as a present value: `fixed` paid or received
/// as if now, `discounted × DF`, and `dividends ×` the dividends' present value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sure {
    fixed: f64,
    discounted: f64,
    dividends: f64,
}

/// Prices `spec` on `book` with `config`'s fees, dividends and time tolerance.
pub fn evaluate(spec: &Spec, book: &Book, config: &ScanConfig) -> Result<Evaluation, Unpriced> {
    let series = book.series.get(&spec.series).ok_or(Unpriced::MissingLeg)?;
    let opt = |k: usize, right: OptionRight| -> Result<&Tradable, Unpriced> {
        series
            .strikes
            .get(&spec.strikes[k])
            .and_then(|p| p.get(right))
            .ok_or(Unpriced::MissingLeg)
    };
    let american = spec.series.style == OptionStyle::American;
    let (c, p) = (OptionRight::Call, OptionRight::Put);
    let (buy, sell) = (Side::Buy, Side::Sell);
    let leg = |t: &Tradable, side, ratio| Leg::new(t, side, ratio, false);
    let k = |i: usize| spec.strikes[i].to_f64();
    let zero = Sure::default();
    let (legs, sure): (Vec<Leg>, Sure) = match spec.kind {
        Kind::Conversion => {
            let stock = book.stock.as_ref().ok_or(Unpriced::NoStock)?;
            let legs = vec![
                Leg::new(stock, buy, spec.series.multiplier, true),
                leg(opt(0, p)?, buy, 1),
                leg(opt(0, c)?, sell, 1),
            ];
            // We deliver the stock for K at expiry (an early assignment of the call brings K
            // sooner). An American call may be assigned before an ex-date: its dividends are
            // not counted on.
            let dividends = if american { 0.0 } else { 1.0 };
            (
                legs,
                Sure {
                    discounted: k(0),
                    dividends,
                    ..zero
                },
            )
        }
        Kind::Reversal => {
            let stock = book.stock.as_ref().ok_or(Unpriced::NoStock)?;
            let legs = vec![
                Leg::new(stock, sell, spec.series.multiplier, true),
                leg(opt(0, p)?, sell, 1),
                leg(opt(0, c)?, buy, 1),
            ];
            // We buy the stock back for K and pay its dividends while short; an American put
            // assigned early makes us pay K now.
            let sure = if american {
                Sure {
                    fixed: -k(0),
                    dividends: -1.0,
                    ..zero
                }
            } else {
                Sure {
                    discounted: -k(0),
                    dividends: -1.0,
                    ..zero
                }
            };
            (legs, sure)
        }
        Kind::BoxLong => {
            let legs = vec![
                leg(opt(0, c)?, buy, 1),
                leg(opt(1, c)?, sell, 1),
                leg(opt(1, p)?, buy, 1),
                leg(opt(0, p)?, sell, 1),
            ];
            // American: the lower bound of the box composed from the parity bounds,
            // (S − D − K1) − (S − K2·DF).
            let sure = if american {
                Sure {
                    fixed: -k(0),
                    discounted: k(1),
                    dividends: -1.0,
                }
            } else {
                Sure {
                    discounted: k(1) - k(0),
                    ..zero
                }
            };
            (legs, sure)
        }
        Kind::BoxShort => {
            let legs = vec![
                leg(opt(0, c)?, sell, 1),
                leg(opt(1, c)?, buy, 1),
                leg(opt(1, p)?, sell, 1),
                leg(opt(0, p)?, buy, 1),
            ];
            // American: the upper bound, (S − K1·DF) − (S − D − K2): a short put assigned early
            // makes us buy the stock now and deliver it for K1 only later.
            let sure = if american {
                Sure {
                    fixed: -k(1),
                    discounted: k(0),
                    dividends: -1.0,
                }
            } else {
                Sure {
                    discounted: k(0) - k(1),
                    ..zero
                }
            };
            (legs, sure)
        }
        Kind::CallVerticalInverted => (
            vec![leg(opt(0, c)?, buy, 1), leg(opt(1, c)?, sell, 1)],
            zero,
        ),
        Kind::PutVerticalInverted => (
            vec![leg(opt(1, p)?, buy, 1), leg(opt(0, p)?, sell, 1)],
            zero,
        ),
        Kind::CallVerticalTooWide | Kind::PutVerticalTooWide => {
            let legs = if spec.kind == Kind::CallVerticalTooWide {
                vec![leg(opt(0, c)?, sell, 1), leg(opt(1, c)?, buy, 1)]
            } else {
                vec![leg(opt(1, p)?, sell, 1), leg(opt(0, p)?, buy, 1)]
            };
            // At worst we pay the width: at expiry, or now when an American leg is assigned.
            let width = k(0) - k(1);
            let sure = if american {
                Sure {
                    fixed: width,
                    ..zero
                }
            } else {
                Sure {
                    discounted: width,
                    ..zero
                }
            };
            (legs, sure)
        }
        Kind::CallButterfly | Kind::PutButterfly => {
            let r = right_of(spec.kind);
            let (w1, w3) = butterfly_weights(&spec.strikes).ok_or(Unpriced::UnevenStrikes)?;
            let legs = vec![
                leg(opt(0, r)?, buy, w1),
                leg(opt(1, r)?, sell, w1 + w3),
                leg(opt(2, r)?, buy, w3),
            ];
            (legs, zero)
        }
        Kind::CallCalendar | Kind::PutCalendar => {
            let far_key = spec.far.ok_or(Unpriced::MissingLeg)?;
            let far = book.series.get(&far_key).ok_or(Unpriced::MissingLeg)?;
            let r = right_of(spec.kind);
            let far_quote = far
                .strikes
                .get(&spec.strikes[0])
                .and_then(|q| q.get(r))
                .ok_or(Unpriced::MissingLeg)?;
            (vec![leg(opt(0, r)?, sell, 1), leg(far_quote, buy, 1)], zero)
        }
    };
    price_legs(legs, sure, spec, series, book.at, config)
}

fn price_legs(
    legs: Vec<Leg>,
    sure: Sure,
    spec: &Spec,
    series: &Series,
    at: UnixNanos,
    config: &ScanConfig,
) -> Result<Evaluation, Unpriced> {
    let first = legs
        .iter()
        .map(|l| l.quoted_at)
        .min()
        .unwrap_or(UnixNanos::new(0));
    let last = legs
        .iter()
        .map(|l| l.quoted_at)
        .max()
        .unwrap_or(UnixNanos::new(0));
    if last.as_i64().saturating_sub(first.as_i64()) > config.max_quote_skew_ns {
        return Err(Unpriced::TooFarApart);
    }
    let mult = spec.series.multiplier;
    let mut cash = Money::ZERO;
    let mut fees = Money::ZERO;
    for l in &legs {
        let units = if l.is_stock { 1 } else { mult };
        cash = cash
            .checked_add(l.cash(units).ok_or(Unpriced::Overflow)?)
            .ok_or(Unpriced::Overflow)?;
        let fee = if l.is_stock {
            config.stock_fee_per_share
        } else {
            config.fees_per_contract
        };
        let f = Money::from_price(fee)
            .checked_mul_ratio(i64::from(l.ratio), 1)
            .ok_or(Unpriced::Overflow)?;
        fees = fees.checked_add(f).ok_or(Unpriced::Overflow)?;
    }
    let discount_factor = if sure.discounted != 0.0 {
        Some(
            series
                .forward
                .as_ref()
                .map(|f| f.discount_factor)
                .ok_or(Unpriced::NoDiscountFactor)?,
        )
    } else {
        None
    };
    let dividends = if sure.dividends != 0.0 {
        sure.dividends * dividends_pv(series, at, config)
    } else {
        0.0
    };
    let per_share = sure.fixed + sure.discounted * discount_factor.unwrap_or(0.0) + dividends;
    let per_share = price_of(per_share).ok_or(Unpriced::Overflow)?;
    let qty = Quantity::checked_from_int(i64::from(mult)).ok_or(Unpriced::Overflow)?;
    let payoff_pv = per_share.notional(qty);
    let edge = cash
        .checked_add(payoff_pv)
        .and_then(|e| e.checked_sub(fees))
        .ok_or(Unpriced::Overflow)?;
    let sets = legs
        .iter()
        .map(Leg::sets)
        .try_fold(i64::MAX, |m, s| s.map(|s| m.min(s)));
    Ok(Evaluation {
        legs,
        cash,
        payoff_pv,
        fees,
        edge,
        sets,
        discount_factor,
    })
}

/// Buy `w1` of K1 and `w3` of K3 against `w1 + w3` of K2, `w1 : w3 = (K3 − K2) : (K2 − K1)`
/// reduced; `None` when the smallest whole weights pass 10 (a set too odd to trade).
fn butterfly_weights(strikes: &[Price]) -> Option<(u32, u32)> {
    let a = strikes[2].raw().checked_sub(strikes[1].raw())?;
    let b = strikes[1].raw().checked_sub(strikes[0].raw())?;
    if a <= 0 || b <= 0 {
        return None;
    }
    let g = gcd(a, b);
    let (w1, w3) = (a / g, b / g);
    (w1 <= 10 && w3 <= 10).then_some((w1 as u32, w3 as u32))
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The present value per share of the cash dividends going ex after the snapshot and on or
/// before the expiry, discounted at the series' implied rate (else the configured one).
fn dividends_pv(series: &Series, at: UnixNanos, config: &ScanConfig) -> f64 {
    let rate = series
        .forward
        .as_ref()
        .and_then(|f| f.implied_rate())
        .unwrap_or(config.rate);
    config
        .dividends
        .iter()
        .filter(|(ex, _)| *ex > at.utc_date() && *ex <= series.key.expiry)
        .map(|(ex, amount)| {
            let t = crate::expiry::years_to_expiry(at, *ex)
                .unwrap_or(0.0)
                .max(0.0);
            amount.to_f64() * (-rate * t).exp()
        })
        .sum()
}

/// A float amount as a price, rounded to the nearest 10⁻⁹; `None` when not finite or out of
/// range.
pub fn price_of(x: f64) -> Option<Price> {
    let raw = (x * Price::UNIT as f64).round();
    (raw.is_finite() && raw.abs() < 9.0e18).then(|| Price::from_raw(raw as i64))
}
