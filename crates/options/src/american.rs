//! American options by Bjerksund-Stensland 2002, with greeks by finite differences.
//!
//! Bjerksund and Stensland, "Closed form valuation of American options" (2002): the value of
//! exercising at a two-step flat boundary, chosen to be close to optimal. It is a lower bound
//! of the true American value, typically within a few cents of a fine binomial tree (the tests
//! in `tests/american.rs` state the largest difference found over their grid).
//!
//! - Calls are priced directly, with cost of carry `b = r − q`. When `b >= r` (no dividend,
//!   `q <= 0`) early exercise is never optimal and the call is the European one.
//! - Puts use the put-call transformation `P(S, K, T, r, b, σ) = C(K, S, T, r − b, −b, σ)`; with
//!   `r <= 0` the put is the European one.
//! - The result is never below the European (BSM) price nor the intrinsic value: the largest of
//!   the three is returned. Where the formula is not finite (volatility so low that powers
//!   overflow, or a negative rate that makes its exponent complex) that floor is the price.
//!
//! Greeks are central finite differences of the price, in the units of [`crate::greeks`]:
//! - delta, gamma: spot bumped by `h = 1e-4·S` (up and down);
//! - vega: σ bumped by `1e-4` (absolute), then × 0.01;
//! - theta: time to expiry bumped by `min(1e-4, T/2)` years each way, then −1/365 of the slope;
//! - rho: `r` bumped by `1e-5` with `q` fixed, then × 0.01.

use crate::bsm::Bsm;
use crate::greeks::{DAYS_PER_YEAR, Greeks, PER_POINT};
use crate::inputs::{InputError, OptionRight, intrinsic, non_negative};
use crate::normal::{bivariate_cdf, cdf};

/// Relative spot bump for delta and gamma.
pub const SPOT_BUMP: f64 = 1e-4;
/// Absolute volatility bump for vega.
pub const VOL_BUMP: f64 = 1e-4;
/// Largest time bump for theta, in years (halved time is used when expiry is nearer).
pub const TIME_BUMP: f64 = 1e-4;
/// Absolute rate bump for rho.
pub const RATE_BUMP: f64 = 1e-5;

/// The American price; inputs are checked as [`Bsm::new`] checks them, `sigma` finite and >= 0.
pub fn american_price(market: &Bsm, sigma: f64, right: OptionRight) -> Result<f64, InputError> {
    let sigma = non_negative("sigma", sigma)?;
    let european = market.price(sigma, right)?;
    let (s, k, t, r) = (
        market.spot(),
        market.strike(),
        market.years(),
        market.rate(),
    );
    let b = r - market.dividend_yield();
    let exercise = intrinsic(s, k, right);
    let floor = european.max(exercise);
    if t == 0.0 || sigma == 0.0 {
        return Ok(floor);
    }
    let formula = match right {
        OptionRight::Call => bs2002_call(s, k, t, r, b, sigma),
        OptionRight::Put => bs2002_call(k, s, t, r - b, -b, sigma),
    };
    Ok(match formula {
        Some(value) if value.is_finite() => value.max(floor),
        _ => floor,
    })
}

/// The American price and its finite-difference greeks (bumps in the module doc).
pub fn american_greeks(market: &Bsm, sigma: f64, right: OptionRight) -> Result<Greeks, InputError> {
    let price = american_price(market, sigma, right)?;
    let (s, k, t, r, q) = (
        market.spot(),
        market.strike(),
        market.years(),
        market.rate(),
        market.dividend_yield(),
    );
    let at = |s: f64, t: f64, r: f64, v: f64| -> Result<f64, InputError> {
        american_price(&Bsm::new(s, k, t, r, q)?, v, right)
    };
    let hs = SPOT_BUMP * s;
    let up = at(s + hs, t, r, sigma)?;
    let down = at(s - hs, t, r, sigma)?;
    let delta = (up - down) / (2.0 * hs);
    let gamma = (up - 2.0 * price + down) / (hs * hs);
    let hv = VOL_BUMP.min(sigma);
    let vega = if hv > 0.0 {
        (at(s, t, r, sigma + hv)? - at(s, t, r, sigma - hv)?) / (2.0 * hv)
    } else {
        (at(s, t, r, VOL_BUMP)? - price) / VOL_BUMP
    };
    let ht = TIME_BUMP.min(t / 2.0);
    let theta = if ht > 0.0 {
        -(at(s, t + ht, r, sigma)? - at(s, t - ht, r, sigma)?) / (2.0 * ht)
    } else {
        0.0
    };
    let rho =
        (at(s, t, r + RATE_BUMP, sigma)? - at(s, t, r - RATE_BUMP, sigma)?) / (2.0 * RATE_BUMP);
    Ok(Greeks {
        price,
        delta,
        gamma,
        vega: vega * PER_POINT,
        theta: theta / DAYS_PER_YEAR,
        rho: rho * PER_POINT,
    })
}

