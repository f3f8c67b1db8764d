//! Black-Scholes-Merton: a European option on a spot `S` paying a continuous dividend yield `q`,
//! with a continuously compounded rate `r`.
//!
//! It is Black-76 on the forward `F = S·e^{(r−q)T}` discounted by `DF = e^{−rT}`, which is how the
//! price is computed (so it shares Black-76's accuracy far from the money, and py_vollib computes
//! it the same way). Greeks (units in [`crate::greeks`]) are py_vollib's
//! `black_scholes_merton` analytical greeks, with the spot and `q` held fixed:
//! - `delta = e^{−qT}·N(d1)` (call), `gamma = e^{−qT}·φ(d1)/(S·σ·√T)`, per unit of spot;
//! - `vega = S·e^{−qT}·φ(d1)·√T × 0.01`;
//! - `theta = (−S·e^{−qT}·φ(d1)·σ/(2√T) + w·q·S·e^{−qT}·N(w·d1) − w·r·K·e^{−rT}·N(w·d2)) / 365`;
//! - `rho = w·T·K·e^{−rT}·N(w·d2) × 0.01`, with `w = +1` for a call and `−1` for a put.

use crate::black76::Black76;
use crate::greeks::{DAYS_PER_YEAR, Greeks, PER_POINT};
use crate::inputs::{InputError, OptionRight, finite, intrinsic, non_negative, positive, sign};
use crate::normal::{cdf, pdf};

/// The market side of a Black-Scholes-Merton valuation, checked once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bsm {
    spot: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
    black: Black76,
}

impl Bsm {
    /// Checks the inputs: spot and strike finite and > 0, years finite and >= 0, rate and
    /// dividend yield finite (either may be negative); the forward `S·e^{(r−q)T}` must be
    /// finite and > 0 too.
    pub fn new(
        spot: f64,
        strike: f64,
        years: f64,
        rate: f64,
        dividend_yield: f64,
    ) -> Result<Self, InputError> {
        let spot = positive("spot", spot)?;
        let years = non_negative("years", years)?;
        let rate = finite("rate", rate)?;
        let dividend_yield = finite("dividend_yield", dividend_yield)?;
        let forward = spot * ((rate - dividend_yield) * years).exp();
        let black = Black76::new(forward, strike, years, (-rate * years).exp())?;
        Ok(Self {
            spot,
            strike,
            years,
            rate,
            dividend_yield,
            black,
        })
    }

    /// The spot `S`.
    pub fn spot(&self) -> f64 {
        self.spot
    }

    /// The strike `K`.
    pub fn strike(&self) -> f64 {
        self.strike
    }

    /// Time to expiry in years.
    pub fn years(&self) -> f64 {
        self.years
    }

    /// The continuously compounded rate `r`.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The continuous dividend yield `q`.
    pub fn dividend_yield(&self) -> f64 {
        self.dividend_yield
    }

    /// The same valuation as Black-76 on the forward `S·e^{(r−q)T}` with `DF = e^{−rT}`.
    pub fn as_black76(&self) -> &Black76 {
        &self.black
    }

    /// The present value; `sigma` must be finite and >= 0.
    pub fn price(&self, sigma: f64, right: OptionRight) -> Result<f64, InputError> {
        self.black.price(sigma, right)
    }

    /// The price and its greeks; `sigma` must be finite and >= 0. At zero volatility or at
    /// expiry the price is the discounted intrinsic value of the forward, delta `±e^{−qT}` in
    /// the money and the other greeks those of that deterministic payoff.
    pub fn greeks(&self, sigma: f64, right: OptionRight) -> Result<Greeks, InputError> {
        let sigma = non_negative("sigma", sigma)?;
        let (s, k, t, r, q) = (
            self.spot,
            self.strike,
            self.years,
            self.rate,
            self.dividend_yield,
        );
        let w = sign(right);
        let df = self.black.discount_factor();
        let carry = (-q * t).exp();
        let price = self.black.price(sigma, right)?;
        let total = sigma * t.sqrt();
        if total == 0.0 || !total.is_finite() {
            let in_money = intrinsic(self.black.forward(), k, right) > 0.0;
            let (delta, theta, rho) = if in_money {
                (
                    w * carry,
                    w * (q * s * carry - r * k * df) / DAYS_PER_YEAR,
                    w * t * k * df * PER_POINT,
                )
            } else {
                (0.0, 0.0, 0.0)
            };
            let mut flat = Greeks::flat(price, delta);
            flat.theta = theta;
            flat.rho = rho;
            return Ok(flat);
        }
        let d1 = (self.black.forward() / k).ln() / total + 0.5 * total;
        let d2 = d1 - total;
        let density = pdf(d1);
        let decay = -s * carry * density * sigma / (2.0 * t.sqrt());
        Ok(Greeks {
            price,
            delta: w * carry * cdf(w * d1),
            gamma: carry * density / (s * total),
            vega: s * carry * density * t.sqrt() * PER_POINT,
            theta: (decay + w * q * s * carry * cdf(w * d1) - w * r * k * df * cdf(w * d2))
                / DAYS_PER_YEAR,
            rho: w * t * k * df * cdf(w * d2) * PER_POINT,
        })
    }
}

