//! Implied volatility: the σ at which a model reproduces a price, or the reason there is none.
//!
//! - European prices are inverted by Jäckel's Let's Be Rational (implied-vol's `Jaeckel`
//!   solver): two Householder steps from a rational guess, accurate to a few ulps of σ wherever
//!   the price carries information about σ, with no iteration count to tune.
//!   [`implied_vol_black`] takes a forward and a discount factor; [`implied_vol_bsm`] a spot, a
//!   rate and a dividend yield (forward `S·e^{(r−q)T}`, `DF = e^{−rT}`).
//! - American prices are inverted by Brent's method on the Bjerksund-Stensland 2002 price
//!   ([`implied_vol_american`]), bracketed from the European implied volatility of the same
//!   price (an upper bound, since an American option is worth at least the European one).
//!   It stops when the bracket is narrower than [`AMERICAN_VOL_TOLERANCE`] (absolute σ) or the
//!   price is matched to [`AMERICAN_PRICE_TOLERANCE`] relative.
//!
//! None of these returns NaN: a price with no implied volatility gives an [`IvStatus`] saying why.

use implied_vol::ImpliedBlackVolatility;
use implied_vol::solver::Jaeckel;
use serde::{Deserialize, Serialize};

use crate::american::american_price;
use crate::bsm::Bsm;
use crate::inputs::{OptionRight, intrinsic};

/// How far (in ulps of the intrinsic value) an undiscounted price may fall below intrinsic
/// value and still count as intrinsic (σ = 0) rather than [`IvStatus::BelowIntrinsic`]:
/// `price / DF` rounds.
pub const INTRINSIC_ULPS: f64 = 4.0;
/// Absolute σ tolerance of [`implied_vol_american`].
pub const AMERICAN_VOL_TOLERANCE: f64 = 1e-10;
/// Relative price tolerance of [`implied_vol_american`].
pub const AMERICAN_PRICE_TOLERANCE: f64 = 1e-13;
/// The lowest σ [`implied_vol_american`] searches; a price below the model's value there is
/// [`IvStatus::BelowIntrinsic`].
pub const AMERICAN_MIN_VOL: f64 = 1e-6;
/// The highest σ [`implied_vol_american`] searches; a price above the model's value there is
/// [`IvStatus::AboveMaximum`].
pub const AMERICAN_MAX_VOL: f64 = 100.0;

/// Why a quote has (or has no) implied volatility. Stored and shown by its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum IvStatus {
    /// An implied volatility was found.
    #[error("ok")]
    Ok,
    /// The price is below the lowest the model can give (intrinsic value, or for Black the
    /// discounted intrinsic value of the forward).
    #[error("below_intrinsic")]
    BelowIntrinsic,
    /// The price is at or above the highest the model can give (the discounted forward for a
    /// call, the discounted strike for a put; spot and strike for American options).
    #[error("above_maximum")]
    AboveMaximum,
    /// No bid (or no ask): there is no two-sided market to take a mid from.
    #[error("no_bid")]
    NoBid,
    /// The ask is below the bid.
    #[error("crossed")]
    Crossed,
    /// The quote is older than allowed.
    #[error("stale")]
    Stale,
    /// The option has expired (years to expiry <= 0).
    #[error("expired")]
    Expired,
    /// An input is NaN, infinite or out of its domain (a non-positive spot, strike, forward or
    /// discount factor). Not one of the market conditions above: a caller's bug or bad data.
    #[error("invalid_input")]
    InvalidInput,
    /// The expiry has no forward or discount factor: too few liquid strikes for a parity fit,
    /// and no spot for the given rate to make one.
    #[error("no_forward")]
    NoForward,
}

impl IvStatus {
    /// The snake_case name, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            IvStatus::Ok => "ok",
            IvStatus::BelowIntrinsic => "below_intrinsic",
            IvStatus::AboveMaximum => "above_maximum",
            IvStatus::NoBid => "no_bid",
            IvStatus::Crossed => "crossed",
            IvStatus::Stale => "stale",
            IvStatus::Expired => "expired",
            IvStatus::InvalidInput => "invalid_input",
            IvStatus::NoForward => "no_forward",
        }
    }

    /// The status of a solver's result: `Ok` for a volatility, the error otherwise.
    pub fn of(result: &Result<f64, IvStatus>) -> IvStatus {
        match result {
            Ok(_) => IvStatus::Ok,
            Err(status) => *status,
        }
    }
}