/// American price and greeks in one call: see [`Bsm::new`] and [`american_greeks`].
pub fn american(
    spot: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
    sigma: f64,
    right: OptionRight,
) -> Result<Greeks, InputError> {
    american_greeks(
        &Bsm::new(spot, strike, years, rate, dividend_yield)?,
        sigma,
        right,
    )
}

/// Bjerksund-Stensland 2002 call with cost of carry `b`; `None` when the European call is the
/// answer (`b >= r`) or the boundary is undefined.
fn bs2002_call(s: f64, k: f64, t: f64, r: f64, b: f64, v: f64) -> Option<f64> {
    if b >= r {
        return None;
    }
    let v2 = v * v;
    let disc = (b / v2 - 0.5).powi(2) + 2.0 * r / v2;
    if disc < 0.0 {
        return None;
    }
    let beta = (0.5 - b / v2) + disc.sqrt();
    if beta <= 1.0 {
        return None;
    }
    let b_inf = beta / (beta - 1.0) * k;
    let b0 = k.max(r / (r - b) * k);
    let t1 = 0.5 * (5f64.sqrt() - 1.0) * t;
    let boundary = |tau: f64| {
        let h = -(b * tau + 2.0 * v * tau.sqrt()) * k * k / ((b_inf - b0) * b0);
        b0 + (b_inf - b0) * (1.0 - h.exp())
    };
    let i1 = boundary(t1);
    let i2 = boundary(t);
    if s >= i2 {
        return Some(s - k);
    }
    let m = Model { s, r, b, v };
    // α·S^β written as (I − K)·(S/I)^β so neither power overflows when β is large.
    let a1 = i1 - k;
    let a2 = i2 - k;
    let value = a2 * (s / i2).powf(beta) - a2 * m.phi(t1, beta, i2, i2, i2)
        + m.phi(t1, 1.0, i2, i2, 1.0)
        - m.phi(t1, 1.0, i1, i2, 1.0)
        - k * m.phi(t1, 0.0, i2, i2, 1.0)
        + k * m.phi(t1, 0.0, i1, i2, 1.0)
        + a1 * m.phi(t1, beta, i1, i2, i1)
        - a1 * m.ksi(t, beta, i1, i2, i1, t1, i1)
        + m.ksi(t, 1.0, i1, i2, i1, t1, 1.0)
        - m.ksi(t, 1.0, k, i2, i1, t1, 1.0)
        - k * m.ksi(t, 0.0, i1, i2, i1, t1, 1.0)
        + k * m.ksi(t, 0.0, k, i2, i1, t1, 1.0);
    Some(value)
}

/// The market of one Bjerksund-Stensland evaluation: spot, rate, carry, volatility.
struct Model {
    s: f64,
    r: f64,
    b: f64,
    v: f64,
}

impl Model {
    /// `φ(S, T, γ, H, I)` of the paper, with `S^γ` computed as `(S/scale)^γ`: the caller
    /// multiplies by `scale^γ` (folded into α).
    fn phi(&self, t: f64, gamma: f64, h: f64, i: f64, scale: f64) -> f64 {
        let Model { s, r, b, v } = *self;
        let v2 = v * v;
        let lambda = (-r + gamma * b + 0.5 * gamma * (gamma - 1.0) * v2) * t;
        let kappa = 2.0 * b / v2 + 2.0 * gamma - 1.0;
        let vt = v * t.sqrt();
        let d = -((s / h).ln() + (b + (gamma - 0.5) * v2) * t) / vt;
        let lead = (lambda + gamma * (s / scale).ln()).exp();
        lead * (cdf(d) - (i / s).powf(kappa) * cdf(d - 2.0 * (i / s).ln() / vt))
    }