/// Black-Scholes-Merton price and greeks in one call: see [`Bsm::new`] and [`Bsm::greeks`].
pub fn bsm(
    spot: f64,
    strike: f64,
    years: f64,
    rate: f64,
    dividend_yield: f64,
    sigma: f64,
    right: OptionRight,
) -> Result<Greeks, InputError> {
    Bsm::new(spot, strike, years, rate, dividend_yield)?.greeks(sigma, right)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALL: OptionRight = OptionRight::Call;
    const PUT: OptionRight = OptionRight::Put;

    #[test]
    fn hull_textbook_values() {
        // Hull, example 17.x as in py_vollib's doctests: S=49, K=50, r=0.05, t=0.3846, σ=0.2.
        let g = bsm(49.0, 50.0, 0.3846, 0.05, 0.0, 0.2, CALL).unwrap();
        assert!((g.delta - 0.522).abs() < 5e-4);
        assert!((g.gamma - 0.066).abs() < 5e-4);
        assert!((g.vega - 0.121).abs() < 5e-4);
        assert!((g.theta * 365.0 - -4.31).abs() < 5e-3);
        assert!((g.rho - 0.0891).abs() < 5e-4);
        let p = bsm(49.0, 50.0, 0.3846, 0.05, 0.0, 0.2, PUT).unwrap();
        assert!((p.theta * 365.0 - -1.853_005_672_2).abs() < 1e-8);
    }

    #[test]
    fn greeks_match_finite_differences() {
        let (s, k, t, r, q, v) = (100.0, 110.0, 0.8, 0.04, 0.02, 0.3);
        let p = |s: f64, t: f64, r: f64, v: f64, right| {
            Bsm::new(s, k, t, r, q).unwrap().price(v, right).unwrap()
        };
        let h = 1e-4;
        for right in [CALL, PUT] {
            let g = bsm(s, k, t, r, q, v, right).unwrap();
            let delta = (p(s + h, t, r, v, right) - p(s - h, t, r, v, right)) / (2.0 * h);
            let gamma =
                (p(s + 0.01, t, r, v, right) - 2.0 * g.price + p(s - 0.01, t, r, v, right)) / 1e-4;
            let vega = (p(s, t, r, v + h, right) - p(s, t, r, v - h, right)) / (2.0 * h);
            let theta = -(p(s, t + h, r, v, right) - p(s, t - h, r, v, right)) / (2.0 * h);
            let rho = (p(s, t, r + h, v, right) - p(s, t, r - h, v, right)) / (2.0 * h);
            assert!((g.delta - delta).abs() < 1e-7);
            assert!((g.gamma - gamma).abs() < 1e-6);
            assert!((g.vega - vega * PER_POINT).abs() < 1e-8);
            assert!((g.theta - theta / DAYS_PER_YEAR).abs() < 1e-8);
            assert!((g.rho - rho * PER_POINT).abs() < 1e-8);
        }
    }

    #[test]
    fn dividend_yield_lowers_calls_and_raises_puts() {
        let c0 = bsm(100.0, 100.0, 1.0, 0.03, 0.0, 0.2, CALL).unwrap().price;
        let c1 = bsm(100.0, 100.0, 1.0, 0.03, 0.05, 0.2, CALL).unwrap().price;
        let p0 = bsm(100.0, 100.0, 1.0, 0.03, 0.0, 0.2, PUT).unwrap().price;
        let p1 = bsm(100.0, 100.0, 1.0, 0.03, 0.05, 0.2, PUT).unwrap().price;
        assert!(c1 < c0 && p1 > p0);
    }

    #[test]
    fn bad_inputs_are_errors_not_nans() {
        assert_eq!(
            bsm(0.0, 1.0, 1.0, 0.0, 0.0, 0.2, CALL).unwrap_err().field,
            "spot"
        );
        assert_eq!(
            bsm(1.0, 1.0, -1.0, 0.0, 0.0, 0.2, CALL).unwrap_err().field,
            "years"
        );
        assert_eq!(
            bsm(1.0, 1.0, 1.0, f64::NAN, 0.0, 0.2, CALL)
                .unwrap_err()
                .field,
            "rate"
        );
        assert_eq!(
            bsm(1.0, 1.0, 1.0, 0.0, 0.0, f64::NAN, CALL)
                .unwrap_err()
                .field,
            "sigma"
        );
        let g = bsm(120.0, 100.0, 0.5, 0.05, 0.01, 0.0, CALL).unwrap();
        assert!(g.is_finite() && g.delta > 0.99);
    }
}