/// Implied volatility of a Black-76 price (present value) on a forward.
///
/// `years <= 0` is [`IvStatus::Expired`]. The undiscounted price `price / DF` below the forward's
/// intrinsic value (by more than [`INTRINSIC_ULPS`]) is [`IvStatus::BelowIntrinsic`]; at or above
/// the forward (call) or the strike (put) it is [`IvStatus::AboveMaximum`]. A price at intrinsic
/// value has σ = 0.
pub fn implied_vol_black(
    price: f64,
    forward: f64,
    strike: f64,
    years: f64,
    discount_factor: f64,
    right: OptionRight,
) -> Result<f64, IvStatus> {
    live(years)?;
    let valid = |x: f64| x.is_finite() && x > 0.0;
    if !valid(forward) || !valid(strike) || !valid(discount_factor) || !years.is_finite() {
        return Err(IvStatus::InvalidInput);
    }
    if price.is_nan() {
        return Err(IvStatus::InvalidInput);
    }
    let undiscounted = price / discount_factor;
    let floor = intrinsic(forward, strike, right);
    if undiscounted < floor {
        // Dividing by DF rounds: a few ulps under intrinsic value is intrinsic value.
        return if floor - undiscounted <= INTRINSIC_ULPS * f64::EPSILON * floor {
            Ok(0.0)
        } else {
            Err(IvStatus::BelowIntrinsic)
        };
    }
    let cap = match right {
        OptionRight::Call => forward,
        OptionRight::Put => strike,
    };
    if undiscounted >= cap {
        return Err(IvStatus::AboveMaximum);
    }
    let sigma = ImpliedBlackVolatility::builder()
        .option_price(undiscounted)
        .forward(forward)
        .strike(strike)
        .expiry(years)
        .is_call(right == OptionRight::Call)
        .build_unchecked()
        .calculate_with::<Jaeckel>();
    match sigma {
        Some(s) if s.is_finite() => Ok(s),
        Some(_) => Err(IvStatus::AboveMaximum),
        None => Err(IvStatus::BelowIntrinsic),
    }
}

/// Implied volatility of a Black-Scholes-Merton price on a spot with rate `r` and dividend
/// yield `q`: [`implied_vol_black`] on the forward `S·e^{(r−q)T}` with `DF = e^{−rT}`.
pub fn implied_vol_bsm(
    price: f64,
    spot: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
    right: OptionRight,
) -> Result<f64, IvStatus> {
    let market = market(spot, strike, years, rate, dividend_yield)?;
    let black = market.as_black76();
    implied_vol_black(
        price,
        black.forward(),
        black.strike(),
        black.years(),
        black.discount_factor(),
        right,
    )
}