    /// `ψ(S, T, γ, H, I2, I1, t1)` of the paper (Haug's `ksi`), `S^γ` scaled as in [`Self::phi`].
    #[allow(clippy::too_many_arguments)]
    fn ksi(&self, t2: f64, gamma: f64, h: f64, i2: f64, i1: f64, t1: f64, scale: f64) -> f64 {
        let Model { s, r, b, v } = *self;
        let v2 = v * v;
        let drift = b + (gamma - 0.5) * v2;
        let (vt1, vt2) = (v * t1.sqrt(), v * t2.sqrt());
        let e1 = ((s / i1).ln() + drift * t1) / vt1;
        let e2 = ((i2 * i2 / (s * i1)).ln() + drift * t1) / vt1;
        let e3 = ((s / i1).ln() - drift * t1) / vt1;
        let e4 = ((i2 * i2 / (s * i1)).ln() - drift * t1) / vt1;
        let f1 = ((s / h).ln() + drift * t2) / vt2;
        let f2 = ((i2 * i2 / (s * h)).ln() + drift * t2) / vt2;
        let f3 = ((i1 * i1 / (s * h)).ln() + drift * t2) / vt2;
        let f4 = ((s * i1 * i1 / (h * i2 * i2)).ln() + drift * t2) / vt2;
        let rho = (t1 / t2).sqrt();
        let lambda = -r + gamma * b + 0.5 * gamma * (gamma - 1.0) * v2;
        let kappa = 2.0 * b / v2 + 2.0 * gamma - 1.0;
        let lead = (lambda * t2 + gamma * (s / scale).ln()).exp();
        lead * (bivariate_cdf(-e1, -f1, rho)
            - (i2 / s).powf(kappa) * bivariate_cdf(-e2, -f2, rho)
            - (i1 / s).powf(kappa) * bivariate_cdf(-e3, -f3, -rho)
            + (i1 / i2).powf(kappa) * bivariate_cdf(-e4, -f4, -rho))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: OptionRight = OptionRight::Call;
    const PUT: OptionRight = OptionRight::Put;

    fn price(s: f64, k: f64, t: f64, r: f64, q: f64, v: f64, right: OptionRight) -> f64 {
        american_price(&Bsm::new(s, k, t, r, q).unwrap(), v, right).unwrap()
    }

    /// Bjerksund-Stensland 1993 (one flat boundary) from the same φ, for Haug's printed value.
    fn bs1993_call(s: f64, k: f64, t: f64, r: f64, b: f64, v: f64) -> f64 {
        let v2 = v * v;
        let beta = (0.5 - b / v2) + ((b / v2 - 0.5).powi(2) + 2.0 * r / v2).sqrt();
        let b_inf = beta / (beta - 1.0) * k;
        let b0 = k.max(r / (r - b) * k);
        let ht = -(b * t + 2.0 * v * t.sqrt()) * b0 / (b_inf - b0);
        let i = b0 + (b_inf - b0) * (1.0 - ht.exp());
        let m = Model { s, r, b, v };
        let a = i - k;
        a * (s / i).powf(beta) - a * m.phi(t, beta, i, i, i) + m.phi(t, 1.0, i, i, 1.0)
            - m.phi(t, 1.0, k, i, 1.0)
            - k * m.phi(t, 0.0, i, i, 1.0)
            + k * m.phi(t, 0.0, k, i, 1.0)
    }

    #[test]
    fn haug_example() {
        // Haug, The Complete Guide to Option Pricing Formulas (2nd ed.), the Bjerksund-Stensland
        // example: S=42, K=40, T=0.75, r=0.04, b=−0.04 (q=0.08), σ=0.35. The 1993 flat-boundary
        // value printed there is 5.2704; the 2002 two-step boundary must do better (higher:
        // both are lower bounds), and stay below a 10,000-step tree (5.3090).
        let old = bs1993_call(42.0, 40.0, 0.75, 0.04, -0.04, 0.35);
        assert!((old - 5.2704).abs() < 5e-5, "{old}");
        let c = price(42.0, 40.0, 0.75, 0.04, 0.08, 0.35, CALL);
        assert!(c > old && c < 5.3090, "{c}");
    }

    #[test]
    fn call_without_dividend_is_european() {
        let m = Bsm::new(100.0, 95.0, 1.0, 0.05, 0.0).unwrap();
        let a = american_price(&m, 0.25, CALL).unwrap();
        assert_eq!(a, m.price(0.25, CALL).unwrap());
    }

    #[test]
    fn deep_put_is_exercised() {
        assert_eq!(price(50.0, 100.0, 1.0, 0.05, 0.0, 0.2, PUT), 50.0);
    }

    #[test]
    fn greeks_are_finite_and_signed() {
        let m = Bsm::new(100.0, 100.0, 0.5, 0.05, 0.02).unwrap();
        let p = american_greeks(&m, 0.3, PUT).unwrap();
        assert!(p.is_finite());
        assert!(p.delta < 0.0 && p.gamma > 0.0 && p.vega > 0.0 && p.theta < 0.0 && p.rho < 0.0);
        let c = american_greeks(&m, 0.3, CALL).unwrap();
        assert!(c.delta > 0.0 && c.gamma > 0.0 && c.vega > 0.0 && c.rho > 0.0);
        let tiny = american_greeks(&m, 1e-6, PUT).unwrap();
        assert!(tiny.is_finite());
    }
}