/// Implied volatility of an American price under Bjerksund-Stensland 2002 (module doc for the
/// method and tolerances).
///
/// `years <= 0` is [`IvStatus::Expired`]; a price below intrinsic value, or below the model's
/// value at σ = [`AMERICAN_MIN_VOL`], is [`IvStatus::BelowIntrinsic`] (a price equal to that
/// lowest value has σ = 0); a price at or above the spot (call) or strike (put), or above the
/// model's value at σ = [`AMERICAN_MAX_VOL`], is [`IvStatus::AboveMaximum`].
pub fn implied_vol_american(
    price: f64,
    spot: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
    right: OptionRight,
) -> Result<f64, IvStatus> {
    let market = market(spot, strike, years, rate, dividend_yield)?;
    if price.is_nan() {
        return Err(IvStatus::InvalidInput);
    }
    if price < intrinsic(spot, strike, right) {
        return Err(IvStatus::BelowIntrinsic);
    }
    let cap = match right {
        OptionRight::Call => spot,
        OptionRight::Put => strike,
    };
    if price >= cap {
        return Err(IvStatus::AboveMaximum);
    }
    let excess = |sigma: f64| -> Result<f64, IvStatus> {
        american_price(&market, sigma, right)
            .map(|model| model - price)
            .map_err(|_| IvStatus::InvalidInput)
    };
    let price_tolerance = AMERICAN_PRICE_TOLERANCE * price.max(f64::MIN_POSITIVE);
    // The European σ of this price is an upper bound: A(σ) >= E(σ) = price.
    let mut hi = match implied_vol_bsm(price, spot, strike, years, rate, dividend_yield, right) {
        Ok(sigma) if sigma > AMERICAN_MIN_VOL => sigma,
        Ok(_) => AMERICAN_MIN_VOL,
        Err(IvStatus::BelowIntrinsic) => return Err(IvStatus::BelowIntrinsic),
        Err(_) => 1.0,
    };
    let mut f_hi = excess(hi)?;
    while f_hi < 0.0 {
        if hi >= AMERICAN_MAX_VOL {
            return Err(IvStatus::AboveMaximum);
        }
        hi = (hi * 2.0).min(AMERICAN_MAX_VOL);
        f_hi = excess(hi)?;
    }
    if f_hi <= price_tolerance && hi <= AMERICAN_MIN_VOL {
        return Ok(0.0);
    }
    let mut lo = hi * 0.9;
    let mut f_lo = excess(lo)?;
    while f_lo >= 0.0 {
        if lo <= AMERICAN_MIN_VOL {
            return if f_lo <= price_tolerance {
                Ok(0.0)
            } else {
                Err(IvStatus::BelowIntrinsic)
            };
        }
        hi = lo;
        f_hi = f_lo;
        lo = (lo * 0.5).max(AMERICAN_MIN_VOL);
        f_lo = excess(lo)?;
    }
    brent(lo, f_lo, hi, f_hi, price_tolerance, excess)
}

/// Expiry first: NaN years are invalid, zero or fewer expired.
fn live(years: f64) -> Result<(), IvStatus> {
    if years.is_nan() {
        Err(IvStatus::InvalidInput)
    } else if years <= 0.0 {
        Err(IvStatus::Expired)
    } else {
        Ok(())
    }
}

/// The checked market of the BSM and American solvers, with expiry checked first.
fn market(
    spot: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
) -> Result<Bsm, IvStatus> {
    live(years)?;
    Bsm::new(spot, strike, years, rate, dividend_yield).map_err(|_| IvStatus::InvalidInput)
}

/// Brent's method on `[a, b]` with `f(a) < 0 <= f(b)`: bisection, secant and inverse quadratic
/// interpolation, never leaving the bracket.
fn brent(
    mut a: f64,
    mut fa: f64,
    mut b: f64,
    mut fb: f64,
    price_tolerance: f64,
    f: impl Fn(f64) -> Result<f64, IvStatus>,
) -> Result<f64, IvStatus> {
    let mut c = a;
    let mut fc = fa;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * AMERICAN_VOL_TOLERANCE;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb.abs() <= price_tolerance {
            return Ok(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q) = if a == c {
                (2.0 * m * s, 1.0 - s)
            } else {
                let q = fa / fc;
                let r = fb / fc;
                (
                    s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0)),
                    (q - 1.0) * (r - 1.0) * (s - 1.0),
                )
            };
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b)?;
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case() {
        assert_eq!(IvStatus::BelowIntrinsic.as_str(), "below_intrinsic");
        assert_eq!(IvStatus::NoBid.to_string(), "no_bid");
        assert_eq!(IvStatus::of(&Ok(0.2)), IvStatus::Ok);
        assert_eq!(IvStatus::of(&Err(IvStatus::Stale)), IvStatus::Stale);
    }

    #[test]
    fn brent_finds_a_simple_root() {
        let f = |x: f64| Ok(x * x * x - 2.0);
        let root = brent(0.0, -2.0, 2.0, 6.0, 0.0, f).unwrap();
        assert!((root - 2f64.cbrt()).abs() < 1e-10);
    }
}
